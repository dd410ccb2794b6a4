#include "processprobe.h"

#include <QFile>

#include <algorithm>
#include <sys/resource.h>

namespace cape::bench {

double cpuSeconds()
{
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
           double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

qint64 rssKiB()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
    }
    return 0;
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    return values.at(std::min<qsizetype>(values.size() - 1, qsizetype(p * double(values.size()))));
}

LoopLagProbe::LoopLagProbe()
{
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(10);
    QObject::connect(&m_tick, &QTimer::timeout, [this] {
        const qint64 now = m_clock.nsecsElapsed();
        if (m_measuring && m_lastTick > 0)
            m_lateness.append(std::max(0.0, double(now - m_lastTick) / 1e6 - 10.0));
        m_lastTick = now;
        m_peakRss = std::max(m_peakRss, rssKiB());
    });
}

void LoopLagProbe::start()
{
    m_clock.start();
    m_lastTick = 0;
    m_tick.start();
}

void LoopLagProbe::setMeasuring(bool measuring)
{
    m_measuring = measuring;
    m_lastTick = 0;
}

void LoopLagProbe::reset()
{
    m_lateness.clear();
    m_peakRss = 0;
}

} // namespace cape::bench
