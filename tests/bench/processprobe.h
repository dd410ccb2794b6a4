#pragma once

#include <QElapsedTimer>
#include <QList>
#include <QTimer>

namespace cape::bench {

// This process's CPU time (user + system), in seconds.
double cpuSeconds();
// This process's resident memory (VmRSS), in KiB.
qint64 rssKiB();
// The p-quantile (0…1) of values; 0 for none.
double percentile(QList<double> values, double p);

// How late a 10 ms timer on the calling thread's event loop fires: what a
// user feels as a stuck window. Samples only while measuring; tracks the
// peak RSS on every tick.
class LoopLagProbe
{
public:
    LoopLagProbe();

    void start();
    void setMeasuring(bool measuring);
    // Forgets what was measured so far.
    void reset();

    const QList<double> &lateness() const { return m_lateness; } // ms past due
    qint64 peakRssKiB() const { return m_peakRss; }

private:
    QTimer m_tick;
    QElapsedTimer m_clock;
    qint64 m_lastTick = 0;
    bool m_measuring = false;
    QList<double> m_lateness;
    qint64 m_peakRss = 0;
};

} // namespace cape::bench
