// Browsing an eventsource of many events with the desktop's model: how long
// the first page takes to come in and each next page, by the recent events
// (HSCAN of pd) and by a process (its sorted set), and the memory it holds.
// The Redis and its events are the caller's (run-eventsource-bench.sh).
//
//   bench_eventsourcebrowse --redis host:port --domain D --pid P [--pages N]
// Prints one line of key=value figures.

#include "models/eventsourcetablemodel.h"
#include "services/core/hostport.h"
#include "services/eventsource/eventsourceclient.h"

#include "processprobe.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QSignalSpy>
#include <QTimer>

#include <cstdio>

using namespace cape;
using namespace cape::bench;

namespace {

// Until the model has finished the page in flight; ms it took.
double awaitPage(EventsourceTableModel &model)
{
    QElapsedTimer clock;
    clock.start();
    QEventLoop loop;
    QObject::connect(&model, &EventsourceTableModel::loadingChanged, &loop, [&loop](bool loading) {
        if (!loading)
            loop.quit();
    });
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (model.isLoading())
        loop.exec();
    return double(clock.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("redis"), QStringLiteral("host:port"), QStringLiteral("address")});
    parser.addOption(
        {QStringLiteral("domain"), QStringLiteral("a process's domain"), QStringLiteral("domain")});
    parser.addOption({QStringLiteral("pid"), QStringLiteral("a process's pid"), QStringLiteral("pid")});
    parser.addOption({QStringLiteral("pages"), QStringLiteral("pages to scroll through"), QStringLiteral("n"),
                      QStringLiteral("20")});
    parser.process(app);
    const QString address = parser.value(QStringLiteral("redis"));
    const auto where = HostPort::parse(address);
    if (!where) {
        std::fprintf(stderr, "--redis takes host:port\n");
        return 2;
    }
    RedisConnection::Options options;
    options.host = where->host;
    options.port = where->port;
    const int pages = parser.value(QStringLiteral("pages")).toInt();

    EventsourceClient client;
    QSignalSpy ready(&client, &EventsourceClient::ready);
    client.open(options);
    if (!ready.wait(5000)) {
        std::fprintf(stderr, "cannot connect to %s\n", qPrintable(address));
        return 2;
    }
    const qint64 rssBefore = rssKiB();
    EventsourceTableModel model(&client);
    const auto browse = [&](const EventsourceTableModel::Query &query, const char *name) {
        model.setQuery(query);
        const double first = awaitPage(model);
        double next = 0;
        for (int page = 1; page < pages && model.canFetchMore({}); ++page) {
            model.fetchMore({});
            next = std::max(next, awaitPage(model));
        }
        for (int i = 0; i < 100 && model.total() < 0; ++i)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 10);
        std::printf("%s_first_page_ms=%.1f %s_next_page_max_ms=%.1f %s_rows=%d %s_total=%lld ", name, first,
                    name, next, name, model.rowCount(), name, qlonglong(model.total()));
    };
    browse({EventsourceTableModel::Query::Kind::Recent, {}, {}, {}, {}}, "recent");
    browse({EventsourceTableModel::Query::Kind::Process, parser.value(QStringLiteral("domain")),
            parser.value(QStringLiteral("pid")), {}, {}},
           "process");
    std::printf("rss_mib=%.1f\n", double(rssKiB() - rssBefore) / 1024);
    return 0;
}
