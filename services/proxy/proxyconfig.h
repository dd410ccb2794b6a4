#pragma once

#include "services/core/hostport.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace cape {

// cape-proxyd's configuration: the one JSON document the desktop route
// editor produces (docs/proxy.md). Read strictly: an unknown member, a
// wrong type or a contradiction is an error naming where it is
// ("routes[2].port: …"), so that a typo never silently changes what is
// reachable, and a reload with errors keeps the old document in force.
class ProxyConfig
{
public:
    struct Listener
    {
        HostPort address;
        bool tls = false;

        bool operator==(const Listener &) const = default;
    };
    struct Certificate
    {
        QString name;
        QString certFile; // PEM: the certificate, then its chain
        QString keyFile;  // PEM private key

        bool operator==(const Certificate &) const = default;
    };
    struct Route
    {
        QString host;                       // lower case; exact, or "*.example.com"
        QString path = QStringLiteral("/"); // a prefix, matched on segment boundaries
        QString service;                    // a swarm service: its tasks through tasks.<service>
        quint16 port = 0;                   // the service's port
        QList<HostPort> endpoints;          // instead of service: fixed upstreams
        bool stripPrefix = false;           // /api/x reaches the upstream as /x
        QString certificate;                // for TLS listeners: the certificate's name
        bool redirectToHttps = false;       // plain HTTP gets 308 to https://
        QString healthPath;                 // active health checks, when set

        bool operator==(const Route &) const = default;
    };

    QList<Listener> listen;
    QList<Certificate> certificates;
    QList<Route> routes;
    std::optional<HostPort> admin; // POST /admin/reload, /metrics, /health

    // The document, or nullopt with every error found (not only the first).
    static std::optional<ProxyConfig> fromJson(const QByteArray &json, QStringList *errors);
    QByteArray toJson() const;

    const Certificate *certificate(const QString &name) const;
};

} // namespace cape
