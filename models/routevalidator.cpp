#include "routevalidator.h"

#include <QCoreApplication>
#include <QStringList>

#include <algorithm>

namespace cape {

namespace {

// lupdate files these messages under the class they are in: cape::RouteValidator.
QString tr(const char *text)
{
    return QCoreApplication::translate("cape::RouteValidator", text);
}

QString label(const ProxyConfig::Route &route)
{
    return route.path == QLatin1String("/") ? route.host : route.host + route.path;
}

// A wildcard route needs the same wildcard in the certificate: every name
// under it must be covered, not just one.
bool certificateCovers(const Certificate &certificate, const QString &host)
{
    if (host.startsWith(QLatin1String("*.")))
        return certificate.names().contains(host);
    return certificate.covers(host);
}

} // namespace

QList<RouteValidator::Problem> RouteValidator::check(const ProxyConfig &config, const Facts &facts)
{
    QList<Problem> problems;
    const bool anyTls = std::any_of(config.listen.cbegin(), config.listen.cend(),
                                    [](const ProxyConfig::Listener &listener) { return listener.tls; });
    if (anyTls && config.certificates.isEmpty())
        problems << Problem{-1, tr("A TLS listener needs a certificate: none is configured.")};

    QHash<QString, int> firstByLabel;
    for (int i = 0; i < config.routes.size(); ++i) {
        const ProxyConfig::Route &route = config.routes.at(i);
        const QString where = label(route);
        const QString key = route.host.toLower() + route.path;
        if (const auto seen = firstByLabel.constFind(key); seen != firstByLabel.cend())
            problems << Problem{i, tr("%1 is routed twice (also by route %2).").arg(where).arg(*seen + 1)};
        else
            firstByLabel.insert(key, i);

        if (!route.service.isEmpty()) {
            const auto service = facts.services.constFind(route.service);
            if (service == facts.services.cend()) {
                problems << Problem{i,
                                    tr("%1: the swarm has no service named %2.").arg(where, route.service)};
            } else {
                if (!service->ports.isEmpty() && !service->ports.contains(route.port)) {
                    QStringList ports;
                    for (const quint16 port : service->ports)
                        ports << QString::number(port);
                    problems << Problem{i, tr("%1: %2 has no port %3 (it has %4).")
                                               .arg(where, route.service)
                                               .arg(route.port)
                                               .arg(ports.join(QStringLiteral(", ")))};
                }
                if (!facts.proxyNetworks.isEmpty() && !service->networks.intersects(facts.proxyNetworks)) {
                    QStringList proxy(facts.proxyNetworks.cbegin(), facts.proxyNetworks.cend());
                    QStringList own(service->networks.cbegin(), service->networks.cend());
                    proxy.sort();
                    own.sort();
                    problems << Problem{
                        i, tr("%1: %2 is on no network cape-proxyd shares (the proxy is on %3; the service "
                              "on %4).")
                               .arg(where, route.service, proxy.join(QStringLiteral(", ")),
                                    own.isEmpty() ? tr("none") : own.join(QStringLiteral(", ")))};
                }
            }
        }

        if (!route.certificate.isEmpty()) {
            if (!config.certificate(route.certificate)) {
                problems << Problem{
                    i, tr("%1: no certificate named %2 is configured.").arg(where, route.certificate)};
            } else if (const auto known = facts.certificates.constFind(route.certificate);
                       known != facts.certificates.cend() && !certificateCovers(*known, route.host)) {
                problems << Problem{i, tr("%1: certificate %2 does not cover %3 (it serves %4).")
                                           .arg(where, route.certificate, route.host,
                                                known->names().join(QStringLiteral(", ")))};
            }
        } else if (anyTls && !route.redirectToHttps) {
            // Served on the TLS listener too: some configured certificate must cover the host.
            const bool covered = std::any_of(config.certificates.cbegin(), config.certificates.cend(),
                                             [&](const ProxyConfig::Certificate &c) {
                                                 const auto known = facts.certificates.constFind(c.name);
                                                 return known == facts.certificates.cend() ||
                                                        certificateCovers(*known, route.host);
                                             });
            if (!config.certificates.isEmpty() && !covered)
                problems << Problem{i, tr("%1: no configured certificate covers %2 for the TLS listener.")
                                           .arg(where, route.host)};
        }
    }
    return problems;
}

} // namespace cape
