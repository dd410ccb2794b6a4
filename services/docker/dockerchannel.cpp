#include "dockerchannel.h"

#include <cstring>

namespace cape {

DockerChannel::DockerChannel(QObject *parent)
    : QIODevice(parent)
{
    QIODevice::open(QIODevice::ReadWrite | QIODevice::Unbuffered);
}

qint64 DockerChannel::bytesAvailable() const
{
    return m_buffer.size() + QIODevice::bytesAvailable();
}

void DockerChannel::markOpen()
{
    if (m_state != State::Opening)
        return;
    m_state = State::Open;
    emit opened();
    if (!m_buffer.isEmpty())
        emit readyRead();
}

// Bytes before markOpen() wait for it (they may come with the answer that
// opened the far side); bytes after the end are dropped.
void DockerChannel::deliver(const QByteArray &bytes)
{
    if (m_state == State::Done || bytes.isEmpty())
        return;
    m_buffer += bytes;
    if (m_state == State::Open)
        emit readyRead();
}

void DockerChannel::fail(const DockerError &error)
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    emit failed(error);
}

void DockerChannel::end()
{
    if (m_state == State::Done)
        return;
    m_state = State::Done;
    emit ended();
}

qint64 DockerChannel::readData(char *data, qint64 maxSize)
{
    const qint64 size = std::min<qint64>(maxSize, m_buffer.size());
    std::memcpy(data, m_buffer.constData(), size_t(size));
    m_buffer.remove(0, size);
    return size;
}

// Written bytes leave at once: a channel buffers nothing of its own, the
// far side's transport does.
qint64 DockerChannel::writeData(const char *data, qint64 size)
{
    if (m_state != State::Open)
        return -1;
    emit outgoing(QByteArray(data, size));
    return size;
}

} // namespace cape
