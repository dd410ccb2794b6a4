#include "routepublisher.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "services/docker/dockerrequest.h"
#include "serviceupdatewatcher.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>

namespace cape {

namespace {

// The service's mount of the configuration path, or an empty object.
QJsonObject configMount(const QJsonObject &spec)
{
    for (const QJsonValue &config :
         spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Configs")]
             .toArray()) {
        if (config[QLatin1String("File")][QLatin1String("Name")].toString() ==
            QLatin1String(RoutePublisher::ConfigPath))
            return config.toObject();
    }
    return {};
}

} // namespace

RoutePublisher::RoutePublisher(DockerClient *client, QObject *parent)
    : SwarmOperation(parent)
    , m_client(client)
{}

QString RoutePublisher::configName(const QByteArray &json)
{
    return QStringLiteral("cape-proxy-%1")
        .arg(
            QString::fromLatin1(QCryptographicHash::hash(json, QCryptographicHash::Sha256).toHex().left(12)));
}

void RoutePublisher::readRunning(const QString &serviceId,
                                 std::function<void(const QByteArray &json, const QString &problem)> done)
{
    m_client->inspectService(serviceId)->then(this, [this, done](DockerReply *service) {
        if (service->error()) {
            done({}, service->error().toString());
            return;
        }
        const QJsonObject mount = configMount(service->json()[QLatin1String("Spec")].toObject());
        if (mount.isEmpty()) {
            done({},
                 QStringLiteral("the service mounts no configuration at %1").arg(QLatin1String(ConfigPath)));
            return;
        }
        const QString id = mount[QLatin1String("ConfigID")].toString();
        m_client->send(DockerRequest::get(QStringLiteral("/configs/%1").arg(id)))
            ->then(this, [done](DockerReply *config) {
                if (config->error()) {
                    done({}, config->error().toString());
                    return;
                }
                done(QByteArray::fromBase64(
                         config->json()[QLatin1String("Spec")][QLatin1String("Data")].toString().toLatin1()),
                     QString());
            });
    });
}

void RoutePublisher::publish(const QString &serviceId, const QByteArray &json)
{
    const QString name = configName(json);
    m_goal = QStringLiteral("the proxy serves %1").arg(name);
    emit progress(QStringLiteral("storing the document as config %1").arg(name));
    call(m_client->listConfigs({{QStringLiteral("name"), {name}}}), QStringLiteral("listing configs"),
         [this, serviceId, json, name](DockerReply *listed) {
             for (const QJsonValue &existing : listed->json().array()) {
                 if (existing[QLatin1String("Spec")][QLatin1String("Name")].toString() == name) {
                     point(serviceId, existing[QLatin1String("ID")].toString(), name); // published before
                     return;
                 }
             }
             call(m_client->createConfig(name, json, {{QLatin1String(ConfigLabel), QStringLiteral("1")}}),
                  QStringLiteral("creating config %1").arg(name),
                  [this, serviceId, name](DockerReply *created) {
                      point(serviceId, created->json()[QLatin1String("ID")].toString(), name);
                  });
         });
}

void RoutePublisher::point(const QString &serviceId, const QString &configId, const QString &configName)
{
    emit progress(QStringLiteral("pointing the service at %1").arg(configName));
    withUpdateStart(serviceId, [this, serviceId, configId, configName](const QString &previousStart) {
        call(m_client->updateService(
                 serviceId,
                 [configId, configName](QJsonObject &spec) {
                     QJsonObject task = spec[QLatin1String("TaskTemplate")].toObject();
                     QJsonObject container = task[QLatin1String("ContainerSpec")].toObject();
                     QJsonArray configs;
                     QJsonObject file{{QStringLiteral("Name"), QLatin1String(ConfigPath)},
                                      {QStringLiteral("UID"), QStringLiteral("0")},
                                      {QStringLiteral("GID"), QStringLiteral("0")},
                                      {QStringLiteral("Mode"), 0444}};
                     for (const QJsonValue &config : container[QLatin1String("Configs")].toArray()) {
                         if (config[QLatin1String("File")][QLatin1String("Name")].toString() ==
                             QLatin1String(ConfigPath))
                             file = config[QLatin1String("File")].toObject(); // its owner and mode stay
                         else
                             configs << config;
                     }
                     configs << QJsonObject{{QStringLiteral("ConfigID"), configId},
                                            {QStringLiteral("ConfigName"), configName},
                                            {QStringLiteral("File"), file}};
                     container[QLatin1String("Configs")] = configs;
                     task[QLatin1String("ContainerSpec")] = container;
                     spec[QLatin1String("TaskTemplate")] = task;
                     ServiceUpdateWatcher::makeZeroDowntime(spec);
                     return QString();
                 }),
             QStringLiteral("updating the proxy's service"),
             [this, serviceId, previousStart](DockerReply *) { follow(serviceId, previousStart); });
    });
}

void RoutePublisher::withUpdateStart(const QString &serviceId, std::function<void(const QString &)> then)
{
    call(m_client->inspectService(serviceId), QStringLiteral("reading the proxy's service"),
         [then](DockerReply *r) { then(ServiceUpdateWatcher::updateStartedAt(r->json().object())); });
}

void RoutePublisher::rollback(const QString &serviceId)
{
    m_goal = QStringLiteral("the proxy serves its previous configuration again");
    emit progress(QStringLiteral("rolling the proxy's service back to its previous spec"));
    withUpdateStart(serviceId, [this, serviceId](const QString &previousStart) {
        call(m_client->rollbackService(serviceId), QStringLiteral("rolling back"),
             [this, serviceId, previousStart](DockerReply *) { follow(serviceId, previousStart); });
    });
}

void RoutePublisher::follow(const QString &serviceId, const QString &previousStart)
{
    auto *watcher = new ServiceUpdateWatcher(m_client, serviceId, previousStart, this);
    watcher->setPollInterval(m_pollMs);
    connect(watcher, &ServiceUpdateWatcher::progress, this, &RoutePublisher::progress);
    connect(watcher, &ServiceUpdateWatcher::finished, this,
            [this, watcher](ServiceUpdateWatcher::Outcome outcome, const QString &message) {
                watcher->deleteLater();
                const bool wanted = outcome == ServiceUpdateWatcher::Outcome::Completed ||
                                    (outcome == ServiceUpdateWatcher::Outcome::RolledBack &&
                                     m_goal.contains(QLatin1String("previous")));
                if (wanted)
                    emit finished(true, m_goal);
                else if (outcome == ServiceUpdateWatcher::Outcome::RolledBack)
                    emit finished(false,
                                  QStringLiteral("the update failed and was rolled back: %1").arg(message));
                else if (outcome == ServiceUpdateWatcher::Outcome::Paused)
                    emit finished(false, QStringLiteral("the update stopped (%1)").arg(message));
                else
                    emit finished(false, message);
            });
    watcher->start();
}

} // namespace cape
