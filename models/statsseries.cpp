#include "statsseries.h"

#include <QMap>

#include <algorithm>
#include <limits>

namespace cape {

namespace {
constexpr qint64 SecondMs = 1000;
constexpr qint64 BucketMs = StatsSeries::RollupSeconds * SecondMs;

qint64 secondOf(qint64 ms)
{
    return ms >= 0 ? ms / SecondMs : -((-ms + SecondMs - 1) / SecondMs);
}

qint64 bucketOf(qint64 ms)
{
    return (ms >= 0 ? ms / BucketMs : -((-ms + BucketMs - 1) / BucketMs)) * BucketMs;
}

// A counter lower than before was reset (the container restarted): it
// counted up from zero since, as Prometheus' rate() assumes.
double moved(quint64 now, quint64 before)
{
    return double(now >= before ? now - before : now);
}
} // namespace

StatsSeries::Point &StatsSeries::Point::operator+=(const Point &other)
{
    cpuPercent += other.cpuPercent;
    memoryUsed += other.memoryUsed;
    memoryLimit += other.memoryLimit;
    networkRxRate += other.networkRxRate;
    networkTxRate += other.networkTxRate;
    blockReadRate += other.blockReadRate;
    blockWriteRate += other.blockWriteRate;
    pids += other.pids;
    return *this;
}

StatsSeries::Rates StatsSeries::ratesBetween(const Sample *previous, const Sample &sample)
{
    if (!previous)
        return {};
    double seconds = double(sample.readMs - previous->readMs) / 1000.0;
    if (seconds <= 0.0)
        seconds = double(sample.timeMs - previous->timeMs) / 1000.0;
    if (seconds <= 0.0)
        return {};
    return {seconds, moved(sample.networkRx, previous->networkRx),
            moved(sample.networkTx, previous->networkTx), moved(sample.blockRead, previous->blockRead),
            moved(sample.blockWrite, previous->blockWrite)};
}

StatsSeries::Point StatsSeries::pointOf(const Sample &sample, const Sample *previous)
{
    const Rates rates = ratesBetween(previous, sample);
    const auto perSecond = [&rates](double bytes) {
        return rates.seconds > 0.0 ? bytes / rates.seconds : 0.0;
    };
    Point point;
    point.timeMs = sample.timeMs;
    point.cpuPercent = sample.cpuPercent;
    point.memoryUsed = double(sample.memoryUsed);
    point.memoryLimit = double(sample.memoryLimit);
    point.networkRxRate = perSecond(rates.networkRx);
    point.networkTxRate = perSecond(rates.networkTx);
    point.blockReadRate = perSecond(rates.blockRead);
    point.blockWriteRate = perSecond(rates.blockWrite);
    point.pids = sample.pids;
    return point;
}

StatsSeries::Point StatsSeries::pointAt(std::size_t index) const
{
    return pointOf(m_raw[index], index > 0 ? &m_raw[index - 1] : nullptr);
}

StatsSeries::Point StatsSeries::Bucket::toPoint() const
{
    Point point;
    point.timeMs = startMs;
    if (samples == 0)
        return point;
    point.cpuPercent = cpuPercent / samples;
    point.memoryUsed = memoryUsed / samples;
    point.memoryLimit = memoryLimit / samples;
    point.pids = pids / samples;
    // The bytes moved over the seconds they were moved in: the average rate.
    if (moved.seconds > 0.0) {
        point.networkRxRate = moved.networkRx / moved.seconds;
        point.networkTxRate = moved.networkTx / moved.seconds;
        point.blockReadRate = moved.blockRead / moved.seconds;
        point.blockWriteRate = moved.blockWrite / moved.seconds;
    }
    return point;
}

void StatsSeries::append(const ContainerStats &stats, qint64 arrivalMs)
{
    Sample sample;
    // Kept in order even if the wall clock steps back: lookups bisect.
    sample.timeMs = m_raw.empty() ? arrivalMs : std::max(arrivalMs, m_raw.back().timeMs);
    sample.readMs = stats.read.isValid() ? stats.read.toMSecsSinceEpoch() : arrivalMs;
    sample.cpuPercent = float(stats.cpuPercent);
    sample.pids = quint32(std::min<quint64>(stats.pids, std::numeric_limits<quint32>::max()));
    sample.memoryUsed = stats.memoryUsed;
    sample.memoryLimit = stats.memoryLimit;
    sample.networkRx = stats.networkRx;
    sample.networkTx = stats.networkTx;
    sample.blockRead = stats.blockRead;
    sample.blockWrite = stats.blockWrite;

    const Rates rates = ratesBetween(m_raw.empty() ? nullptr : &m_raw.back(), sample);
    const qint64 bucket = bucketOf(arrivalMs);
    if (m_bucket.startMs != bucket) {
        if (m_bucket.samples > 0)
            m_rollups.push_back(m_bucket.toPoint());
        m_bucket = Bucket();
        m_bucket.startMs = bucket;
    }
    ++m_bucket.samples;
    m_bucket.cpuPercent += sample.cpuPercent;
    m_bucket.memoryUsed += double(sample.memoryUsed);
    m_bucket.memoryLimit += double(sample.memoryLimit);
    m_bucket.pids += sample.pids;
    m_bucket.moved.seconds += rates.seconds;
    m_bucket.moved.networkRx += rates.networkRx;
    m_bucket.moved.networkTx += rates.networkTx;
    m_bucket.moved.blockRead += rates.blockRead;
    m_bucket.moved.blockWrite += rates.blockWrite;

    m_raw.push_back(sample);
    // One sample more than the window (its rates need the one before), and
    // a hard cap should an engine ever send faster than once a second.
    const qint64 keepFrom = arrivalMs - (RawSeconds + AlignToleranceSeconds + 1) * SecondMs;
    while (m_raw.size() > 1 && (m_raw[1].timeMs <= keepFrom || m_raw.size() > std::size_t(4 * RawSeconds)))
        m_raw.pop_front();
    const qint64 rollupsFrom = bucket - qint64(RollupCount) * BucketMs;
    while (!m_rollups.empty() &&
           (m_rollups.front().timeMs <= rollupsFrom || m_rollups.size() > std::size_t(RollupCount)))
        m_rollups.pop_front();
}

std::optional<StatsSeries::Point> StatsSeries::latest() const
{
    if (m_raw.empty())
        return std::nullopt;
    return pointAt(m_raw.size() - 1);
}

QList<StatsSeries::Point> StatsSeries::points(int windowSeconds, qint64 nowMs) const
{
    const qint64 fromMs = nowMs - qint64(windowSeconds) * SecondMs; // exclusive
    QList<Point> result;
    if (windowSeconds <= RawSeconds) {
        auto it = std::upper_bound(m_raw.begin(), m_raw.end(), fromMs,
                                   [](qint64 t, const Sample &s) { return t < s.timeMs; });
        for (; it != m_raw.end() && it->timeMs <= nowMs; ++it)
            result.append(pointAt(std::size_t(it - m_raw.begin())));
        return result;
    }
    // A bucket that ends inside the window belongs to it.
    for (const Point &point : m_rollups) {
        if (point.timeMs + BucketMs > fromMs && point.timeMs <= nowMs)
            result.append(point);
    }
    if (m_bucket.samples > 0 && m_bucket.startMs + BucketMs > fromMs && m_bucket.startMs <= nowMs)
        result.append(m_bucket.toPoint());
    return result;
}

std::optional<StatsSeries::Point> StatsSeries::at(qint64 second, int toleranceSeconds) const
{
    // The newest sample that arrived before the second was over.
    const qint64 endMs = (second + 1) * SecondMs;
    auto it = std::lower_bound(m_raw.begin(), m_raw.end(), endMs,
                               [](const Sample &s, qint64 t) { return s.timeMs < t; });
    if (it == m_raw.begin())
        return std::nullopt;
    --it;
    if (secondOf(it->timeMs) < second - toleranceSeconds)
        return std::nullopt;
    return pointAt(std::size_t(it - m_raw.begin()));
}

QList<StatsSeries::Point> StatsSeries::sum(const QList<const StatsSeries *> &members, int windowSeconds,
                                           qint64 nowMs)
{
    return windowSeconds <= RawSeconds ? sumRaw(members, windowSeconds, nowMs)
                                       : sumRollups(members, windowSeconds, nowMs);
}

QList<StatsSeries::Point> StatsSeries::sumRaw(const QList<const StatsSeries *> &members, int windowSeconds,
                                              qint64 nowMs)
{
    const qint64 last = secondOf(nowMs);
    const qint64 first = secondOf(nowMs - qint64(windowSeconds) * SecondMs) + 1;
    if (last < first)
        return {};
    const qsizetype count = qsizetype(last - first + 1);
    QList<Point> totals(count);
    QList<bool> counted(count, false);
    for (const StatsSeries *member : members) {
        const std::deque<Sample> &raw = member->m_raw;
        // One pass per member: a cursor on the newest sample as of each second.
        const qint64 fromMs = (first - AlignToleranceSeconds) * SecondMs;
        std::size_t next =
            std::size_t(std::lower_bound(raw.begin(), raw.end(), fromMs,
                                         [](const Sample &s, qint64 t) { return s.timeMs < t; }) -
                        raw.begin());
        std::optional<std::size_t> current;
        Point point;
        for (qsizetype k = 0; k < count; ++k) {
            const qint64 second = first + k;
            bool moved = false;
            while (next < raw.size() && secondOf(raw[next].timeMs) <= second) {
                current = next++;
                moved = true;
            }
            if (!current || secondOf(raw[*current].timeMs) < second - AlignToleranceSeconds)
                continue;
            if (moved)
                point = member->pointAt(*current);
            totals[k] += point;
            counted[k] = true;
        }
    }
    QList<Point> result;
    result.reserve(count);
    for (qsizetype k = 0; k < count; ++k) {
        if (!counted[k])
            continue;
        totals[k].timeMs = (first + k) * SecondMs;
        result.append(totals[k]);
    }
    return result;
}

QList<StatsSeries::Point> StatsSeries::sumRollups(const QList<const StatsSeries *> &members,
                                                  int windowSeconds, qint64 nowMs)
{
    // Buckets start on the same 10-s boundaries in every series.
    QMap<qint64, Point> totals;
    for (const StatsSeries *member : members) {
        for (const Point &point : member->points(windowSeconds, nowMs)) {
            Point &total = totals[point.timeMs];
            total += point;
            total.timeMs = point.timeMs;
        }
    }
    return totals.values();
}

} // namespace cape
