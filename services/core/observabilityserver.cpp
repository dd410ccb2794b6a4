#include "observabilityserver.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonObject>

namespace cape {

ObservabilityServer::ObservabilityServer(HealthProbe health, MetricsWriter metrics, QObject *parent)
    : QObject(parent)
    , m_server(std::make_unique<QHttpServer>())
{
    m_server->route(QStringLiteral("/health"), [health] {
        const Health now = health();
        QJsonObject body = now.details;
        body.insert(QStringLiteral("status"), now.ok ? QStringLiteral("ok") : QStringLiteral("unavailable"));
        return QHttpServerResponse(body, now.ok ? QHttpServerResponse::StatusCode::Ok
                                                : QHttpServerResponse::StatusCode::ServiceUnavailable);
    });
    m_server->route(QStringLiteral("/metrics"), [metrics] {
        return QHttpServerResponse(QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"), metrics());
    });
}

ObservabilityServer::~ObservabilityServer() = default;

bool ObservabilityServer::listen(const QString &address, QString *error)
{
    const qsizetype colon = address.lastIndexOf(u':');
    bool validPort = false;
    const uint port = address.mid(colon + 1).toUInt(&validPort);
    QString host = colon > 0 ? address.left(colon) : QString();
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    QHostAddress bind = host.isEmpty() ? QHostAddress(QHostAddress::Any) : QHostAddress(host);
    if (colon < 0 || !validPort || port > 65535 || bind.isNull()) {
        *error = tr("%1 is not an address to listen on: give host:port, e.g. 0.0.0.0:9464").arg(address);
        return false;
    }
    m_port = m_server->listen(bind, quint16(port));
    if (m_port == 0) {
        *error = tr("cannot listen on %1 (in use, or not an address of this host)").arg(address);
        return false;
    }
    return true;
}

} // namespace cape
