// bench_dashboard: the dashboard's live state (ClusterStore and its table
// models, headless) against cape-engine-replay serving a swarm of the given
// size. Per run, on a fresh ClusterStore: connect -> services table full,
// connect -> loaded(); then task state changes, each POSTed to the replay's
// control endpoint, timed from the event line reaching the store to the
// task's row changing; resident memory after load. Last, GET /tasks fetched
// and decoded step by step, to show what the load spends its time on.
// Prints a markdown table.

#include "replaycontrol.h"

#include "models/backgrounddecode.h"
#include "models/clusterstore.h"
#include "models/eventlogmodel.h"
#include "models/jsonpath.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockerendpoint.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <functional>

#include <malloc.h>

using namespace cape;

namespace {

QElapsedTimer g_clock;
double nowMs()
{
    return double(g_clock.nsecsElapsed()) / 1e6;
}

// A nested event loop that ends as soon as its condition holds. Every
// handler that can make it hold calls poke(): nothing polls, the loop sleeps
// between events as the application's would.
struct Wait
{
    QEventLoop loop;
    std::function<bool()> done;
};
Wait *g_wait = nullptr;

void poke()
{
    if (g_wait && g_wait->done())
        g_wait->loop.quit();
}

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    if (done())
        return true;
    Wait wait;
    wait.done = done;
    Wait *outer = std::exchange(g_wait, &wait);
    QTimer::singleShot(timeoutMs, &wait.loop, &QEventLoop::quit);
    wait.loop.exec();
    g_wait = outer;
    return done();
}

