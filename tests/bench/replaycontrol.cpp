#include "replaycontrol.h"

#include <QEventLoop>
#include <QFile>
#include <QLocalSocket>
#include <QProcess>
#include <QTextStream>
#include <QTimer>

namespace cape {

ReplayControl::ReplayControl(QObject *parent)
    : QObject(parent)
    , m_parser({.onHeaders = [this](int status, const HttpResponseParser::Headers &) { m_status = status; },
                .onBody = [this](const char *data, qsizetype size) { m_body.append(data, size); },
                .onComplete = {}})
{}

ReplayControl::~ReplayControl()
{
    if (m_socket)
        m_socket->abort();
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->terminate();
        if (!m_process->waitForFinished(5000))
            m_process->kill();
        m_process->waitForFinished(1000);
    }
    // A terminated replay leaves its socket file behind.
    if (m_process && !m_socketPath.isEmpty())
        QFile::remove(m_socketPath);
}

bool ReplayControl::start(const QString &program, const QStringList &arguments, int timeoutMs, QString *error)
{
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::SeparateChannels);
    m_process->setReadChannel(QProcess::StandardOutput);
    QEventLoop loop;
    connect(m_process, &QProcess::readyReadStandardOutput, &loop, [this, &loop] {
        while (m_process->canReadLine()) {
            const QString line = QString::fromUtf8(m_process->readLine()).trimmed();
            if (line.contains(QLatin1String("listening on"))) {
                m_readyLine = line;
                loop.quit();
            }
        }
    });
    connect(m_process, &QProcess::finished, &loop, &QEventLoop::quit);
    connect(m_process, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
    // The replay's own log goes where ours goes.
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { QTextStream(stderr) << m_process->readAllStandardError(); });
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    m_process->start(program, arguments);
    loop.exec();
    if (m_readyLine.isEmpty()) {
        *error = QStringLiteral("%1 did not start listening: %2").arg(program, m_process->errorString());
        return false;
    }
    return true;
}

void ReplayControl::post(const QString &pathAndQuery, Done done)
{
    m_queue.append(
        {"POST " + pathAndQuery.toUtf8() + " HTTP/1.1\r\nHost: replay\r\nContent-Length: 0\r\n\r\n",
         std::move(done)});
    sendNext();
}

void ReplayControl::sendNext()
{
    if (m_busy || m_queue.isEmpty())
        return;
    if (!m_socket) {
        m_socket = new QLocalSocket(this);
        connect(m_socket, &QLocalSocket::readyRead, this, [this] {
            const QByteArray data = m_socket->readAll();
            if (!m_parser.feed(data))
                return fail(m_parser.error());
            if (!m_parser.isComplete())
                return;
            const Pending done = m_queue.takeFirst();
            const int status = m_status;
            const QByteArray body = std::exchange(m_body, {});
            m_busy = false;
            done.done(status, body);
            sendNext();
        });
        connect(m_socket, &QLocalSocket::errorOccurred, this, [this] { fail(m_socket->errorString()); });
        m_socket->connectToServer(m_socketPath);
    }
    m_busy = true;
    m_status = 0;
    m_body.clear();
    m_parser.reset();
    m_socket->write(m_queue.first().request);
}

void ReplayControl::fail(const QString &message)
{
    const QList<Pending> queue = std::exchange(m_queue, {});
    m_busy = false;
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->deleteLater();
        m_socket = nullptr;
    }
    for (const Pending &pending : queue)
        pending.done(0, message.toUtf8());
}

} // namespace cape
