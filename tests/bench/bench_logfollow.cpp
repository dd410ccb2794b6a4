// Following a flooding service in the desktop app's log panel: how late the
// GUI thread's event loop runs while lines pour in, how many lines arrive,
// and what it costs. The panel is the real one (LogPanel on a ClusterStore),
// shown offscreen and painted as on screen.
//
//   bench_logfollow --connect ENDPOINT --service NAME [--seconds S] [--warmup S]
// Prints one line of key=value figures; base_* is the same lag measured for
// --warmup seconds before the panel opens (the machine's own load).

#include "models/clusterstore.h"
#include "models/logmodel.h"
#include "models/servicetablemodel.h"
#include "ui/logs/logpanel.h"
#include "ui/logs/logview.h"

#include "processprobe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <cstdio>

using namespace cape;
using namespace cape::bench;

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("connect"), QStringLiteral("manager endpoint"), QStringLiteral("endpoint")});
    parser.addOption(
        {QStringLiteral("service"), QStringLiteral("service to follow"), QStringLiteral("name")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("measured seconds"), QStringLiteral("s"),
                      QStringLiteral("30")});
    parser.addOption({QStringLiteral("warmup"), QStringLiteral("seconds before measuring"),
                      QStringLiteral("s"), QStringLiteral("5")});
    parser.process(app);

    DockerEndpoint endpoint;
    QString error;
    if (!DockerEndpoint::parse(parser.value(QStringLiteral("connect")), &endpoint, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const QString name = parser.value(QStringLiteral("service"));
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const int warmup = parser.value(QStringLiteral("warmup")).toInt();

    ClusterStore store;
    store.connectTo(endpoint);
    LogPanel *panel = nullptr;
    // First the lag without a panel: what this machine's load alone causes
    // (the flooding service keeps both cores busy too).
    LoopLagProbe probe;
    QList<double> baseline;
    QElapsedTimer clock;
    qint64 linesAtStart = 0;
    double cpuAtStart = 0;

    const auto openPanel = [&] {
        QString id;
        for (const ServiceRecord &service : store.services()->records()) {
            if (service.name == name)
                id = service.id;
        }
        if (id.isEmpty()) {
            std::fprintf(stderr, "no service %s\n", qPrintable(name));
            QCoreApplication::exit(2);
            return;
        }
        panel = new LogPanel(&store, {LogFeed::Kind::Service, id, name, {}, false});
        panel->resize(1400, 800);
        panel->show();
        QTimer::singleShot(warmup * 1000, [&] {
            linesAtStart = panel->model()->bufferedCount() + panel->model()->droppedCount();
            cpuAtStart = cpuSeconds();
            probe.reset();
            probe.setMeasuring(true);
            clock.start();
            QTimer::singleShot(seconds * 1000, [&] {
                const double elapsed = double(clock.nsecsElapsed()) / 1e9;
                const qint64 lines =
                    panel->model()->bufferedCount() + panel->model()->droppedCount() - linesAtStart;
                std::printf("lines_per_s=%.0f lag_p50_ms=%.2f lag_p99_ms=%.2f lag_max_ms=%.2f "
                            "base_p50_ms=%.2f base_p99_ms=%.2f "
                            "base_max_ms=%.2f cpu_pct=%.1f rss_mib=%.1f peak_rss_mib=%.1f buffered=%lld "
                            "following=%d\n",
                            double(lines) / elapsed, percentile(probe.lateness(), 0.5),
                            percentile(probe.lateness(), 0.99), percentile(probe.lateness(), 1.0),
                            percentile(baseline, 0.5), percentile(baseline, 0.99), percentile(baseline, 1.0),
                            (cpuSeconds() - cpuAtStart) / elapsed * 100, double(rssKiB()) / 1024,
                            double(probe.peakRssKiB()) / 1024, qlonglong(panel->model()->bufferedCount()),
                            int(panel->view()->follows()));
                QCoreApplication::exit(0);
            });
        });
    };
    QObject::connect(&store, &ClusterStore::loaded, [&] {
        probe.start();
        probe.setMeasuring(true);
        QTimer::singleShot(warmup * 1000, [&] {
            baseline = probe.lateness();
            probe.setMeasuring(false);
            openPanel();
        });
    });
    QTimer::singleShot((2 * warmup + seconds + 60) * 1000, [] {
        std::fprintf(stderr, "timed out\n");
        QCoreApplication::exit(3);
    });
    const int rc = app.exec();
    delete panel;
    return rc;
}
