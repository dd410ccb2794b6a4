// Search over a full log panel: fills a LogModel with N realistic lines from
// three replicas (as they would arrive, interleaved and a little late), then
// times searches the way the panel runs them (setQuery until searchFinished).
// Writes the same lines to a file so that grep can be timed on them alongside.
//
//   bench_logsearch [--lines N] [--runs R] [--write FILE]
// Prints "name median_ms min_ms matches" per query, and the memory held.

#include "models/logmodel.h"

#include "processprobe.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QRandomGenerator>
#include <QTextStream>
#include <QTimer>

#include <algorithm>
#include <cstdio>

using namespace cape;
using cape::bench::rssKiB;

namespace {

QByteArray makeLine(QRandomGenerator &random, qint64 i)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE"};
    static const char *const paths[] = {"/api/orders", "/api/users/42", "/health", "/static/app.js",
                                        "/api/cart/checkout"};
    static const int statuses[] = {200, 200, 200, 201, 204, 301, 404, 500, 503};
    const quint32 r = random.generate();
    if (r % 97 == 0)
        return QByteArray("ERROR upstream connection refused while reading response header, request id ") +
               QByteArray::number(i, 16);
    return QByteArray("10.0.") + QByteArray::number(r % 255) + '.' + QByteArray::number((r >> 8) % 255) +
           " - - \"" + methods[r % 4] + ' ' + paths[(r >> 4) % 5] + " HTTP/1.1\" " +
           QByteArray::number(statuses[(r >> 12) % 9]) + ' ' + QByteArray::number((r >> 16) % 20000) +
           " \"Mozilla/5.0 (X11; Linux x86_64)\" rt=0." + QByteArray::number((r >> 3) % 999);
}

// Runs the event loop until the search in flight is done; false on timeout.
bool waitForSearch(LogModel &model)
{
    if (!model.isSearching())
        return true;
    QEventLoop loop;
    QObject::connect(&model, &LogModel::searchFinished, &loop, &QEventLoop::quit);
    QTimer::singleShot(60000, &loop, [&loop] { loop.exit(1); });
    return loop.exec() == 0;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({QStringLiteral("lines"), QStringLiteral("lines to buffer"), QStringLiteral("N"),
                      QStringLiteral("1000000")});
    parser.addOption(
        {QStringLiteral("runs"), QStringLiteral("runs per query"), QStringLiteral("R"), QStringLiteral("5")});
    parser.addOption(
        {QStringLiteral("write"), QStringLiteral("also write the lines here"), QStringLiteral("FILE")});
    parser.process(app);
    const qint64 lines = parser.value(QStringLiteral("lines")).toLongLong();
    const int runs = parser.value(QStringLiteral("runs")).toInt();

    const qint64 rssBefore = rssKiB();
    LogModel model(lines);
    QFile out(parser.value(QStringLiteral("write")));
    const bool writing = !out.fileName().isEmpty() && out.open(QIODevice::WriteOnly | QIODevice::Truncate);
    QRandomGenerator random(42);
    const qint64 t0 = 1'764'000'000'000'000'000LL;
    QElapsedTimer fill;
    fill.start();
    for (qint64 i = 0; i < lines; ++i) {
        const QByteArray text = makeLine(random, i);
        // Three replicas, each a few lines behind the others now and then.
        model.append(t0 + i * 1000 - qint64(random.bounded(3)) * 1500, int(i % 3),
                     LogFrameDecoder::Stream::Stdout, text);
        if (writing) {
            out.write(text);
            out.write("\n", 1);
        }
        if (i % 500 == 499)
            model.flush(); // as the 50 ms merge tick would, at 10,000 lines/s
    }
    model.flush();
    out.close();
    std::printf("filled %lld lines in %lld ms, RSS +%.1f MiB\n", qlonglong(model.bufferedCount()),
                qlonglong(fill.elapsed()), double(rssKiB() - rssBefore) / 1024);

    struct Case
    {
        const char *name;
        LogMatcher::Query query;
    };
    const Case cases[] = {
        {"plain-case-sensitive", {QStringLiteral("connection refused"), false, true}},
        {"plain-ignore-case", {QStringLiteral("CONNECTION REFUSED"), false, false}},
        {"regex", {QStringLiteral("\" 50[03] \\d+"), true, true}},
        {"regex-ignore-case", {QStringLiteral("post /api/\\w+/checkout"), true, false}},
    };
    for (const Case &c : cases) {
        QList<qint64> times;
        qsizetype matches = 0;
        for (int run = 0; run < runs; ++run) {
            model.setQuery({}); // start from no search each time
            waitForSearch(model);
            QElapsedTimer clock;
            clock.start();
            model.setQuery(c.query);
            if (!waitForSearch(model)) {
                std::fprintf(stderr, "search %s did not finish\n", c.name);
                return 1;
            }
            times.append(clock.nsecsElapsed() / 1000);
            matches = model.matchCount();
        }
        std::sort(times.begin(), times.end());
        std::printf("%s %.1f %.1f %lld\n", c.name, double(times.at(times.size() / 2)) / 1000,
                    double(times.first()) / 1000, qlonglong(matches));
    }
    return 0;
}
