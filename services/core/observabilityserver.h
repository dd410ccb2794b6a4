#pragma once

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QHttpServer;

namespace cape {

// A daemon's /health and /metrics over HTTP (QtHttpServer): health as
// JSON with 200 or 503, metrics in Prometheus text format. What they say
// comes from the daemon, asked at each request.
class ObservabilityServer : public QObject
{
    Q_OBJECT

public:
    struct Health
    {
        bool ok = false;
        QJsonObject details;
    };
    using HealthProbe = std::function<Health()>;
    using MetricsWriter = std::function<QByteArray()>;

    ObservabilityServer(HealthProbe health, MetricsWriter metrics, QObject *parent = nullptr);
    ~ObservabilityServer() override;

    // "host:port" (or ":port", all addresses); false with the reason when
    // it cannot listen there.
    bool listen(const QString &address, QString *error);
    // POST path runs the action: 200 with its details when it went well,
    // 422 with them when not (a reload refused, say).
    void addAction(const QString &path, std::function<Health()> action);
    quint16 port() const { return m_port; }
    // For a daemon's own routes beside /health and /metrics (cape-deployd's API).
    QHttpServer *http() const { return m_server.get(); }

private:
    std::unique_ptr<QHttpServer> m_server;
    quint16 m_port = 0;
};

} // namespace cape
