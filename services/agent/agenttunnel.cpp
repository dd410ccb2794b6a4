#include "agenttunnel.h"

#include "agentpolicy.h"
#include "agentreach.h"

namespace cape {

AgentTunnel::AgentTunnel(std::shared_ptr<AgentReach> reach, QString nodeId, QString nodeName)
    : m_reach(std::move(reach))
    , m_nodeId(std::move(nodeId))
    , m_nodeName(std::move(nodeName))
{}

DockerChannel *AgentTunnel::open()
{
    return m_reach->open();
}

QList<QPair<QByteArray, QByteArray>> AgentTunnel::headers() const
{
    return {{QByteArray(AgentPolicy::NodeHeader), m_nodeId.toUtf8()}};
}

QString AgentTunnel::describe() const
{
    return QStringLiteral("%1 through cape-agent on %2")
        .arg(m_nodeName.isEmpty() ? m_nodeId.left(12) : m_nodeName, m_reach->manager().toString());
}

} // namespace cape
