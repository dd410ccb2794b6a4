#include "routedocument.h"

#include <algorithm>

namespace cape {

RouteDocument::RouteDocument(QObject *parent)
    : QObject(parent)
{
    // A new document listens on plain HTTP; HTTPS comes with a certificate.
    m_config.listen << ProxyConfig::Listener{HostPort{QStringLiteral("0.0.0.0"), 80}, false};
}

void RouteDocument::setConfig(const ProxyConfig &config)
{
    m_config = config;
    emit changed();
}

void RouteDocument::insertRoute(int index, const ProxyConfig::Route &route)
{
    index = std::clamp(index, 0, int(m_config.routes.size()));
    m_config.routes.insert(index, route);
    emit changed();
}

void RouteDocument::setRoute(int index, const ProxyConfig::Route &route)
{
    if (index < 0 || index >= m_config.routes.size())
        return;
    m_config.routes[index] = route;
    emit changed();
}

ProxyConfig::Route RouteDocument::takeRoute(int index)
{
    if (index < 0 || index >= m_config.routes.size())
        return {};
    const ProxyConfig::Route route = m_config.routes.takeAt(index);
    emit changed();
    return route;
}

void RouteDocument::setListenersAndCertificates(const QList<ProxyConfig::Listener> &listen,
                                                const QList<ProxyConfig::Certificate> &certificates)
{
    m_config.listen = listen;
    m_config.certificates = certificates;
    emit changed();
}

int RouteDocument::indexOf(const QString &host, const QString &path) const
{
    for (qsizetype i = 0; i < m_config.routes.size(); ++i) {
        const ProxyConfig::Route &route = m_config.routes.at(i);
        if (route.host.compare(host, Qt::CaseInsensitive) == 0 && route.path == path)
            return int(i);
    }
    return -1;
}

bool RouteDocument::load(const QByteArray &json, QStringList *errors)
{
    const auto config = ProxyConfig::fromJson(json, errors);
    if (!config)
        return false;
    setConfig(*config);
    return true;
}

} // namespace cape
