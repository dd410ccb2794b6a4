#include "daemoninstaller.h"

#include "daemoninstallsettings.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "services/swarm/routepublisher.h"
#include "services/swarm/serviceupdatewatcher.h"
#include "services/swarm/stackdeployer.h"

#include <QJsonArray>
#include <QSet>
#include <QTimer>

namespace cape {

namespace {

using L = QLatin1String;

constexpr int PollMs = 1000;
constexpr int ConfigRemoveAttempts = 40;
constexpr int ConfigRemoveRetryMs = 500;
constexpr int NetworkGoneAttempts = 60;

DockerClient::Filters stackFilter()
{
    return StackDeployer::stackFilter(QLatin1String(DaemonInstallSettings::StackName));
}

// The engine's times (RFC 3339, nanoseconds with trailing zeros cut) padded to nine fraction digits,
// so that they compare as text in time order.
QString sortableTime(const QJsonValue &object)
{
    const QString time = object[L("CreatedAt")].toString();
    const qsizetype dot = time.indexOf(QLatin1Char('.'));
    const qsizetype zone = time.indexOf(QLatin1Char('Z'));
    if (time.size() < 19 || zone < 19)
        return time;
    const QString fraction = dot > 0 ? time.mid(dot + 1, zone - dot - 1) : QString();
    return time.left(19) + QLatin1Char('.') + fraction.leftJustified(9, QLatin1Char('0'), true);
}

QString nameOf(const QJsonValue &service)
{
    return service[L("Spec")][L("Name")].toString();
}

// The config IDs a service mounts now and mounted before its last update.
QSet<QString> mountedConfigs(const QJsonObject &service)
{
    QSet<QString> ids;
    for (const char *spec : {"Spec", "PreviousSpec"}) {
        const QJsonArray refs =
            service[L(spec)][L("TaskTemplate")][L("ContainerSpec")][L("Configs")].toArray();
        for (const QJsonValue &ref : refs)
            ids.insert(ref[L("ConfigID")].toString());
    }
    return ids;
}

} // namespace

DaemonInstaller::DaemonInstaller(DockerClient *client, QObject *parent)
    : SwarmOperation(parent)
    , m_client(client)
{
    // Every way an operation ends goes through finished(): mark it ended there.
    connect(this, &SwarmOperation::finished, this, [this] { m_running = false; });
}

void DaemonInstaller::begin()
{
    m_running = true;
}

void DaemonInstaller::end(bool ok, const QString &message)
{
    emit finished(ok, message);
}

void DaemonInstaller::install(const StackPlan &plan, const QStringList &ingressNodes)
{
    begin();
    emit progress(
        tr("Labelling the proxy's nodes (%1=true)").arg(QLatin1String(DaemonInstallSettings::IngressLabel)));
    labelNodes(ingressNodes, {}, [this, plan](const QStringList &added) {
        StackPlan labelled = plan;
        if (!added.isEmpty()) {
            for (QJsonObject &service : labelled.services) {
                QJsonObject labels = service[L("Labels")].toObject();
                labels.insert(QLatin1String(LabelledNodesLabel), added.join(QLatin1Char(',')));
                service[L("Labels")] = labels;
            }
        }
        deploy(labelled, added);
    });
}

void DaemonInstaller::labelNodes(QStringList nodes, QStringList added,
                                 std::function<void(const QStringList &)> then)
{
    if (nodes.isEmpty()) {
        then(added);
        return;
    }
    const QString id = nodes.takeFirst();
    call(m_client->inspectNode(id), tr("reading node %1").arg(id),
         [this, id, nodes, added, then](DockerReply *reply) mutable {
             const QJsonObject labels = reply->object()[L("Spec")][L("Labels")].toObject();
             if (labels.value(QLatin1String(DaemonInstallSettings::IngressLabel)).toString() == L("true")) {
                 labelNodes(nodes, added, then);
                 return;
             }
             call(m_client->setNodeLabel(id, QLatin1String(DaemonInstallSettings::IngressLabel),
                                         QStringLiteral("true")),
                  tr("labelling node %1").arg(id), [this, id, nodes, added, then](DockerReply *) mutable {
                      added << id;
                      labelNodes(nodes, added, then);
                  });
         });
}

void DaemonInstaller::deploy(StackPlan plan, QStringList labelledNodes)
{
    auto *deployer = new StackDeployer(this);
    connect(deployer, &StackDeployer::progress, this, &SwarmOperation::progress);
    connect(deployer, &StackDeployer::finished, this,
            [this, deployer, labelledNodes](bool ok, const QString &error) {
                deployer->deleteLater();
                if (!ok) {
                    undoFailedInstall(error, labelledNodes);
                    return;
                }
                emit progress(tr("Waiting until every daemon runs and passes its health check"));
                m_waiting.start();
                waitHealthy();
            });
    deployer->deploy(m_client, plan);
}

// With a service made, the Daemons view shows the stack and Uninstall removes it (the services
// carry the record of the labels install added). With none, nothing would show it: what was made
// (network, configs, secrets, labels) is taken off now.
void DaemonInstaller::undoFailedInstall(const QString &error, const QStringList &labelledNodes)
{
    call(m_client->listServices(stackFilter(), false), tr("listing the daemons"),
         [this, error, labelledNodes](DockerReply *reply) {
             if (!reply->array().isEmpty()) {
                 end(false, error + u'\n' + tr("Uninstall in the Daemons view removes what was made."));
                 return;
             }
             auto *undo = new StackDeployer(this);
             connect(undo, &StackDeployer::finished, this, [this, undo, error, labelledNodes] {
                 undo->deleteLater();
                 unlabelNodes(labelledNodes, [this, error] {
                     end(false, error + u'\n' + tr("What the install had made was removed."));
                 });
             });
             undo->remove(m_client, QLatin1String(DaemonInstallSettings::StackName));
         });
}

void DaemonInstaller::waitHealthy()
{
    call(m_client->listServices(stackFilter(), true), tr("listing the daemons"), [this](DockerReply *reply) {
        const QJsonArray services = reply->array();
        QStringList waiting;
        for (const QJsonValue &service : services) {
            const QJsonObject status = service[L("ServiceStatus")].toObject();
            const int running = status[L("RunningTasks")].toInt();
            const int desired = status[L("DesiredTasks")].toInt();
            // A task with a health check is "running" only once it passed it.
            if (desired == 0 || running < desired)
                waiting << QStringLiteral("%1 %2/%3").arg(nameOf(service)).arg(running).arg(desired);
        }
        if (services.isEmpty())
            waiting << tr("no service of the stack yet");
        if (waiting.isEmpty()) {
            end(true, tr("Every daemon runs and is healthy (%1 s)").arg(m_waiting.elapsed() / 1000));
            return;
        }
        if (m_waiting.elapsed() > m_healthTimeoutMs) {
            reportUnhealthy(services);
            return;
        }
        QTimer::singleShot(PollMs, this, &DaemonInstaller::waitHealthy);
    });
}

void DaemonInstaller::reportUnhealthy(const QJsonArray &services)
{
    // Say why: the newest task of each service that is not there yet.
    call(m_client->listTasks(stackFilter()), tr("listing the daemons' tasks"),
         [this, services](DockerReply *reply) {
             QHash<QString, QJsonObject> newest; // by service ID
             for (const QJsonValue &task : reply->array()) {
                 const QString service = task[L("ServiceID")].toString();
                 if (task[L("UpdatedAt")].toString() > newest.value(service)[L("UpdatedAt")].toString())
                     newest.insert(service, task.toObject());
             }
             QStringList problems;
             for (const QJsonValue &service : services) {
                 const QJsonObject status = service[L("ServiceStatus")].toObject();
                 if (status[L("DesiredTasks")].toInt() > 0 &&
                     status[L("RunningTasks")].toInt() >= status[L("DesiredTasks")].toInt())
                     continue;
                 const QJsonObject task = newest.value(service[L("ID")].toString());
                 const QString error = task[L("Status")][L("Err")].toString();
                 problems << tr("%1: %2/%3 running; its last task is %4%5")
                                 .arg(nameOf(service))
                                 .arg(status[L("RunningTasks")].toInt())
                                 .arg(status[L("DesiredTasks")].toInt())
                                 .arg(task[L("Status")][L("State")].toString(),
                                      error.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(error));
             }
             end(false, tr("Not healthy after %1 s: %2")
                            .arg(m_healthTimeoutMs / 1000)
                            .arg(problems.join(QStringLiteral("; "))));
         });
}

void DaemonInstaller::upgrade(const QString &version)
{
    begin();
    const QString image = QLatin1String(DaemonInstallSettings::ImageName) + QLatin1Char(':') + version;
    call(m_client->listServices(stackFilter(), false), tr("listing the daemons"),
         [this, image](DockerReply *reply) {
             QList<QJsonObject> daemons;
             for (const QJsonValue &service : reply->array()) {
                 const QString current =
                     service[L("Spec")][L("TaskTemplate")][L("ContainerSpec")][L("Image")].toString();
                 if (current.startsWith(QLatin1String(DaemonInstallSettings::ImageName) + QLatin1Char(':')))
                     daemons << service.toObject();
             }
             if (daemons.isEmpty()) {
                 end(false, tr("no daemon of the stack \"%1\" is installed")
                                .arg(QLatin1String(DaemonInstallSettings::StackName)));
                 return;
             }
             upgradeNext(daemons, image);
         });
}

void DaemonInstaller::upgradeNext(QList<QJsonObject> services, const QString &image)
{
    if (services.isEmpty()) {
        end(true, tr("Every daemon runs %1").arg(image));
        return;
    }
    const QJsonObject service = services.takeFirst();
    const QString id = service[L("ID")].toString();
    const QString name = nameOf(service);
    if (service[L("Spec")][L("TaskTemplate")][L("ContainerSpec")][L("Image")].toString() == image) {
        emit progress(tr("%1 already runs %2").arg(name, image));
        upgradeNext(services, image);
        return;
    }
    emit progress(tr("Rolling %1 to %2").arg(name, image));
    const QString previousStart = ServiceUpdateWatcher::updateStartedAt(service);
    call(m_client->updateService(id,
                                 [image](QJsonObject &spec) {
                                     QJsonObject task = spec[L("TaskTemplate")].toObject();
                                     QJsonObject container = task[L("ContainerSpec")].toObject();
                                     container[L("Image")] = image;
                                     task[L("ContainerSpec")] = container;
                                     spec[L("TaskTemplate")] = task;
                                     return QString();
                                 }),
         tr("updating %1").arg(name), [this, id, name, services, image, previousStart](DockerReply *) {
             auto *watcher = new ServiceUpdateWatcher(m_client, id, previousStart, this);
             connect(watcher, &ServiceUpdateWatcher::progress, this, &SwarmOperation::progress);
             connect(watcher, &ServiceUpdateWatcher::finished, this,
                     [this, watcher, name, services, image](ServiceUpdateWatcher::Outcome outcome,
                                                            const QString &message) {
                         watcher->deleteLater();
                         if (outcome != ServiceUpdateWatcher::Outcome::Completed) {
                             end(false, tr("%1: %2").arg(name, message));
                             return;
                         }
                         upgradeNext(services, image);
                     });
             watcher->start();
         });
}

void DaemonInstaller::uninstall()
{
    begin();
    call(m_client->listServices(stackFilter(), false), tr("listing the daemons"),
         [this](DockerReply *services) {
             const QJsonArray found = services->array();
             call(m_client->listConfigs(
                      {{QStringLiteral("label"), {QLatin1String(RoutePublisher::ConfigLabel)}}}),
                  tr("listing the proxy's route documents"),
                  [this, found](DockerReply *configs) { removeEverything(found, configs->array()); });
         });
}

void DaemonInstaller::removeEverything(const QJsonArray &services, const QJsonArray &routeConfigs)
{
    QStringList labelled;
    QSet<QString> mounted;
    QString installedAt; // the stack's first service
    for (const QJsonValue &service : services) {
        const QString created = sortableTime(service);
        if (installedAt.isEmpty() || created < installedAt)
            installedAt = created;
        const QString nodes = service[L("Spec")][L("Labels")][L(LabelledNodesLabel)].toString();
        for (const QString &node : nodes.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            if (!labelled.contains(node))
                labelled << node;
        }
        mounted |= mountedConfigs(service.toObject());
    }
    // Route documents the route editor published to this proxy since it was installed (one older,
    // reused because its document is the same, was there before and stays).
    QStringList documents;
    for (const QJsonValue &config : routeConfigs) {
        if (mounted.contains(config[L("ID")].toString()) && sortableTime(config) >= installedAt)
            documents << config[L("ID")].toString();
    }
    auto *deployer = new StackDeployer(this);
    connect(deployer, &StackDeployer::progress, this, &SwarmOperation::progress);
    connect(deployer, &StackDeployer::finished, this,
            [this, deployer, labelled, documents](bool ok, const QString &error) {
                deployer->deleteLater();
                if (!ok) {
                    end(false, error);
                    return;
                }
                if (!labelled.isEmpty())
                    emit progress(tr("Removing the label %1 from the nodes install gave it")
                                      .arg(QLatin1String(DaemonInstallSettings::IngressLabel)));
                unlabelNodes(labelled, [this, documents] {
                    if (!documents.isEmpty())
                        emit progress(tr("Removing %n route document(s) published to the proxy", nullptr,
                                         int(documents.size())));
                    removeConfigs(documents, ConfigRemoveAttempts);
                });
            });
    deployer->remove(m_client, QLatin1String(DaemonInstallSettings::StackName));
}

void DaemonInstaller::unlabelNodes(QStringList nodes, std::function<void()> then)
{
    if (nodes.isEmpty()) {
        then();
        return;
    }
    const QString id = nodes.takeFirst();
    m_client->removeNodeLabel(id, QLatin1String(DaemonInstallSettings::IngressLabel))
        ->then(this, [this, id, nodes, then](DockerReply *reply) {
            // A node that left the swarm since keeps nothing to remove.
            if (reply->error() && reply->error().httpStatus != 404) {
                end(false, tr("removing the label from node %1: %2").arg(id, reply->error().toString()));
                return;
            }
            unlabelNodes(nodes, then);
        });
}

void DaemonInstaller::removeConfigs(QStringList ids, int attemptsLeft)
{
    if (ids.isEmpty()) {
        waitUntilGone(NetworkGoneAttempts);
        return;
    }
    const QString id = ids.first();
    m_client->removeConfig(id)->then(this, [this, id, ids, attemptsLeft](DockerReply *reply) mutable {
        if (!reply->error() || reply->error().httpStatus == 404) {
            ids.removeFirst();
            removeConfigs(ids, ConfigRemoveAttempts);
            return;
        }
        // Still held by a task that is going away.
        if (attemptsLeft > 1) {
            QTimer::singleShot(ConfigRemoveRetryMs, this,
                               [this, ids, attemptsLeft] { removeConfigs(ids, attemptsLeft - 1); });
            return;
        }
        end(false, tr("removing route document %1: %2").arg(id, reply->error().toString()));
    });
}

// The engine answers a network's removal before its tasks' endpoints are released on every node;
// it is listed until then, and an install at that moment would find its name taken.
void DaemonInstaller::waitUntilGone(int attemptsLeft)
{
    call(m_client->listNetworks(stackFilter()), tr("listing the stack's networks"),
         [this, attemptsLeft](DockerReply *reply) {
             if (reply->array().isEmpty()) {
                 end(true, tr("The daemons are uninstalled"));
                 return;
             }
             if (attemptsLeft <= 1) {
                 end(false, tr("the network %1 is still there after the stack was removed")
                                .arg(reply->array().first()[L("Name")].toString()));
                 return;
             }
             QTimer::singleShot(ConfigRemoveRetryMs, this,
                                [this, attemptsLeft] { waitUntilGone(attemptsLeft - 1); });
         });
}

} // namespace cape
