#include "serviceupdatewatcher.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"

#include <QDateTime>
#include <QJsonArray>
#include <QTimer>

namespace cape {

namespace {

constexpr qint64 Second = 1000000000; // in the engine's nanoseconds

} // namespace

ServiceUpdateWatcher::ServiceUpdateWatcher(DockerClient *client, const QString &serviceId,
                                           const QString &previousStart, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_serviceId(serviceId)
    , m_previousStart(previousStart)
{}

QString ServiceUpdateWatcher::updateStartedAt(const QJsonObject &service)
{
    return service[QLatin1String("UpdateStatus")][QLatin1String("StartedAt")].toString();
}

void ServiceUpdateWatcher::makeZeroDowntime(QJsonObject &spec)
{
    bool hostPorts = false;
    for (const QJsonValue &port : spec[QLatin1String("EndpointSpec")][QLatin1String("Ports")].toArray())
        hostPorts = hostPorts || port[QLatin1String("PublishMode")].toString() == QLatin1String("host");
    const QString order = hostPorts ? QStringLiteral("stop-first") : QStringLiteral("start-first");
    // Long enough for the health check to call a new task healthy or not.
    const QJsonObject health =
        spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Healthcheck")]
            .toObject();
    const qint64 interval = health[QLatin1String("Interval")].toInteger(30 * Second);
    const qint64 monitor = health.isEmpty()
                               ? 5 * Second
                               : health[QLatin1String("StartPeriod")].toInteger() +
                                     interval * (health[QLatin1String("Retries")].toInteger(3) + 1) +
                                     health[QLatin1String("Timeout")].toInteger(30 * Second);
    QJsonObject update = spec[QLatin1String("UpdateConfig")].toObject();
    update[QLatin1String("Order")] = order;
    update[QLatin1String("FailureAction")] = QStringLiteral("rollback");
    if (!update.contains(QLatin1String("Parallelism")))
        update[QLatin1String("Parallelism")] = 1;
    if (update[QLatin1String("Monitor")].toInteger() < monitor)
        update[QLatin1String("Monitor")] = monitor;
    spec[QLatin1String("UpdateConfig")] = update;
    QJsonObject rollback = spec[QLatin1String("RollbackConfig")].toObject();
    rollback[QLatin1String("Order")] = order;
    if (!rollback.contains(QLatin1String("Parallelism")))
        rollback[QLatin1String("Parallelism")] = 1;
    spec[QLatin1String("RollbackConfig")] = rollback;
}

bool ServiceUpdateWatcher::needsRollout(const QJsonObject &service)
{
    const QJsonObject spec = service[QLatin1String("Spec")].toObject();
    const QJsonObject previous = service[QLatin1String("PreviousSpec")].toObject();
    if (previous.isEmpty())
        return true; // never updated: nothing to compare with
    // What swarmkit's updater compares to decide that a task is out of date.
    return spec[QLatin1String("TaskTemplate")] != previous[QLatin1String("TaskTemplate")] ||
           spec[QLatin1String("EndpointSpec")] != previous[QLatin1String("EndpointSpec")];
}

void ServiceUpdateWatcher::start()
{
    m_startedMs = QDateTime::currentMSecsSinceEpoch();
    poll();
}

void ServiceUpdateWatcher::poll()
{
    if (!m_client) {
        emit finished(Outcome::Failed, QStringLiteral("the connection to the engine is gone"));
        return;
    }
    m_client->inspectService(m_serviceId)->then(this, [this](DockerReply *reply) {
        if (reply->error()) {
            emit finished(Outcome::Failed,
                          QStringLiteral("following the update: %1").arg(reply->error().toString()));
            return;
        }
        const QJsonObject status = reply->json()[QLatin1String("UpdateStatus")].toObject();
        const bool ours =
            !status.isEmpty() && status[QLatin1String("StartedAt")].toString() != m_previousStart;
        const QString state = ours ? status[QLatin1String("State")].toString() : QString();
        const QString message = status[QLatin1String("Message")].toString();
        if (state == QLatin1String("completed")) {
            emit finished(Outcome::Completed, message);
            return;
        }
        if (state == QLatin1String("rollback_completed")) {
            emit finished(Outcome::RolledBack, message);
            return;
        }
        if (state == QLatin1String("paused") || state == QLatin1String("rollback_paused")) {
            emit finished(Outcome::Paused, QStringLiteral("%1: %2").arg(state, message));
            return;
        }
        // A spec whose tasks stay as they are (labels, replicas) rolls nothing: no update status follows.
        if (!ours && !needsRollout(reply->json().object())) {
            emit finished(Outcome::Completed, QStringLiteral("no task changes: nothing to roll"));
            return;
        }
        if (QDateTime::currentMSecsSinceEpoch() - m_startedMs > m_timeoutMs) {
            emit finished(Outcome::TimedOut,
                          QStringLiteral("the update did not end within %1 s").arg(m_timeoutMs / 1000));
            return;
        }
        if (!state.isEmpty() && state + message != m_lastState) {
            m_lastState = state + message;
            emit progress(QStringLiteral("%1: %2").arg(state, message));
        }
        QTimer::singleShot(m_pollMs, this, &ServiceUpdateWatcher::poll);
    });
}

} // namespace cape
