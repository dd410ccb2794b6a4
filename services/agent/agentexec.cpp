#include "agentexec.h"

#include "services/docker/dockerchannel.h"
#include "services/docker/dockerclient.h"

namespace cape {

AgentExec::AgentExec(DockerClient *manager, QString containerId, QString managerName, DockerChannel *channel)
    : QObject(channel)
    , m_manager(manager)
    , m_containerId(std::move(containerId))
    , m_managerName(std::move(managerName))
    , m_channel(channel)
{}

AgentExec::~AgentExec()
{
    if (m_hijack) {
        m_hijack->disconnect(this);
        m_hijack->abort();
        m_hijack->deleteLater();
    }
}

void AgentExec::start()
{
    DockerClient::ExecOptions options;
    options.command = {QStringLiteral("cape-agent"), QStringLiteral("--stdio")};
    options.attachStdin = true;
    m_manager->createExec(m_containerId, options)->then(this, [this](DockerReply *reply) {
        if (const DockerError error = reply->error()) {
            // 404: no such container; 409: it is not running.
            if (error.httpStatus == 404 || error.httpStatus == 409)
                emit containerGone();
            fail(QStringLiteral("cannot run cape-agent in its container on %1: %2")
                     .arg(m_managerName, error.message));
            return;
        }
        onCreated(reply->object().value(QLatin1String("Id")).toString());
    });
}

void AgentExec::onCreated(const QString &execId)
{
    m_hijack = m_manager->startExec(execId, false);
    connect(m_hijack, &DockerHijack::upgraded, m_channel, &DockerChannel::markOpen);
    connect(m_hijack, &DockerHijack::data, this, &AgentExec::onData);
    connect(m_hijack, &DockerExchange::finished, this, &AgentExec::onFinished);
    connect(m_channel, &DockerChannel::outgoing, this, [this](const QByteArray &bytes) {
        if (m_hijack)
            m_hijack->write(bytes);
    });
}

// Without a TTY the exec's output comes in frames: stdout is the agent's
// HTTP, stderr its diagnostics.
void AgentExec::onData(const QByteArray &bytes)
{
    const LogFrameDecoder::Result result = m_frames.feed(bytes);
    for (const LogFrameDecoder::Frame &frame : result.frames) {
        if (frame.stream == LogFrameDecoder::Stream::Stdout)
            m_channel->deliver(frame.payload);
        else
            m_stderr = (m_stderr + frame.payload).right(2048);
    }
    if (!result.error.isEmpty()) {
        fail(QStringLiteral("cape-agent's stream from %1 is corrupt: %2").arg(m_managerName, result.error));
        if (m_hijack)
            m_hijack->abort();
    }
}

void AgentExec::onFinished()
{
    if (m_channel->isOpenToFarSide()) {
        m_channel->end();
        return;
    }
    const DockerError error = m_hijack ? m_hijack->error() : DockerError{};
    QString why = QString::fromUtf8(m_stderr).trimmed();
    if (why.isEmpty())
        why = error ? error.message : QStringLiteral("it ended at once");
    fail(QStringLiteral("cape-agent on %1 did not start: %2").arg(m_managerName, why));
}

void AgentExec::fail(const QString &message)
{
    DockerError error;
    error.kind = DockerError::Kind::Connection;
    error.message = message;
    m_channel->fail(error);
}

} // namespace cape
