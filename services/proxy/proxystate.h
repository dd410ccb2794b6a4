#pragma once

#include "proxyconfig.h"
#include "routetable.h"
#include "tlscontexts.h"

#include <sys/socket.h>

#include <QList>
#include <QSet>
#include <QString>

namespace cape {

// What the workers route by: a configuration, its route table, and each
// route's upstream addresses as resolved last. Immutable once built; a
// reload or a new DNS answer builds another and swaps it in whole.
struct ProxyState
{
    struct Endpoint
    {
        QString label; // host:port as configured or resolved, for logs and health
        sockaddr_storage address{};
        socklen_t length = 0;
    };

    ProxyConfig config;
    RouteTable routes;
    QList<QList<Endpoint>> upstreams;       // per route, in the configuration's order
    QList<QString> problems;                // per route: why it has no upstream (DNS), or empty
    QList<QString> labels;                  // per route: host + path, as metrics and the access log name it
    std::shared_ptr<const TlsContexts> tls; // when any certificate is configured
    QList<QSet<QString>> unhealthy;         // per route: endpoints its health path found failing
};

} // namespace cape
