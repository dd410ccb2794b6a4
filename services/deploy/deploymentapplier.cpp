#include "deploymentapplier.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "services/swarm/serviceupdatewatcher.h"

#include <QTimer>

namespace cape {

namespace {

using Action = DeploymentPlan::Action;

int desiredReplicas(const QJsonObject &spec)
{
    const QJsonObject mode = spec[QLatin1String("Mode")].toObject();
    return mode.contains(QLatin1String("Replicated"))
               ? mode[QLatin1String("Replicated")][QLatin1String("Replicas")].toInt(1)
               : -1; // global: one per eligible node, judged by failures only
}

} // namespace

DeploymentApplier::DeploymentApplier(DockerClient *client, QObject *parent)
    : QObject(parent)
    , m_client(client)
{}

QJsonArray DeploymentApplier::toJson(const QList<Result> &results)
{
    QJsonArray array;
    for (const Result &result : results)
        array << QJsonObject{{QStringLiteral("name"), result.name},
                             {QStringLiteral("action"), result.action},
                             {QStringLiteral("outcome"), result.outcome},
                             {QStringLiteral("message"), result.message}};
    return array;
}

void DeploymentApplier::apply(const DeploymentPlan &plan)
{
    m_plan = plan;
    m_results.clear();
    for (const DeploymentPlan::Service &service : plan.services)
        m_results << Result{service.name,
                            DeploymentPlan::actionName(service.action),
                            service.action == Action::Unchanged ? QStringLiteral("unchanged")
                                                                : QStringLiteral("not started"),
                            {}};
    if (!m_client) {
        emit finished(false, QStringLiteral("no connection to the engine"));
        return;
    }
    // Creates and updates at once; removals only once they all stand.
    for (int i = 0; i < m_plan.services.size(); ++i) {
        const Action action = m_plan.services.at(i).action;
        if (action == Action::Create || action == Action::Update) {
            ++m_pending;
            start(i);
        }
    }
    if (m_pending == 0)
        allSettled();
}

void DeploymentApplier::start(int index)
{
    const DeploymentPlan::Service &service = m_plan.services.at(index);
    DockerReply *reply = nullptr;
    if (service.action == Action::Create) {
        emit progress(QStringLiteral("creating %1").arg(service.name));
        reply = m_client->createService(service.desired);
    } else {
        emit progress(
            QStringLiteral("updating %1: %2 field(s) change").arg(service.name).arg(service.changes.size()));
        reply = m_client->updateService(service.id, [desired = service.desired](QJsonObject &spec) {
            spec = desired;
            return QString();
        });
    }
    if (!m_issued) {
        m_issued = true;
        emit updateIssued();
    }
    reply->then(this, [this, index](DockerReply *r) {
        DeploymentPlan::Service &planned = m_plan.services[index];
        if (r->error()) {
            settled(index, false, QStringLiteral("failed"),
                    QStringLiteral("%1 %2: %3")
                        .arg(planned.action == Action::Create ? QStringLiteral("creating")
                                                              : QStringLiteral("updating"),
                             planned.name, r->error().toString()));
            return;
        }
        if (planned.action == Action::Create) {
            planned.id = r->json()[QLatin1String("ID")].toString();
            watchCreate(index, 0);
        } else {
            watchUpdate(index);
        }
    });
}

void DeploymentApplier::watchUpdate(int index)
{
    const DeploymentPlan::Service &service = m_plan.services.at(index);
    auto *watcher = new ServiceUpdateWatcher(m_client, service.id, service.previousStart, this);
    watcher->setPollInterval(m_pollMs);
    watcher->setTimeout(m_timeoutMs);
    connect(watcher, &ServiceUpdateWatcher::progress, this, [this, name = service.name](const QString &line) {
        emit progress(name + QStringLiteral(": ") + line);
    });
    connect(watcher, &ServiceUpdateWatcher::finished, this,
            [this, index, watcher](ServiceUpdateWatcher::Outcome outcome, const QString &message) {
                watcher->deleteLater();
                switch (outcome) {
                case ServiceUpdateWatcher::Outcome::Completed:
                    settled(index, true, QStringLiteral("updated"), message);
                    break;
                case ServiceUpdateWatcher::Outcome::RolledBack:
                    // The engine put this one back already.
                    settled(
                        index, false, QStringLiteral("rolled back"),
                        QStringLiteral("the update failed and the engine rolled it back: %1").arg(message));
                    break;
                default:
                    settled(index, false, QStringLiteral("failed"), message);
                }
            });
    watcher->start();
}

// A new service has no update status: it stands once its replicas run, and
// fails once its tasks keep failing.
void DeploymentApplier::watchCreate(int index, int polls)
{
    const DeploymentPlan::Service &service = m_plan.services.at(index);
    m_client->listTasks({{QStringLiteral("service"), {service.id}}})
        ->then(this, [this, index, polls](DockerReply *r) {
            const DeploymentPlan::Service &planned = m_plan.services.at(index);
            if (r->error()) {
                settled(index, false, QStringLiteral("failed"), r->error().toString());
                return;
            }
            int running = 0;
            int failed = 0;
            QString lastError;
            for (const QJsonValue &task : r->json().array()) {
                const QString state = task[QLatin1String("Status")][QLatin1String("State")].toString();
                const bool wanted =
                    task[QLatin1String("DesiredState")].toString() == QLatin1String("running");
                if (state == QLatin1String("running") && wanted)
                    ++running;
                if (state == QLatin1String("failed") || state == QLatin1String("rejected")) {
                    ++failed;
                    lastError = task[QLatin1String("Status")][QLatin1String("Err")].toString();
                }
            }
            const int wanted = desiredReplicas(planned.desired);
            if (failed >= 3) {
                settled(index, false, QStringLiteral("failed"),
                        QStringLiteral("%1's tasks keep failing: %2").arg(planned.name, lastError));
                return;
            }
            if ((wanted >= 0 && running >= wanted) || (wanted < 0 && running > 0)) {
                settled(index, true, QStringLiteral("created"),
                        QStringLiteral("%1 task(s) running").arg(running));
                return;
            }
            if (qint64(polls) * m_pollMs > m_timeoutMs) {
                settled(
                    index, false, QStringLiteral("failed"),
                    QStringLiteral("%1 did not start within %2 s").arg(planned.name).arg(m_timeoutMs / 1000));
                return;
            }
            QTimer::singleShot(m_pollMs, this, [this, index, polls] { watchCreate(index, polls + 1); });
        });
}

void DeploymentApplier::settled(int index, bool ok, const QString &outcome, const QString &message)
{
    resultOf(index).outcome = outcome;
    resultOf(index).message = message;
    emit progress(QStringLiteral("%1: %2%3")
                      .arg(m_plan.services.at(index).name, outcome,
                           message.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(message)));
    if (!ok && !m_failed) {
        m_failed = true;
        m_failure = message;
    }
    if (--m_pending == 0)
        allSettled();
}

void DeploymentApplier::allSettled()
{
    if (m_failed) {
        rollBack();
        return;
    }
    removeRemaining();
}

void DeploymentApplier::removeRemaining()
{
    QList<int> removals;
    for (int i = 0; i < m_plan.services.size(); ++i) {
        if (m_plan.services.at(i).action == Action::Remove)
            removals << i;
    }
    if (removals.isEmpty()) {
        emit finished(true, QStringLiteral("deployed"));
        return;
    }
    auto remaining = std::make_shared<int>(int(removals.size()));
    auto problems = std::make_shared<QStringList>();
    for (const int index : removals) {
        const DeploymentPlan::Service &service = m_plan.services.at(index);
        emit progress(QStringLiteral("removing %1 (no longer described)").arg(service.name));
        m_client->removeService(service.id)->then(this, [this, index, remaining, problems](DockerReply *r) {
            resultOf(index).outcome = r->error() ? QStringLiteral("failed") : QStringLiteral("removed");
            resultOf(index).message = r->error() ? r->error().toString() : QString();
            if (r->error())
                *problems << QStringLiteral("%1: %2").arg(resultOf(index).name, r->error().toString());
            if (--*remaining == 0)
                emit finished(problems->isEmpty(), problems->isEmpty()
                                                       ? QStringLiteral("deployed")
                                                       : QStringLiteral("deployed, but not removed: %1")
                                                             .arg(problems->join(QStringLiteral("; "))));
        });
    }
}

void DeploymentApplier::rollBack()
{
    emit progress(QStringLiteral("rolling the whole deployment back: %1").arg(m_failure));
    for (int i = 0; i < m_plan.services.size(); ++i) {
        const DeploymentPlan::Service &service = m_plan.services.at(i);
        Result &result = resultOf(i);
        if (service.action == Action::Create && !service.id.isEmpty()) {
            ++m_rollbacksPending;
            m_client->removeService(service.id)->then(this, [this, i](DockerReply *r) {
                if (!r->error() && resultOf(i).outcome == QLatin1String("created"))
                    resultOf(i).outcome = QStringLiteral("rolled back");
                else if (r->error())
                    resultOf(i).message +=
                        QStringLiteral("; removing it again failed: %1").arg(r->error().toString());
                rolledBackOne();
            });
        } else if (service.action == Action::Update && result.outcome != QLatin1String("rolled back") &&
                   result.outcome != QLatin1String("not started")) {
            // Updated (or stuck): its previous spec as a new update, followed like any other.
            ++m_rollbacksPending;
            m_client->inspectService(service.id)->then(this, [this, i](DockerReply *inspected) {
                const DeploymentPlan::Service &planned = m_plan.services.at(i);
                const QString started = ServiceUpdateWatcher::updateStartedAt(inspected->json().object());
                m_client
                    ->updateService(planned.id,
                                    [previous = planned.running](QJsonObject &spec) {
                                        spec = previous;
                                        return QString();
                                    })
                    ->then(this, [this, i, started](DockerReply *r) {
                        if (r->error()) {
                            resultOf(i).message +=
                                QStringLiteral("; putting it back failed: %1").arg(r->error().toString());
                            rolledBackOne();
                            return;
                        }
                        auto *watcher =
                            new ServiceUpdateWatcher(m_client, m_plan.services.at(i).id, started, this);
                        watcher->setPollInterval(m_pollMs);
                        watcher->setTimeout(m_timeoutMs);
                        connect(watcher, &ServiceUpdateWatcher::finished, this,
                                [this, i, watcher](ServiceUpdateWatcher::Outcome outcome,
                                                   const QString &message) {
                                    watcher->deleteLater();
                                    if (outcome == ServiceUpdateWatcher::Outcome::Completed)
                                        resultOf(i).outcome = QStringLiteral("rolled back");
                                    else
                                        resultOf(i).message +=
                                            QStringLiteral("; putting it back: %1").arg(message);
                                    rolledBackOne();
                                });
                        watcher->start();
                    });
            });
        }
    }
    if (m_rollbacksPending == 0)
        rolledBackOne();
}

void DeploymentApplier::rolledBackOne()
{
    if (m_rollbacksPending > 0 && --m_rollbacksPending > 0)
        return;
    emit finished(
        false,
        QStringLiteral("the deployment failed and every service of it was rolled back: %1").arg(m_failure));
}

} // namespace cape
