#include "models/statsseries.h"

#include <QTest>

using cape::ContainerStats;
using cape::StatsSeries;

namespace {

// Counters as the engine reports them: cumulative since the container started.
ContainerStats sample(qint64 readMs, double cpu, quint64 memory, quint64 rx = 0, quint64 tx = 0,
                      quint64 read = 0, quint64 write = 0, quint64 pids = 1)
{
    ContainerStats stats;
    stats.read = QDateTime::fromMSecsSinceEpoch(readMs, Qt::UTC);
    stats.cpuPercent = cpu;
    stats.memoryUsed = memory;
    stats.memoryLimit = 1 << 30;
    stats.networkRx = rx;
    stats.networkTx = tx;
    stats.blockRead = read;
    stats.blockWrite = write;
    stats.pids = pids;
    return stats;
}

constexpr qint64 T0 = 1'700'000'000'000; // on a 10-s boundary

} // namespace

class TestStatsSeries : public QObject
{
    Q_OBJECT

private slots:
    void windowsReturnTheirOwnSpan()
    {
        StatsSeries series;
        for (int i = 0; i < 1200; ++i)
            series.append(sample(T0 + i * 1000, i, 1000), T0 + i * 1000 + 300);
        const qint64 now = T0 + 1199 * 1000 + 500;

        const auto minute = series.points(60, now);
        QCOMPARE(minute.size(), 60);
        QCOMPARE(minute.last().cpuPercent, 1199.0);
        QVERIFY(minute.first().timeMs > now - 60000);

        const auto tenMinutes = series.points(600, now);
        QCOMPARE(tenMinutes.size(), 600);
        QCOMPARE(tenMinutes.first().cpuPercent, 600.0);

        // Past ten minutes: 10-s averages, the last one still filling.
        const auto hour = series.points(3600, now);
        QCOMPARE(hour.size(), 120);
        for (const auto &point : hour)
            QCOMPARE(point.timeMs % 10000, 0);
        QCOMPARE(hour.first().cpuPercent, 4.5); // the mean of 0…9
        QCOMPARE(hour.last().cpuPercent, 1194.5);
    }

    void memoryStaysBounded()
    {
        StatsSeries series;
        for (int i = 0; i < 4 * 3600; ++i)
            series.append(sample(T0 + i * 1000, 1, 1000), T0 + i * 1000);
        QVERIFY2(series.rawCount() <= StatsSeries::RawSeconds + 4,
                 qPrintable(QString::number(series.rawCount())));
        QVERIFY(series.rollupCount() <= StatsSeries::RollupCount);
        const qint64 now = T0 + (4 * 3600 - 1) * 1000;
        // Still a full hour, and no older.
        const auto hour = series.points(3600, now);
        QVERIFY2(hour.size() >= 359 && hour.size() <= 361, qPrintable(QString::number(hour.size())));
        QVERIFY(hour.first().timeMs > now - 3600 * 1000 - 10000);
    }

    void rollupAveragesGaugesAndRates()
    {
        StatsSeries series;
        // One bucket: CPU alternating 10 % and 30 %, memory 100 and 300, 2 KB/s in, 1 KB/s out.
        for (int i = 0; i <= 10; ++i)
            series.append(
                sample(T0 + i * 1000, i % 2 ? 30 : 10, i % 2 ? 300 : 100, i * 2000, i * 1000, 0, i * 512, 4),
                T0 + i * 1000);
        const auto hour = series.points(3600, T0 + 10500);
        QCOMPARE(hour.size(), 2);
        const auto &bucket = hour.first();
        QCOMPARE(bucket.timeMs, T0);
        QCOMPARE(bucket.cpuPercent, 20.0);
        QCOMPARE(bucket.memoryUsed, 200.0);
        QCOMPARE(bucket.pids, 4.0);
        // The first sample has nothing before it: nine intervals of the bucket carry rates.
        QCOMPARE(bucket.networkRxRate, 2000.0);
        QCOMPARE(bucket.networkTxRate, 1000.0);
        QCOMPARE(bucket.blockWriteRate, 512.0);
        QCOMPARE(bucket.blockReadRate, 0.0);
    }

