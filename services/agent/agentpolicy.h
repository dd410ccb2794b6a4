#pragma once

#include <QByteArray>
#include <QString>

namespace cape {

// What cape-agent answers of its node's Engine API: what the desktop needs
// of a node's own engine (containers, their stats and logs, its container
// events, exec into a container for a console) and nothing that creates,
// removes or changes a container, an image, a volume or the swarm. A pure
// decision on the method and path, so the whitelist is one table, tested.
struct AgentPolicy
{
    enum class Kind {
        Forbidden,
        Engine,       // forwarded to the node's engine as it is
        EngineHijack, // exec start: the connection becomes the exec's stream
        Self,         // the agent's own: who it is, which peers it knows
    };

    struct Decision
    {
        Kind kind = Kind::Forbidden;
        // Containers and events of every node at once ("X-Cape-Node: *").
        bool canFanOut = false;
        QString reason; // for a 403: what was refused, and why
        bool allowed() const { return kind != Kind::Forbidden; }
    };

    // path: the request target without its query ("/v1.41/containers/json").
    static Decision decide(const QByteArray &method, const QString &path);
    // The path without its API version prefix ("/containers/json").
    static QString unversioned(const QString &path);

    // The header that names the node a request is for (its ID or hostname, or * for all).
    static constexpr auto NodeHeader = "X-Cape-Node";
    // Agent to agent: the token of the install (a swarm secret).
    static constexpr auto TokenHeader = "X-Cape-Agent-Token";
};

} // namespace cape
