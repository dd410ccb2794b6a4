#pragma once

#include "noderecord.h"
#include "servicerecord.h"

#include "services/docker/dockerendpoint.h"

#include <QList>
#include <QMap>
#include <QSet>

#include <memory>

namespace cape {

class AgentReach;

// The engines of the nodes Cape reaches through cape-agent: while the swarm
// runs a service labelled cape.component=agent, one tunnel per node, except
// the manager Cape follows (its engine is the connection itself) and nodes
// with an endpoint of their own (given by hand, they win). A node that is
// down keeps its tunnel: what cannot reach it says so, and it comes back
// by itself. The endpoints of nodes that stay are the same objects from
// one update to the next, so that what follows them goes on undisturbed.
class AgentEngines
{
public:
    static constexpr auto ComponentLabel = "cape.component";
    static constexpr auto AgentComponent = "agent";

    // Another manager, or none: no tunnels until the next update().
    void reset(const DockerEndpoint &manager);

    // True when the engines changed.
    bool update(const QList<ServiceRecord> &services, const QList<NodeRecord> &nodes,
                const QString &managerNodeId, const QSet<QString> &ownEndpoints);

    // By node hostname.
    QList<DockerEndpoint> endpoints() const;
    // The agent's service ("cape_agent"); empty when none runs.
    const QString &service() const { return m_service; }
    // The node an endpoint reaches through the agent; empty for any other.
    QString nodeOf(const DockerEndpoint &endpoint) const;

    static QString agentServiceOf(const QList<ServiceRecord> &services);

private:
    struct Reached
    {
        QString hostname;
        DockerEndpoint endpoint;
    };

    DockerEndpoint m_manager;
    QString m_service;
    std::shared_ptr<AgentReach> m_reach;
    QMap<QString, Reached> m_byNode; // node ID ->
};

} // namespace cape
