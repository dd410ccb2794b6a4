#include "dockerstream.h"

#include <QPointer>

namespace cape {

DockerStream::DockerStream(DockerRequest request, QString endpoint, QObject *parent)
    : DockerExchange(std::move(request), std::move(endpoint), parent)
{
    m_idleTimer.setSingleShot(true);
    connect(&m_idleTimer, &QTimer::timeout, this, &DockerStream::onIdle);
    connect(this, &DockerExchange::finished, &m_idleTimer, &QTimer::stop);
}

void DockerStream::setIdleTimeout(int milliseconds)
{
    m_idleTimer.setInterval(milliseconds);
    if (milliseconds > 0 && !isFinished())
        m_idleTimer.start();
    else
        m_idleTimer.stop();
}

void DockerStream::handleHeaders()
{
    m_live = true;
    emit live();
}

void DockerStream::handleBody(const QByteArray &data)
{
    if (m_idleTimer.interval() > 0)
        m_idleTimer.start();
    decode(data);
}

DockerError DockerStream::handleComplete()
{
    return decodeEnd();
}

void DockerStream::onIdle()
{
    if (isFinished())
        return;
    const int silence = m_idleTimer.interval();
    if (!m_probe) {
        finish(makeError(DockerError::Kind::Timeout,
                         QStringLiteral("no data for %1 ms on the stream").arg(silence)));
        return;
    }
    m_probe(this, [this, silence](const DockerError &error) {
        if (isFinished())
            return;
        if (error.isError()) {
            finish(makeError(DockerError::Kind::Timeout,
                             QStringLiteral("no data for %1 ms and the engine does not answer: %2")
                                 .arg(silence)
                                 .arg(error.toString())));
            return;
        }
        m_idleTimer.start();
    });
}

} // namespace cape
