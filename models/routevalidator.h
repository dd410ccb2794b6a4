#pragma once

#include "services/proxy/proxyconfig.h"
#include "services/tls/certificate.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace cape {

// What the route editor checks as the user edits cape-proxyd's document,
// against what the cluster has: each problem tied to the route it is
// about, for the canvas and the problems list. Catches what would make the
// proxy refuse the document and what it would accept but serve wrongly:
// a host and path routed twice, a service or port the swarm does not have,
// a TLS listener without a certificate, a certificate that does not cover
// its route's host, a service on no network the proxy shares.
class RouteValidator
{
public:
    // The cluster as far as routing needs it.
    struct Facts
    {
        struct Service
        {
            QList<quint16> ports; // known ports (empty: unknown, not checked)
            QSet<QString> networks;
        };
        QHash<QString, Service> services;         // by name
        QSet<QString> proxyNetworks;              // the networks cape-proxyd's service is on
        QHash<QString, Certificate> certificates; // by the name the document gives them
    };

    struct Problem
    {
        int route = -1; // -1: about the document (a listener, a certificate)
        QString message;
        bool operator==(const Problem &) const = default;
    };

    static QList<Problem> check(const ProxyConfig &config, const Facts &facts);
};

} // namespace cape
