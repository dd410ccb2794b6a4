#include "taskrecord.h"

#include "jsonpath.h"
#include "servicerecord.h"

namespace cape {

bool TaskRecord::isSettling() const
{
    static const QStringList terminal{QStringLiteral("complete"), QStringLiteral("failed"),
                                      QStringLiteral("shutdown"),  QStringLiteral("rejected"),
                                      QStringLiteral("orphaned"),  QStringLiteral("remove")};
    if (isDesiredRunning())
        return !isRunning() && !terminal.contains(state);
    return !terminal.contains(state);
}

TaskRecord TaskRecord::fromJson(const QJsonObject &task)
{
    TaskRecord r;
    r.id = json::string(task, {"ID"});
    r.version = quint64(json::at(task, {"Version", "Index"}).toInteger());
    r.serviceId = json::string(task, {"ServiceID"});
    r.nodeId = json::string(task, {"NodeID"});
    r.slot = task.value(QLatin1String("Slot")).toInt();
    r.desiredState = json::string(task, {"DesiredState"});
    const QJsonObject status = task.value(QLatin1String("Status")).toObject();
    r.state = status.value(QLatin1String("State")).toString();
    r.message = status.value(QLatin1String("Message")).toString();
    r.error = status.value(QLatin1String("Err")).toString();
    const QJsonValue exitCode = json::at(status, {"ContainerStatus", "ExitCode"});
    // The engine reports 0 while a container runs; only an ended task has one.
    const bool ended = r.state == QLatin1String("complete") || r.state == QLatin1String("failed")
                       || r.state == QLatin1String("shutdown");
    if (exitCode.isDouble() && ended)
        r.exitCode = exitCode.toInt();
    r.sinceMs = json::timeMs(status.value(QLatin1String("Timestamp")));
    r.createdMs = json::timeMs(task.value(QLatin1String("CreatedAt")));
    r.containerId = json::string(status, {"ContainerStatus", "ContainerID"});
    r.image = ServiceRecord::shortImage(json::string(task, {"Spec", "ContainerSpec", "Image"}));
    return r;
}

} // namespace cape
