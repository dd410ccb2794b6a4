#include "services/docker/containerstats.h"

#include <QJsonDocument>
#include <QTest>

using cape::ContainerStats;

// Samples shaped as the engine sends them, with the numbers `docker stats`
// shows for them worked out by hand.
class TestContainerStats : public QObject
{
    Q_OBJECT

    static QJsonObject sample(const char *json)
    {
        return QJsonDocument::fromJson(QByteArray(json)).object();
    }

private slots:
    void cgroupV2()
    {
        const auto stats = ContainerStats::fromJson(sample(R"({
            "id": "c1", "name": "/web.1.abc", "read": "2024-05-01T10:00:01.5Z",
            "cpu_stats": {"cpu_usage": {"total_usage": 2000000000}, "system_cpu_usage": 20000000000, "online_cpus": 2},
            "precpu_stats": {"cpu_usage": {"total_usage": 1000000000}, "system_cpu_usage": 10000000000},
            "memory_stats": {"usage": 104857600, "limit": 1048576000, "stats": {"inactive_file": 20971520}},
            "networks": {"eth0": {"rx_bytes": 100, "tx_bytes": 50}, "eth1": {"rx_bytes": 1, "tx_bytes": 2}},
            "blkio_stats": {"io_service_bytes_recursive": [
                {"major": 8, "minor": 0, "op": "read", "value": 4096},
                {"major": 8, "minor": 0, "op": "write", "value": 8192},
                {"major": 8, "minor": 16, "op": "read", "value": 1}]},
            "pids_stats": {"current": 7}})"));
        QCOMPARE(stats.name, QStringLiteral("web.1.abc"));
        QCOMPARE(stats.cpuPercent, 20.0);
        QCOMPARE(stats.memoryUsed, quint64(83886080));
        QCOMPARE(stats.memoryLimit, quint64(1048576000));
        QCOMPARE(stats.memoryPercent, 8.0);
        QCOMPARE(stats.networkRx, quint64(101));
        QCOMPARE(stats.networkTx, quint64(52));
        QCOMPARE(stats.blockRead, quint64(4097));
        QCOMPARE(stats.blockWrite, quint64(8192));
        QCOMPARE(stats.pids, quint64(7));
        QVERIFY(stats.read.isValid());
    }

    void cgroupV1UsesTotalInactiveFileAndPerCpuCount()
    {
        const auto stats = ContainerStats::fromJson(sample(R"({
            "cpu_stats": {"cpu_usage": {"total_usage": 400, "percpu_usage": [1, 2, 3, 4]}, "system_cpu_usage": 2000},
            "precpu_stats": {"cpu_usage": {"total_usage": 200}, "system_cpu_usage": 1000},
            "memory_stats": {"usage": 1000, "limit": 4000, "stats": {"total_inactive_file": 200, "cache": 300}},
            "blkio_stats": {"io_service_bytes_recursive": [{"op": "Read", "value": 10}, {"op": "Write", "value": 20},
                                                           {"op": "Total", "value": 30}]}})"));
        QCOMPARE(stats.onlineCpus, 4);
        QCOMPARE(stats.cpuPercent, 80.0); // 200/1000 × 4 × 100
        QCOMPARE(stats.memoryUsed, quint64(800));
        QCOMPARE(stats.blockRead, quint64(10));
        QCOMPARE(stats.blockWrite, quint64(20));
    }

    void firstSampleWithoutPreviousIsZeroNotGarbage()
    {
        const auto stats = ContainerStats::fromJson(sample(R"({
            "cpu_stats": {"cpu_usage": {"total_usage": 400}, "system_cpu_usage": 2000, "online_cpus": 1},
            "precpu_stats": {}, "memory_stats": {}})"));
        QVERIFY(stats.cpuPercent >= 0.0);
        QCOMPARE(stats.memoryUsed, quint64(0));
        QCOMPARE(stats.memoryPercent, 0.0);
    }

    void stoppedContainerIsAllZero()
    {
        const auto stats = ContainerStats::fromJson(sample(R"({"read": "0001-01-01T00:00:00Z", "cpu_stats": {},
            "precpu_stats": {}, "memory_stats": {}, "blkio_stats": {"io_service_bytes_recursive": null}})"));
        QCOMPARE(stats.cpuPercent, 0.0);
        QCOMPARE(stats.blockRead, quint64(0));
    }
};

QTEST_GUILESS_MAIN(TestContainerStats)
#include "tst_containerstats.moc"
