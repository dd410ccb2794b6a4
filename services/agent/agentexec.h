#pragma once

#include "services/docker/logframedecoder.h"

#include <QObject>
#include <QPointer>

namespace cape {

class DockerChannel;
class DockerClient;
class DockerHijack;
struct DockerError;

// One `cape-agent --stdio`, run by an exec in the agent's container on the
// manager, as the far side of a DockerChannel: the exec is created and
// started with its stream; what the agent writes on stdout reaches the
// channel, what the channel sends goes to the agent's stdin. A child of its
// channel: the channel's end ends the exec's stream, and with it the agent
// process (its stdin closes).
class AgentExec : public QObject
{
    Q_OBJECT

public:
    AgentExec(DockerClient *manager, QString containerId, QString managerName, DockerChannel *channel);
    ~AgentExec() override;

    void start();

signals:
    // The container is gone or stopped: the next channel must look again.
    void containerGone();

private:
    void onCreated(const QString &execId);
    void onData(const QByteArray &bytes);
    void onFinished();
    void fail(const QString &message);

    DockerClient *m_manager;
    QString m_containerId;
    QString m_managerName;
    DockerChannel *m_channel;
    QPointer<DockerHijack> m_hijack;
    LogFrameDecoder m_frames;
    QByteArray m_stderr; // the agent's own last words, for a failure
};

} // namespace cape
