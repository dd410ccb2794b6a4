#pragma once

#include <QJsonObject>
#include <QString>

namespace cape {

// A task (replica) as the views need it. Tasks are the bulk of a large
// cluster, so only the fields shown are kept, not the raw JSON.
struct TaskRecord
{
    QString id;
    quint64 version = 0;
    QString serviceId;
    QString nodeId;
    int slot = 0; // 0 for global services: they have one task per node
    QString desiredState; // running | shutdown | accepted | ...
    QString state;        // new ... running, complete, failed, shutdown, rejected, orphaned, remove
    QString message;
    QString error;
    int exitCode = -1; // -1: the container has not exited
    qint64 sinceMs = 0; // Status.Timestamp: when it entered its state
    qint64 createdMs = 0;
    QString containerId;
    QString image;

    bool isRunning() const { return state == QLatin1String("running"); }
    bool isDesiredRunning() const { return desiredState == QLatin1String("running"); }
    // The task will not run again: history, hidden unless asked for.
    bool isHistory() const { return desiredState != QLatin1String("running") && desiredState != QLatin1String("ready"); }
    // Still moving towards its desired state.
    bool isSettling() const;

    static TaskRecord fromJson(const QJsonObject &task);
};

} // namespace cape