    void ratesComeFromCountersOverTheEnginesClock()
    {
        StatsSeries series;
        // Arrivals jitter (0.6 s, then 1.4 s apart); the engine read them 1 s apart.
        series.append(sample(T0, 0, 0, 0, 0, 0, 0), T0 + 100);
        series.append(sample(T0 + 1000, 0, 0, 500, 50, 4096, 0), T0 + 700);
        series.append(sample(T0 + 2000, 0, 0, 1500, 50, 4096, 8192), T0 + 2100);
        const auto points = series.points(60, T0 + 2500);
        QCOMPARE(points.size(), 3);
        QCOMPARE(points[0].networkRxRate, 0.0); // nothing to compare with
        QCOMPARE(points[1].networkRxRate, 500.0);
        QCOMPARE(points[1].networkTxRate, 50.0);
        QCOMPARE(points[1].blockReadRate, 4096.0);
        QCOMPARE(points[2].networkRxRate, 1000.0);
        QCOMPARE(points[2].networkTxRate, 0.0);
        QCOMPARE(points[2].blockWriteRate, 8192.0);
        QCOMPARE(series.latest()->networkRxRate, 1000.0);
        // Two seconds between reads: the bytes spread over both.
        series.append(sample(T0 + 4000, 0, 0, 3500), T0 + 4000);
        QCOMPARE(series.latest()->networkRxRate, 1000.0);
    }

    void aCounterResetIsARestartNotANegativeRate()
    {
        StatsSeries series;
        series.append(sample(T0, 0, 0, 10000, 10000), T0);
        series.append(sample(T0 + 1000, 0, 0, 20000, 20000), T0 + 1000);
        // The container restarted: its counters start again from zero.
        series.append(sample(T0 + 2000, 0, 0, 300, 0), T0 + 2000);
        series.append(sample(T0 + 3000, 0, 0, 1300, 100), T0 + 3000);
        const auto points = series.points(60, T0 + 3000);
        QCOMPARE(points.size(), 4);
        QCOMPARE(points[1].networkRxRate, 10000.0);
        QCOMPARE(points[2].networkRxRate, 300.0);
        QCOMPARE(points[2].networkTxRate, 0.0);
        QCOMPARE(points[3].networkRxRate, 1000.0);
        QCOMPARE(points[3].networkTxRate, 100.0);
        // The bucket's average over its three intervals: 10000 + 300 + 1000 bytes in 3 s.
        const auto hour = series.points(3600, T0 + 3000);
        QCOMPARE(hour.size(), 1);
        QCOMPARE(hour.first().networkRxRate, 11300.0 / 3);
    }

    void aValueAsOfASecondToleratesASkippedBeat()
    {
        StatsSeries series;
        series.append(sample(T0, 10, 0), T0 + 900);
        series.append(sample(T0 + 1000, 20, 0), T0 + 1950);
        // Nothing arrived in second 2 and 3 (a slow engine); 5 has its own.
        series.append(sample(T0 + 4000, 50, 0), T0 + 5100);
        const qint64 s = T0 / 1000;
        QVERIFY(!series.at(s - 1));
        QCOMPARE(series.at(s)->cpuPercent, 10.0);
        QCOMPARE(series.at(s + 1)->cpuPercent, 20.0);
        QCOMPARE(series.at(s + 2)->cpuPercent, 20.0);
        QCOMPARE(series.at(s + 3)->cpuPercent, 20.0);
        QVERIFY(!series.at(s + 4)); // three seconds old is too old
        QCOMPARE(series.at(s + 5)->cpuPercent, 50.0);
    }

    void sumsAlignBySecond()
    {
        StatsSeries a;
        StatsSeries b;
        StatsSeries gone;
        const qint64 s0 = T0 / 1000;
        for (int i = 0; i < 10; ++i) {
            a.append(sample(T0 + i * 1000, 30, 100), T0 + i * 1000 + 100); // early in each second
            if (i != 4)                                                    // b skips a beat
                b.append(sample(T0 + i * 1000, 20, 200), T0 + i * 1000 + 950);
            if (i < 3) // stops after three seconds
                gone.append(sample(T0 + i * 1000, 5, 1000), T0 + i * 1000 + 500);
        }
        const qint64 now = T0 + 9999;
        const auto total = StatsSeries::sum({&a, &b, &gone}, 60, now);
        QCOMPARE(total.size(), 10);
        for (const auto &point : total) {
            const qint64 second = point.timeMs / 1000;
            QCOMPARE(point.timeMs % 1000, 0);
            const double expected = 30 + 20 + (second - s0 <= 2 + StatsSeries::AlignToleranceSeconds ? 5 : 0);
            QCOMPARE(point.cpuPercent, expected);
            // The same instant, member by member.
            double members = 0;
            for (const StatsSeries *series : {&a, &b, &gone}) {
                if (const auto value = series->at(second))
                    members += value->cpuPercent;
            }
            QCOMPARE(point.cpuPercent, members);
        }
        QCOMPARE(total.first().memoryUsed, 1300.0);
        QCOMPARE(total.last().memoryUsed, 300.0);

        // An hour's sums add up the 10-s buckets of every member.
        const auto hour = StatsSeries::sum({&a, &b}, 3600, now);
        QCOMPARE(hour.size(), 1);
        QCOMPARE(hour.first().cpuPercent, 50.0);
    }
};

QTEST_GUILESS_MAIN(TestStatsSeries)
#include "tst_statsseries.moc"
