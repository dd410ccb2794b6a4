#include "observabilityserver.h"

#include "hostport.h"

#include <QHostAddress>
#include <QHttpServer>
#include <QHttpServerRequest>
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

void ObservabilityServer::addAction(const QString &path, std::function<Health()> action)
{
    m_server->route(path, QHttpServerRequest::Method::Post, [action] {
        const Health outcome = action();
        return QHttpServerResponse(outcome.details,
                                   outcome.ok ? QHttpServerResponse::StatusCode::Ok
                                              : QHttpServerResponse::StatusCode::UnprocessableEntity);
    });
}

bool ObservabilityServer::listen(const QString &address, QString *error)
{
    const auto where = HostPort::parse(address, false);
    const QHostAddress bind = !where                  ? QHostAddress()
                              : where->host.isEmpty() ? QHostAddress(QHostAddress::Any)
                                                      : QHostAddress(where->host);
    if (!where || bind.isNull()) {
        *error = tr("%1 is not an address to listen on: give host:port, e.g. 0.0.0.0:9464").arg(address);
        return false;
    }
    m_port = m_server->listen(bind, where->port);
    if (m_port == 0) {
        *error = tr("cannot listen on %1 (in use, or not an address of this host)").arg(address);
        return false;
    }
    return true;
}

} // namespace cape
