#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace cape {

class DockerChannel;

// An engine reached through something else (DockerEndpoint::Transport::
// Tunnel): a node's engine through cape-agent, over the connection Cape
// already has to the manager. Each connection of a DockerClient opens a
// channel of its own; every request on it carries headers() (which node
// the agent serves it for).
class DockerTunnel
{
public:
    virtual ~DockerTunnel() = default;

    // A new channel, opening; the caller owns it. Its opened(), failed()
    // and ended() say how it goes; it never blocks.
    virtual DockerChannel *open() = 0;
    virtual QList<QPair<QByteArray, QByteArray>> headers() const = 0;
    // For messages: "node3 through cape-agent on ssh://ops@manager".
    virtual QString describe() const = 0;
};

} // namespace cape
