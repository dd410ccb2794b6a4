#pragma once

#include "services/docker/containerstats.h"

#include <QList>

#include <deque>
#include <optional>

namespace cape {

// The rolling history of one container's stats, for its charts and the top
// table. Memory is bounded whatever the container's age: the 1-s samples of
// the last 10 minutes (about 600 × 64 bytes) and 10-s averages of the last
// hour (360 × 72 bytes), some 60 KB a container.
//
// Samples are placed on the clock they arrived by (engines' clocks may
// differ; alignment across nodes needs one clock), while rates use the
// engine's own read times, which do not jitter with the network.
class StatsSeries
{
public:
    // A point as a chart shows it: gauges as sampled (or averaged over 10 s),
    // cumulative counters turned into rates over the interval that ends here.
    struct Point
    {
        qint64 timeMs = 0; // arrival (1-s points) or the start of the 10-s bucket
        double cpuPercent = 0.0;
        double memoryUsed = 0.0; // bytes
        double memoryLimit = 0.0;
        double networkRxRate = 0.0; // bytes/s
        double networkTxRate = 0.0;
        double blockReadRate = 0.0;
        double blockWriteRate = 0.0;
        double pids = 0.0;

        // Adds every value; the time stays.
        Point &operator+=(const Point &other);
        bool operator==(const Point &) const = default;
    };

    static constexpr int RawSeconds = 600;   // 1-s samples kept this long
    static constexpr int RollupSeconds = 10; // one average per this many seconds…
    static constexpr int RollupCount = 360;  // …this many of them: one hour
    static constexpr int AlignToleranceSeconds = 2;

    // A sample that arrived at arrivalMs (ms since the epoch, increasing).
    void append(const ContainerStats &stats, qint64 arrivalMs);

    bool isEmpty() const { return m_raw.empty(); }
    qsizetype rawCount() const { return qsizetype(m_raw.size()); }
    qsizetype rollupCount() const { return qsizetype(m_rollups.size()); }
    qint64 lastArrivalMs() const { return m_raw.empty() ? 0 : m_raw.back().timeMs; }

    // The newest sample, its rates taken against the one before.
    std::optional<Point> latest() const;
    // The points of the window ending at nowMs, oldest first: 1-s points up
    // to RawSeconds, 10-s averages beyond (the last of them still filling).
    QList<Point> points(int windowSeconds, qint64 nowMs) const;
    // The value as of a second (ms / 1000): the newest 1-s point in
    // [second - tolerance, second]; a stream that skipped a beat still counts.
    std::optional<Point> at(qint64 second, int toleranceSeconds = AlignToleranceSeconds) const;

    // Several series added up, aligned by the second (by the 10-s bucket for
    // windows past RawSeconds): one point per second in which any member had
    // a value as of that second, each member counted once.
    static QList<Point> sum(const QList<const StatsSeries *> &members, int windowSeconds, qint64 nowMs);

private:
    struct Sample
    {
        qint64 timeMs = 0;
        qint64 readMs = 0; // the engine's clock
        float cpuPercent = 0.0f;
        quint32 pids = 0;
        quint64 memoryUsed = 0;
        quint64 memoryLimit = 0;
        quint64 networkRx = 0; // cumulative counters
        quint64 networkTx = 0;
        quint64 blockRead = 0;
        quint64 blockWrite = 0;
    };
    struct Rates
    {
        double seconds = 0.0; // 0: no earlier sample to compare with
        double networkRx = 0.0, networkTx = 0.0, blockRead = 0.0, blockWrite = 0.0; // bytes in the interval
    };
    struct Bucket
    {
        qint64 startMs = -1;
        int samples = 0;
        double cpuPercent = 0.0, memoryUsed = 0.0, memoryLimit = 0.0, pids = 0.0;
        Rates moved;
        Point toPoint() const;
    };

    static Rates ratesBetween(const Sample *previous, const Sample &sample);
    static Point pointOf(const Sample &sample, const Sample *previous);
    Point pointAt(std::size_t index) const;
    static QList<Point> sumRaw(const QList<const StatsSeries *> &members, int windowSeconds, qint64 nowMs);
    static QList<Point> sumRollups(const QList<const StatsSeries *> &members, int windowSeconds,
                                   qint64 nowMs);

    std::deque<Sample> m_raw;
    std::deque<Point> m_rollups; // completed buckets
    Bucket m_bucket;             // the one filling
};

} // namespace cape
