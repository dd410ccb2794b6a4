#pragma once

#include "services/docker/dockertunnel.h"

#include <memory>

namespace cape {

class AgentReach;

// A node's engine through cape-agent: every request carries the node's ID
// in X-Cape-Node, and the manager's agent serves it from that node's agent.
class AgentTunnel : public DockerTunnel
{
public:
    AgentTunnel(std::shared_ptr<AgentReach> reach, QString nodeId, QString nodeName);

    DockerChannel *open() override;
    QList<QPair<QByteArray, QByteArray>> headers() const override;
    QString describe() const override;

private:
    std::shared_ptr<AgentReach> m_reach;
    QString m_nodeId;
    QString m_nodeName;
};

} // namespace cape
