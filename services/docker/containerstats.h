#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QString>

namespace cape {

// One sample of /containers/{id}/stats reduced to what `docker stats`
// shows, computed exactly as the docker CLI computes it.
struct ContainerStats
{
    QString containerId;
    QString name;
    QDateTime read;
    double cpuPercent = 0.0;   // of one CPU: 200 % is two cores busy
    quint64 memoryUsed = 0;    // usage minus the page cache
    quint64 memoryLimit = 0;
    double memoryPercent = 0.0;
    quint64 networkRx = 0;     // bytes, summed over interfaces
    quint64 networkTx = 0;
    quint64 blockRead = 0;     // bytes
    quint64 blockWrite = 0;
    quint64 pids = 0;
    int onlineCpus = 0;

    // CPU % = Δcontainer usage / Δsystem usage × online CPUs × 100, the
    // deltas taken against precpu_stats. Memory used is usage minus
    // total_inactive_file (cgroup v1) or inactive_file (cgroup v2).
    static ContainerStats fromJson(const QJsonObject &sample);
};

} // namespace cape
