#pragma once

#include "swarmoperation.h"
#include <QByteArray>

#include <QObject>
#include <QString>

#include <functional>

namespace cape {

class DockerClient;
class DockerReply;

// Puts a cape-proxyd document onto the cluster: a swarm config named by its
// content's hash (configs are immutable; the same document reuses its
// config) that replaces the one the proxy's service mounts at the
// configuration path, then follows the service's rolling update until it
// completes (or the engine rolls it back). Also reads the document the
// service runs now, and rolls the service back to its previous spec.
class RoutePublisher : public SwarmOperation
{
    Q_OBJECT

public:
    static constexpr auto ConfigPath = "/etc/cape/proxy.json";
    static constexpr auto ConfigLabel = "cape.proxy.config";

    explicit RoutePublisher(DockerClient *client, QObject *parent = nullptr);

    // The running document (the config mounted at ConfigPath): done(json, problem).
    void readRunning(const QString &serviceId,
                     std::function<void(const QByteArray &json, const QString &problem)> done);
    void publish(const QString &serviceId, const QByteArray &json);
    void rollback(const QString &serviceId);

    static QString configName(const QByteArray &json);
    void setPollInterval(int ms) { m_pollMs = ms; }

private:
    void point(const QString &serviceId, const QString &configId, const QString &configName);
    // When the service's last update started (none: empty), before ours.
    void withUpdateStart(const QString &serviceId, std::function<void(const QString &)> then);
    void follow(const QString &serviceId, const QString &previousStart);

    DockerClient *m_client;
    int m_pollMs = 1000;
    QString m_goal; // what finished(true) says
};

} // namespace cape