void idle(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

// A field of /proc/self/status in MiB ("VmRSS", "VmHWM").
double procStatusMiB(const char *key)
{
    QFile file(QStringLiteral("/proc/self/status"));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray prefix = QByteArray(key) + ':';
    for (const QByteArray &line : file.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed().split(' ').first().toDouble() / 1024.0;
    }
    return -1;
}

struct Stats
{
    double median = 0;
    double p95 = 0;
    double min = 0;
    double max = 0;
    int n = 0;
};

Stats statsOf(QList<double> values)
{
    Stats s;
    s.n = int(values.size());
    if (values.isEmpty())
        return s;
    std::sort(values.begin(), values.end());
    const qsizetype n = values.size();
    s.median = n % 2 ? values.at(n / 2) : (values.at(n / 2 - 1) + values.at(n / 2)) / 2;
    s.p95 = values.at(std::clamp<qsizetype>(qsizetype(std::ceil(0.95 * double(n))) - 1, 0, n - 1));
    s.min = values.first();
    s.max = values.last();
    return s;
}

QString ms(double value)
{
    if (value < 10)
        return QString::number(value, 'f', 2) + QStringLiteral(" ms");
    return QString::number(value, 'f', 0) + QStringLiteral(" ms");
}

// What one task state change saw, in ms on g_clock (-1: not yet).
struct Probe
{
    bool active = false;
    QString taskId;
    QString serviceId;
    int slot = 0;
    double posted = -1;
    double event = -1;
    double row = -1;
    double answered = -1;
    double replacement = -1;
};

struct Samples
{
    QList<double> toNegotiated;
    QList<double> toNodes;
    QList<double> toServices;
    QList<double> toTasks;
    QList<double> toLoaded;
    QList<double> eventToRow;
    QList<double> postToRow;
    QList<double> postToAnswer;
    QList<double> postToReplacement;
    QList<double> rssAfterLoad;
    QList<double> rssAfterChanges;
    double rssBefore = 0;
    double rssTrimmed = 0;
    int missedChanges = 0;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    g_clock.start();

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Times the dashboard's live state against cape-engine-replay."));
    parser.addHelpOption();
    const QCommandLineOption replayOption(
        QStringLiteral("replay"), QStringLiteral("The cape-engine-replay program."), QStringLiteral("path"),
        QCoreApplication::applicationDirPath() + QStringLiteral("/cape-engine-replay"));
    const QCommandLineOption socketOption(
        QStringLiteral("socket"), QStringLiteral("The replay's socket."), QStringLiteral("path"),
        QDir::temp().filePath(QStringLiteral("cape-bench-%1.sock").arg(QCoreApplication::applicationPid())));
    const QCommandLineOption nodesOption(QStringLiteral("nodes"), QStringLiteral("Nodes."),
                                         QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption servicesOption(QStringLiteral("services"), QStringLiteral("Services."),
                                            QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption tasksOption(QStringLiteral("tasks"), QStringLiteral("Tasks."),
                                         QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption repeatOption(QStringLiteral("repeat"),
                                          QStringLiteral("Runs, each on a fresh store."), QStringLiteral("n"),
                                          QStringLiteral("5"));
    const QCommandLineOption changesOption(QStringLiteral("changes"),
                                           QStringLiteral("Task state changes per run."), QStringLiteral("n"),
                                           QStringLiteral("100"));
    const QCommandLineOption resultsOption(QStringLiteral("results"),
                                           QStringLiteral("Also write the medians as key=value lines here."),
                                           QStringLiteral("file"));
    parser.addOptions({replayOption, socketOption, nodesOption, servicesOption, tasksOption, repeatOption,
                       changesOption, resultsOption});
    parser.process(app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    const int services = parser.value(servicesOption).toInt();
    const int tasks = parser.value(tasksOption).toInt();
    const int repeat = std::max(1, parser.value(repeatOption).toInt());
    const int changes = std::max(0, parser.value(changesOption).toInt());
    const QString socketPath = parser.value(socketOption);

    ReplayControl replay;
    QString error;
    const double startedReplay = nowMs();
    if (!replay.start(parser.value(replayOption),
                      {QStringLiteral("--socket"), socketPath, QStringLiteral("--nodes"),
                       parser.value(nodesOption), QStringLiteral("--services"), QString::number(services),
                       QStringLiteral("--tasks"), QString::number(tasks)},
                      300000, &error)) {
        err << "bench_dashboard: " << error << Qt::endl;
        return 1;
    }
    replay.setSocketPath(socketPath);
    err << "bench_dashboard: " << replay.readyLine() << " (" << qint64(nowMs() - startedReplay) << " ms)"
        << Qt::endl;

    DockerEndpoint endpoint;
    if (!DockerEndpoint::parse(QStringLiteral("unix://") + socketPath, &endpoint, &error)) {
        err << "bench_dashboard: " << error << Qt::endl;
        return 1;
    }

    Samples samples;
    samples.rssBefore = procStatusMiB("VmRSS");
    for (int run = 0; run < repeat; ++run) {
        auto *store = new ClusterStore;
        double t0 = 0;
        double negotiated = -1, nodesIn = -1, servicesIn = -1, tasksIn = -1, loaded = -1;
        Probe probe;
        QObject::connect(store->nodes(), &QAbstractItemModel::rowsInserted, store, [&] {
            if (nodesIn < 0 && store->nodes()->rowCount() > 0)
                nodesIn = nowMs();
        });
        QObject::connect(store->services(), &QAbstractItemModel::rowsInserted, store, [&] {
            if (servicesIn < 0 && store->services()->rowCount() >= services)
                servicesIn = nowMs();
            poke();
        });
        QObject::connect(store->tasks(), &QAbstractItemModel::rowsInserted, store,
                         [&](const QModelIndex &, int first, int last) {
                             if (tasksIn < 0 && store->tasks()->rowCount() >= tasks)
                                 tasksIn = nowMs();
                             if (probe.active && probe.replacement < 0) {
                                 for (int r = first; r <= last; ++r) {
                                     const TaskRecord &task = store->tasks()->at(r);
                                     if (task.serviceId == probe.serviceId && task.slot == probe.slot &&
                                         task.id != probe.taskId && task.isRunning())
                                         probe.replacement = nowMs();
                                 }
                             }
                             poke();
                         });
        QObject::connect(store, &ClusterStore::loaded, store, [&] {
            loaded = nowMs();
            poke();
        });
        // The event line has been read and decoded: ClusterStore::onEvent
        // logs it before it acts on it.
        QObject::connect(store->events(), &QAbstractItemModel::rowsInserted, store,
                         [&](const QModelIndex &, int first, int last) {
                             if (!probe.active || probe.event >= 0)
                                 return;
                             for (int r = first; r <= last; ++r) {
                                 const EventLogModel::Entry &entry = store->events()->at(r);
                                 if (entry.action == QLatin1String("die") &&
                                     entry.object.endsWith(probe.taskId))
                                     probe.event = nowMs();
                             }
                             poke();
                         });
        QObject::connect(store->tasks(), &QAbstractItemModel::dataChanged, store,
                         [&](const QModelIndex &topLeft, const QModelIndex &bottomRight) {
                             if (!probe.active || probe.row >= 0)
                                 return;
                             const int row = store->tasks()->rowOf(probe.taskId);
                             if (row >= topLeft.row() && row <= bottomRight.row() &&
                                 store->tasks()->at(row).state == QLatin1String("failed"))
                                 probe.row = nowMs();
                             poke();
                         });

        t0 = nowMs();
        store->connectTo(endpoint);
        QObject::connect(store->client(), &DockerClient::apiVersionNegotiated, store,
                         [&] { negotiated = nowMs(); });
        if (!waitFor([&] { return loaded >= 0 && servicesIn >= 0; }, 120000)) {
            err << "bench_dashboard: run " << run + 1 << " did not load: " << store->stateMessage()
                << Qt::endl;
            return 1;
        }
        if (store->state() != ClusterStore::State::Live) {
            err << "bench_dashboard: run " << run + 1 << ": " << store->stateMessage() << Qt::endl;
            return 1;
        }
        samples.toNegotiated << negotiated - t0;
        samples.toNodes << nodesIn - t0;
        samples.toServices << servicesIn - t0;
        samples.toTasks << (tasksIn >= 0 ? tasksIn - t0 : loaded - t0);
        samples.toLoaded << loaded - t0;
        // What follows a load (stacks rebuilt on a 0 ms timer) is done first.
        idle(300);
        samples.rssAfterLoad << procStatusMiB("VmRSS");
        if (run == 0) {
            // How much of that is live data, and how much memory malloc
            // keeps after the decode freed it (diagnostic only).
            malloc_trim(0);
            samples.rssTrimmed = procStatusMiB("VmRSS");
        }

        // One running task from each of `changes` services spread over the list.
        QHash<QString, const TaskRecord *> firstRunning;
        for (const TaskRecord &task : store->tasks()->records()) {
            if (task.isRunning() && task.isDesiredRunning() && !firstRunning.contains(task.serviceId))
                firstRunning.insert(task.serviceId, &task);
        }
        QStringList serviceIds = firstRunning.keys();
        std::sort(serviceIds.begin(), serviceIds.end());
        QList<TaskRecord> picked;
        const int count = std::min<int>(changes, int(serviceIds.size()));
        for (int i = 0; i < count; ++i)
            picked << *firstRunning.value(serviceIds.at(qsizetype(i) * serviceIds.size() / count));

        for (const TaskRecord &task : std::as_const(picked)) {
            probe = Probe();
            probe.active = true;
            probe.taskId = task.id;
            probe.serviceId = task.serviceId;
            probe.slot = task.slot;
            probe.posted = nowMs();
            replay.post(QStringLiteral("/_replay/task-state?task=%1&state=failed&replace=1").arg(task.id),
                        [&probe](int status, const QByteArray &body) {
                            if (status != 200)
                                QTextStream(stderr)
                                    << "bench_dashboard: task-state: " << status << ' ' << body;
                            probe.answered = nowMs();
                            poke();
                        });
            const bool seen =
                waitFor([&] { return probe.row >= 0 && probe.answered >= 0 && probe.event >= 0; }, 5000);
            // Let the store's re-list of the service (300 ms after a die)
            // bring in the replacement, so that changes do not overlap.
            waitFor([&] { return probe.replacement >= 0; }, 3000);
            probe.active = false;
            if (!seen) {
                ++samples.missedChanges;
                continue;
            }
            samples.eventToRow << probe.row - probe.event;
            samples.postToRow << probe.row - probe.posted;
            samples.postToAnswer << probe.answered - probe.posted;
            if (probe.replacement >= 0)
                samples.postToReplacement << probe.replacement - probe.posted;
        }
        samples.rssAfterChanges << procStatusMiB("VmRSS");
        err << "bench_dashboard: run " << run + 1 << '/' << repeat << ": services " << ms(servicesIn - t0)
            << ", loaded " << ms(loaded - t0) << ", RSS "
            << QString::number(samples.rssAfterLoad.last(), 'f', 0) << " MiB, " << picked.size() << " changes"
            << Qt::endl;

        delete store;
        idle(50);
        bool reset = false;
        replay.post(QStringLiteral("/_replay/reset"), [&reset](int, const QByteArray &) {
            reset = true;
            poke();
        });
        waitFor([&] { return reset; }, 30000);
    }

    // Before the diagnostic below, which has a peak of its own.
    const double hwm = procStatusMiB("VmHWM");

    // What decoding GET /tasks costs, step by step, on one thread (the
    // store does it on the thread pool): the JSON parse, the records, and
    // within those the two timestamps each task carries.
    QList<double> fetchMs, parseMs, decodeMs, timestampsMs;
    double bodyMiB = 0;
    {
        DockerClient client(endpoint);
        for (int i = 0; i < 3; ++i) {
            DockerRequest request = DockerRequest::get(QStringLiteral("/tasks"));
            request.decodeJson = false;
            QByteArray body;
            bool got = false;
            double t = nowMs();
            client.send(request)->then(&client, [&](DockerReply *reply) {
                body = reply->body();
                got = true;
                poke();
            });
            waitFor([&] { return got; }, 60000);
            if (body.isEmpty())
                break;
            fetchMs << nowMs() - t;
            bodyMiB = double(body.size()) / 1024 / 1024;
            t = nowMs();
            const QJsonArray array = QJsonDocument::fromJson(body).array();
            parseMs << nowMs() - t;
            t = nowMs();
            qint64 sum = 0;
            for (const QJsonValue &value : array) {
                const QJsonObject task = value.toObject();
                sum += json::timeMs(task.value(QLatin1String("CreatedAt"))) +
                       json::timeMs(json::at(task, {"Status", "Timestamp"}));
            }
            timestampsMs << nowMs() - t;
            t = nowMs();
            const DecodedList<TaskRecord> decoded = decodeList<TaskRecord>(body);
            decodeMs << nowMs() - t;
            if (sum == 0 || decoded.records.isEmpty())
                err << "bench_dashboard: GET /tasks decoded to nothing" << Qt::endl;
        }
    }

    const auto row = [&](const QString &what, const QList<double> &values, const QString &target) {
        const Stats s = statsOf(values);
        out << "| " << what << " | " << ms(s.median) << " | " << ms(s.p95) << " | " << ms(s.min) << " | "
            << ms(s.max) << " | " << s.n << " | " << target << " |\n";
        return s;
    };
    out << "| measure (ClusterStore, headless) | median | p95 | min | max | n | target |\n";
    out << "| --- | --- | --- | --- | --- | --- | --- |\n";
    row(QStringLiteral("connect → API version negotiated"), samples.toNegotiated, {});
    row(QStringLiteral("connect → nodes table filled"), samples.toNodes, {});
    const Stats toServices = row(QStringLiteral("connect → services table holds all %1 rows").arg(services),
                                 samples.toServices, QStringLiteral("< 1 s"));
    row(QStringLiteral("connect → tasks table holds all %1 rows").arg(tasks), samples.toTasks, {});
    const Stats toLoaded =
        row(QStringLiteral("connect → loaded() (every list applied)"), samples.toLoaded, {});
    row(QStringLiteral("GET /tasks (%1 MiB) through DockerClient, no decode").arg(bodyMiB, 0, 'f', 1),
        fetchMs, {});
    row(QStringLiteral("GET /tasks decode on one thread: decodeList<TaskRecord>"), decodeMs, {});
    row(QStringLiteral("… of which the JSON parse (QJsonDocument::fromJson)"), parseMs, {});
    row(QStringLiteral("… of which the timestamps (json::timeMs, 2 per task)"), timestampsMs, {});
    const Stats eventToRow = row(QStringLiteral("task change: event line in → task row changed"),
                                 samples.eventToRow, QStringLiteral("< 5 ms"));
    const Stats postToRow =
        row(QStringLiteral("task change: POST → task row changed (round trip)"), samples.postToRow, {});
    row(QStringLiteral("task change: POST → control answer"), samples.postToAnswer, {});
    row(QStringLiteral("task change: POST → replacement listed (300 ms re-list delay included)"),
        samples.postToReplacement, {});
    const Stats rss = statsOf(samples.rssAfterLoad);
    const Stats rssChanges = statsOf(samples.rssAfterChanges);
    out << "| VmRSS after load (first run; highest of " << rss.n << ") | "
        << QString::number(samples.rssAfterLoad.value(0), 'f', 0) << " MiB | | | "
        << QString::number(rss.max, 'f', 0) << " MiB | " << rss.n << " | < 200 MB |\n";
    out << "| VmRSS before the first connect (Qt, the process) | "
        << QString::number(samples.rssBefore, 'f', 0) << " MiB | | | | 1 | |\n";
    out << "| VmRSS after load, first run, after malloc_trim(0) (diagnostic) | "
        << QString::number(samples.rssTrimmed, 'f', 0) << " MiB | | | | 1 | |\n";
    out << "| VmRSS after the changes (highest) | " << QString::number(rssChanges.max, 'f', 0)
        << " MiB | | | | " << rssChanges.n << " | |\n";
    out << "| VmHWM (peak RSS of the process) | " << QString::number(hwm, 'f', 0) << " MiB | | | | 1 | |\n";
    if (samples.missedChanges)
        out << "\n" << samples.missedChanges << " task changes were not seen within 5 s.\n";
    out.flush();

    if (parser.isSet(resultsOption)) {
        QFile file(parser.value(resultsOption));
        if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
            QTextStream results(&file);
            results << "services_ms=" << toServices.median << '\n'
                    << "loaded_ms=" << toLoaded.median << '\n'
                    << "event_to_row_ms=" << eventToRow.median << '\n'
                    << "event_to_row_p95_ms=" << eventToRow.p95 << '\n'
                    << "post_to_row_ms=" << postToRow.median << '\n'
                    << "rss_first_mib=" << samples.rssAfterLoad.value(0) << '\n'
                    << "rss_max_mib=" << rss.max << '\n'
                    << "rss_before_mib=" << samples.rssBefore << '\n'
                    << "rss_trimmed_mib=" << samples.rssTrimmed << '\n'
                    << "hwm_mib=" << hwm << '\n'
                    << "fetch_ms=" << statsOf(fetchMs).median << '\n'
                    << "decode_ms=" << statsOf(decodeMs).median << '\n'
                    << "decode_parse_ms=" << statsOf(parseMs).median << '\n'
                    << "decode_timestamps_ms=" << statsOf(timestampsMs).median << '\n';
        }
    }
    return samples.missedChanges ? 1 : 0;
}
