#pragma once

#include "services/docker/dockerendpoint.h"

#include <QObject>
#include <QString>

#include <memory>

namespace cape {

class DockerChannel;
class DockerClient;

// How the desktop reaches cape-agent: an exec of `cape-agent --stdio` in
// the agent's container on the manager it follows, through the Engine API
// connection it has (ssh://, tcp+TLS or unix://, whatever it is). No port,
// nothing published; whoever may exec there is root on that node already.
// Every channel is one exec; AgentTunnel adds which node a request is for.
class AgentReach : public QObject
{
    Q_OBJECT

public:
    // agentService: the agent's swarm service ("cape_agent"); its task on
    // the manager is found by the label swarm puts on its container.
    static std::shared_ptr<AgentReach> make(const DockerEndpoint &manager, const QString &agentService);

    // A channel to the manager's agent, opening (the caller owns it).
    DockerChannel *open();

    const DockerEndpoint &manager() const { return m_endpoint; }

private:
    AgentReach(const DockerEndpoint &manager, QString agentService);

    void startExec(DockerChannel *channel);

    DockerEndpoint m_endpoint;
    QString m_service;
    DockerClient *m_client;
    QString m_containerId; // the agent's container on the manager, once found
};

} // namespace cape
