#include "containerstats.h"

#include <QJsonArray>

namespace cape {

namespace {
quint64 u64(const QJsonValue &value)
{
    const double d = value.toDouble();
    return d > 0 ? quint64(d) : 0;
}

// The CLI's calculateMemUsageUnixNoCache.
quint64 memoryWithoutCache(const QJsonObject &memory)
{
    const quint64 usage = u64(memory.value(QLatin1String("usage")));
    const QJsonObject stats = memory.value(QLatin1String("stats")).toObject();
    // cgroup v1
    if (stats.contains(QLatin1String("total_inactive_file"))) {
        const quint64 inactive = u64(stats.value(QLatin1String("total_inactive_file")));
        if (inactive < usage)
            return usage - inactive;
    }
    // cgroup v2
    if (stats.contains(QLatin1String("inactive_file"))) {
        const quint64 inactive = u64(stats.value(QLatin1String("inactive_file")));
        if (inactive < usage)
            return usage - inactive;
    }
    return usage;
}
} // namespace

ContainerStats ContainerStats::fromJson(const QJsonObject &sample)
{
    ContainerStats stats;
    stats.containerId = sample.value(QLatin1String("id")).toString();
    stats.name = sample.value(QLatin1String("name")).toString();
    if (stats.name.startsWith(QLatin1Char('/')))
        stats.name.remove(0, 1);
    stats.read = QDateTime::fromString(sample.value(QLatin1String("read")).toString(), Qt::ISODateWithMs);

    const QJsonObject cpu = sample.value(QLatin1String("cpu_stats")).toObject();
    const QJsonObject precpu = sample.value(QLatin1String("precpu_stats")).toObject();
    const QJsonObject usage = cpu.value(QLatin1String("cpu_usage")).toObject();
    const QJsonObject preUsage = precpu.value(QLatin1String("cpu_usage")).toObject();
    stats.onlineCpus = cpu.value(QLatin1String("online_cpus")).toInt();
    if (stats.onlineCpus == 0)
        stats.onlineCpus = int(usage.value(QLatin1String("percpu_usage")).toArray().size());
    const double cpuDelta = usage.value(QLatin1String("total_usage")).toDouble()
                            - preUsage.value(QLatin1String("total_usage")).toDouble();
    const double systemDelta = cpu.value(QLatin1String("system_cpu_usage")).toDouble()
                               - precpu.value(QLatin1String("system_cpu_usage")).toDouble();
    if (cpuDelta > 0.0 && systemDelta > 0.0)
        stats.cpuPercent = cpuDelta / systemDelta * stats.onlineCpus * 100.0;

    const QJsonObject memory = sample.value(QLatin1String("memory_stats")).toObject();
    stats.memoryUsed = memoryWithoutCache(memory);
    stats.memoryLimit = u64(memory.value(QLatin1String("limit")));
    if (stats.memoryLimit > 0)
        stats.memoryPercent = double(stats.memoryUsed) / double(stats.memoryLimit) * 100.0;

    const QJsonObject networks = sample.value(QLatin1String("networks")).toObject();
    for (auto it = networks.begin(); it != networks.end(); ++it) {
        const QJsonObject iface = it.value().toObject();
        stats.networkRx += u64(iface.value(QLatin1String("rx_bytes")));
        stats.networkTx += u64(iface.value(QLatin1String("tx_bytes")));
    }

    const QJsonArray io = sample.value(QLatin1String("blkio_stats"))
                              .toObject()
                              .value(QLatin1String("io_service_bytes_recursive"))
                              .toArray();
    for (const QJsonValue &entry : io) {
        const QJsonObject e = entry.toObject();
        const QString op = e.value(QLatin1String("op")).toString().toLower();
        if (op == QLatin1String("read"))
            stats.blockRead += u64(e.value(QLatin1String("value")));
        else if (op == QLatin1String("write"))
            stats.blockWrite += u64(e.value(QLatin1String("value")));
    }

    stats.pids = u64(sample.value(QLatin1String("pids_stats")).toObject().value(QLatin1String("current")));
    return stats;
}

} // namespace cape
