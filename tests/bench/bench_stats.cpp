// The desktop app's stats view on a cluster running many containers: what it
// costs (CPU, memory) and how late the GUI thread's event loop runs while
// every container streams its stats. The view is the real one (StatsView on a
// ClusterStore with every node's engine), shown offscreen and painted as on
// screen: the containers table sorted by CPU, the cluster's charts with a line
// per node; halfway through, a service is selected (its total and replicas).
//
//   bench_stats --connect ENDPOINT --node ENDPOINT... [--containers N] [--service NAME]
//               [--seconds S] [--warmup S]
// Waits until N containers deliver samples, then measures for S seconds.
// Prints "measuring" when it starts, then one line of key=value figures; base_* is the same lag measured for
// --warmup seconds before the view opens (the machine's own load).

#include "models/clusterstore.h"
#include "models/servicetablemodel.h"
#include "models/statscollector.h"
#include "models/statstablemodel.h"
#include "ui/stats/statsview.h"

#include "processprobe.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace cape;
using namespace cape::bench;

namespace {

int sampledContainers(const StatsCollector &collector)
{
    const auto containers = collector.containers();
    return int(std::count_if(containers.begin(), containers.end(),
                             [](const StatsCollector::Container *c) { return !c->series.isEmpty(); }));
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption(
        {QStringLiteral("connect"), QStringLiteral("manager endpoint"), QStringLiteral("endpoint")});
    parser.addOption(
        {QStringLiteral("node"), QStringLiteral("a node's engine (repeatable)"), QStringLiteral("endpoint")});
    parser.addOption({QStringLiteral("containers"), QStringLiteral("containers to wait for"),
                      QStringLiteral("n"), QStringLiteral("200")});
    parser.addOption(
        {QStringLiteral("service"), QStringLiteral("service to select halfway"), QStringLiteral("name")});
    parser.addOption({QStringLiteral("seconds"), QStringLiteral("measured seconds"), QStringLiteral("s"),
                      QStringLiteral("60")});
    parser.addOption({QStringLiteral("warmup"), QStringLiteral("seconds before measuring"),
                      QStringLiteral("s"), QStringLiteral("5")});
    parser.process(app);

    DockerEndpoint endpoint;
    QString error;
    if (!DockerEndpoint::parse(parser.value(QStringLiteral("connect")), &endpoint, &error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    QList<DockerEndpoint> nodes;
    for (const QString &spec : parser.values(QStringLiteral("node"))) {
        DockerEndpoint node = endpoint;
        if (!DockerEndpoint::parse(spec, &node, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 2;
        }
        nodes << node;
    }
    const int wanted = parser.value(QStringLiteral("containers")).toInt();
    const QString serviceName = parser.value(QStringLiteral("service"));
    const int seconds = parser.value(QStringLiteral("seconds")).toInt();
    const int warmup = parser.value(QStringLiteral("warmup")).toInt();

    ClusterStore store;
    store.connectTo(endpoint, nodes);
    StatsView *view = nullptr;
    LoopLagProbe probe;
    QList<double> baseline;
    QElapsedTimer clock;
    double cpuAtStart = 0;
    qint64 samplesAtStart = 0;
    QTimer waitForContainers;

    const auto measure = [&] {
        cpuAtStart = cpuSeconds();
        samplesAtStart = view->collector()->samplesReceived();
        probe.reset();
        probe.setMeasuring(true);
        clock.start();
        // For the script that times the engines over the same window.
        std::printf("measuring\n");
        std::fflush(stdout);
        if (!serviceName.isEmpty()) {
            QTimer::singleShot(seconds * 500, view, [&] {
                for (const ServiceRecord &service : store.services()->records()) {
                    if (service.name == serviceName) {
                        view->setGrouping(StatsCollector::Group::Service);
                        view->select(service.id);
                    }
                }
            });
        }
        QTimer::singleShot(seconds * 1000, view, [&] {
            const double elapsed = double(clock.nsecsElapsed()) / 1e9;
            const StatsCollector &collector = *view->collector();
            std::printf(
                "containers=%d samples_per_s=%.0f lag_p50_ms=%.2f lag_p99_ms=%.2f lag_max_ms=%.2f "
                "base_p50_ms=%.2f "
                "base_p99_ms=%.2f base_max_ms=%.2f cpu_pct=%.1f rss_mib=%.1f peak_rss_mib=%.1f selected=%s "
                "problems=%d\n",
                sampledContainers(collector), double(collector.samplesReceived() - samplesAtStart) / elapsed,
                percentile(probe.lateness(), 0.5), percentile(probe.lateness(), 0.99),
                percentile(probe.lateness(), 1.0), percentile(baseline, 0.5), percentile(baseline, 0.99),
                percentile(baseline, 1.0), (cpuSeconds() - cpuAtStart) / elapsed * 100,
                double(rssKiB()) / 1024, double(probe.peakRssKiB()) / 1024,
                qPrintable(view->detailTitle().replace(u' ', u'_')), int(collector.problems().size()));
            QCoreApplication::exit(0);
        });
    };
    const auto openView = [&] {
        view = new StatsView(&store);
        view->resize(1440, 900);
        view->show();
        // Stream by stream the containers come in; then the warm-up.
        QObject::connect(&waitForContainers, &QTimer::timeout, view, [&] {
            if (sampledContainers(*view->collector()) < wanted)
                return;
            waitForContainers.stop();
            QTimer::singleShot(warmup * 1000, view, measure);
        });
        waitForContainers.start(200);
    };
    QObject::connect(&store, &ClusterStore::loaded, [&] {
        probe.start();
        probe.setMeasuring(true);
        QTimer::singleShot(warmup * 1000, [&] {
            baseline = probe.lateness();
            probe.setMeasuring(false);
            openView();
        });
    });
    QTimer::singleShot((2 * warmup + seconds + 120) * 1000, [&] {
        std::fprintf(stderr, "timed out (%d of %d containers sampled)\n",
                     view ? sampledContainers(*view->collector()) : 0, wanted);
        QCoreApplication::exit(3);
    });
    const int rc = app.exec();
    delete view;
    return rc;
}
