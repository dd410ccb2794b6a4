#include "stdiodevice.h"

#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace cape {

StdioDevice::StdioDevice(QObject *parent)
    : QIODevice(parent)
    , m_readable(new QSocketNotifier(STDIN_FILENO, QSocketNotifier::Read, this))
    , m_writable(new QSocketNotifier(STDOUT_FILENO, QSocketNotifier::Write, this))
{
    for (int fd : {STDIN_FILENO, STDOUT_FILENO})
        ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
    m_writable->setEnabled(false);
    connect(m_readable, &QSocketNotifier::activated, this, &StdioDevice::readStdin);
    connect(m_writable, &QSocketNotifier::activated, this, &StdioDevice::flushStdout);
    open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

StdioDevice::~StdioDevice() = default;

void StdioDevice::readStdin()
{
    char buffer[64 * 1024];
    for (;;) {
        const ssize_t n = ::read(STDIN_FILENO, buffer, sizeof buffer);
        if (n > 0) {
            m_in.append(buffer, qsizetype(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        // End of input (or an error): the caller hung up.
        m_readable->setEnabled(false);
        if (!m_in.isEmpty())
            emit readyRead();
        close();
        return;
    }
    if (!m_in.isEmpty())
        emit readyRead();
}

qint64 StdioDevice::readData(char *data, qint64 maxSize)
{
    const qint64 n = std::min<qint64>(maxSize, m_in.size());
    memcpy(data, m_in.constData(), size_t(n));
    m_in.remove(0, qsizetype(n));
    return n;
}

qint64 StdioDevice::writeData(const char *data, qint64 size)
{
    m_out.append(data, qsizetype(size));
    flushStdout();
    return size;
}

void StdioDevice::flushStdout()
{
    while (!m_out.isEmpty()) {
        const ssize_t n = ::write(STDOUT_FILENO, m_out.constData(), size_t(m_out.size()));
        if (n > 0) {
            m_out.remove(0, qsizetype(n));
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
            break;
        m_out.clear(); // stdout is gone: nothing more will be read either
        close();
        return;
    }
    m_writable->setEnabled(!m_out.isEmpty());
}

} // namespace cape
