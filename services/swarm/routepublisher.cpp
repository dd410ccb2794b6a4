#include "routepublisher.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "services/docker/dockerrequest.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

namespace cape {

namespace {

constexpr int MaxPolls = 600; // ten minutes at a second each

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
                     // Start the new task first, unless a host-mode port makes two on a node impossible;
                     // a failed update goes back by itself.
                     bool hostPorts = false;
                     for (const QJsonValue &port :
                          spec[QLatin1String("EndpointSpec")][QLatin1String("Ports")].toArray())
                         hostPorts = hostPorts ||
                                     port[QLatin1String("PublishMode")].toString() == QLatin1String("host");
                     QJsonObject update = spec[QLatin1String("UpdateConfig")].toObject();
                     update[QLatin1String("Order")] =
                         hostPorts ? QStringLiteral("stop-first") : QStringLiteral("start-first");
                     update[QLatin1String("FailureAction")] = QStringLiteral("rollback");
                     spec[QLatin1String("UpdateConfig")] = update;
                     return QString();
                 }),
             QStringLiteral("updating the proxy's service"),
             [this, serviceId, previousStart](DockerReply *) { follow(serviceId, previousStart, 0); });
    });
}

void RoutePublisher::withUpdateStart(const QString &serviceId, std::function<void(const QString &)> then)
{
    call(m_client->inspectService(serviceId), QStringLiteral("reading the proxy's service"),
         [then](DockerReply *r) {
             then(r->json()[QLatin1String("UpdateStatus")][QLatin1String("StartedAt")].toString());
         });
}

void RoutePublisher::rollback(const QString &serviceId)
{
    m_goal = QStringLiteral("the proxy serves its previous configuration again");
    emit progress(QStringLiteral("rolling the proxy's service back to its previous spec"));
    withUpdateStart(serviceId, [this, serviceId](const QString &previousStart) {
        call(m_client->rollbackService(serviceId), QStringLiteral("rolling back"),
             [this, serviceId, previousStart](DockerReply *) { follow(serviceId, previousStart, 0); });
    });
}

void RoutePublisher::follow(const QString &serviceId, const QString &previousStart, int polls)
{
    call(m_client->inspectService(serviceId), QStringLiteral("following the update"),
         [this, serviceId, previousStart, polls](DockerReply *r) {
             const QJsonObject status = r->json()[QLatin1String("UpdateStatus")].toObject();
             // The last update's status stays until this one starts: not ours yet.
             const bool ours =
                 !status.isEmpty() && status[QLatin1String("StartedAt")].toString() != previousStart;
             const QString state = ours ? status[QLatin1String("State")].toString() : QString();
             if (state == QLatin1String("completed") || state == QLatin1String("rollback_completed")) {
                 const bool rolledBack = state == QLatin1String("rollback_completed") &&
                                         !m_goal.contains(QLatin1String("previous"));
                 emit finished(!rolledBack, rolledBack
                                                ? QStringLiteral("the update failed and was rolled back: %1")
                                                      .arg(status[QLatin1String("Message")].toString())
                                                : m_goal);
                 return;
             }
             if (state == QLatin1String("paused") || state == QLatin1String("rollback_paused")) {
                 emit finished(false, QStringLiteral("the update stopped (%1): %2")
                                          .arg(state, status[QLatin1String("Message")].toString()));
                 return;
             }
             if (polls >= MaxPolls) {
                 emit finished(
                     false,
                     QStringLiteral("the update did not converge in %1 s").arg(MaxPolls * m_pollMs / 1000));
                 return;
             }
             if (!state.isEmpty())
                 emit progress(
                     QStringLiteral("%1: %2").arg(state, status[QLatin1String("Message")].toString()));
             QTimer::singleShot(m_pollMs, this, [this, serviceId, previousStart, polls] {
                 follow(serviceId, previousStart, polls + 1);
             });
         });
}

} // namespace cape
