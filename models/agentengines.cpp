#include "agentengines.h"

#include "services/agent/agentreach.h"
#include "services/agent/agenttunnel.h"

#include <algorithm>

namespace cape {

void AgentEngines::reset(const DockerEndpoint &manager)
{
    m_manager = manager;
    m_service.clear();
    m_reach.reset();
    m_byNode.clear();
}

QString AgentEngines::agentServiceOf(const QList<ServiceRecord> &services)
{
    for (const ServiceRecord &service : services) {
        const QJsonObject labels = service.spec().value(QLatin1String("Labels")).toObject();
        if (labels.value(QLatin1String(ComponentLabel)).toString() == QLatin1String(AgentComponent))
            return service.name;
    }
    return {};
}

bool AgentEngines::update(const QList<ServiceRecord> &services, const QList<NodeRecord> &nodes,
                          const QString &managerNodeId, const QSet<QString> &ownEndpoints)
{
    const QString service = agentServiceOf(services);
    bool changed = false;
    if (service != m_service) {
        changed = !m_byNode.isEmpty();
        m_service = service;
        m_byNode.clear();
        m_reach = service.isEmpty() ? nullptr : AgentReach::make(m_manager, service);
    }
    if (!m_reach)
        return changed;

    QMap<QString, Reached> wanted;
    for (const NodeRecord &node : nodes) {
        if (node.id == managerNodeId || ownEndpoints.contains(node.id))
            continue;
        if (const auto known = m_byNode.constFind(node.id); known != m_byNode.cend()) {
            wanted.insert(node.id, *known);
            continue;
        }
        wanted.insert(node.id, {node.hostname, DockerEndpoint::through(std::make_shared<AgentTunnel>(
                                                   m_reach, node.id, node.hostname))});
        changed = true;
    }
    changed = changed || wanted.size() != m_byNode.size();
    m_byNode = wanted;
    return changed;
}

QList<DockerEndpoint> AgentEngines::endpoints() const
{
    QList<Reached> reached = m_byNode.values();
    std::stable_sort(reached.begin(), reached.end(),
                     [](const Reached &a, const Reached &b) { return a.hostname < b.hostname; });
    QList<DockerEndpoint> endpoints;
    for (const Reached &r : std::as_const(reached))
        endpoints << r.endpoint;
    return endpoints;
}

QString AgentEngines::nodeOf(const DockerEndpoint &endpoint) const
{
    for (auto it = m_byNode.cbegin(); it != m_byNode.cend(); ++it) {
        if (it->endpoint == endpoint)
            return it.key();
    }
    return {};
}

} // namespace cape
