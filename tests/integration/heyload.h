#pragma once

// hey (a Debian package) as the load for zero-downtime tests: a steady rate
// of HTTP requests, and what became of them.
#include <QMap>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QTest>

#include <functional>

namespace cape::test {

// What hey saw: answers by status, and any error at all.
//
// Zero-downtime tests assert what became of every request sent (failed() ==
// 0) and that the load ran at all (sentThroughout); the rate hey reached is
// reported, never asserted: on a busy 2-core machine it can be a third of
// the 1,000/s asked for, and that says nothing about the proxy.
struct LoadReport
{
    QMap<int, int> byStatus;
    int errors = 0;
    double requestsPerSecond = 0;
    QString text;

    int total() const
    {
        int sum = errors;
        for (const int count : byStatus)
            sum += count;
        return sum;
    }
    int failed() const { return total() - byStatus.value(200); }
    // At least one request a second over the run: the load was on while
    // the change happened (a hey that could not start or connect sends none).
    bool sentThroughout(int seconds) const { return total() >= seconds; }
    QString summary() const
    {
        return QStringLiteral("%1 requests (%2/s), %3 failed")
            .arg(total())
            .arg(requestsPerSecond, 0, 'f', 0)
            .arg(failed());
    }
};

inline LoadReport parseHey(const QString &output)
{
    LoadReport report;
    report.text = output;
    const qsizetype statusAt = output.indexOf(QLatin1String("Status code distribution:"));
    const qsizetype errorAt = output.indexOf(QLatin1String("Error distribution:"));
    static const QRegularExpression line(QStringLiteral(R"(\[(\d+)\]\s+(\d+) (responses|errors)?)"));
    if (statusAt >= 0) {
        const QString section = output.mid(statusAt, errorAt > statusAt ? errorAt - statusAt : -1);
        for (auto it = line.globalMatch(section); it.hasNext();) {
            const auto match = it.next();
            report.byStatus[match.captured(1).toInt()] += match.captured(2).toInt();
        }
    }
    static const QRegularExpression rate(QStringLiteral(R"(Requests/sec:\s+([0-9.]+))"));
    if (const auto match = rate.match(output); match.hasMatch())
        report.requestsPerSecond = match.captured(1).toDouble();
    if (errorAt >= 0) {
        // "  [12]	Get "http://…": dial tcp …: connection refused"
        static const QRegularExpression count(QStringLiteral(R"(^\s+\[(\d+)\])"),
                                              QRegularExpression::MultilineOption);
        for (auto it = count.globalMatch(output.mid(errorAt)); it.hasNext();)
            report.errors += it.next().captured(1).toInt();
    }
    return report;
}

// 1,000 requests/s (20 keep-alive clients at 50/s each) for some seconds
// to url with a Host header; `during` runs once the load is on, in the
// event loop.
inline LoadReport underLoad(const QString &url, const QString &host, int seconds,
                            const std::function<void()> &during)
{
    QProcess hey;
    hey.setProcessChannelMode(QProcess::MergedChannels);
    hey.start(QStringLiteral("hey"),
              {QStringLiteral("-z"), QStringLiteral("%1s").arg(seconds), QStringLiteral("-c"),
               QStringLiteral("20"), QStringLiteral("-q"), QStringLiteral("50"), QStringLiteral("-t"),
               QStringLiteral("20"), QStringLiteral("-host"), host, url});
    if (!hey.waitForStarted(5000))
        return parseHey(QStringLiteral("hey did not start: ") + hey.errorString());
    QTest::qWait(3000);
    during();
    hey.waitForFinished((seconds + 40) * 1000);
    return parseHey(QString::fromUtf8(hey.readAll()));
}

} // namespace cape::test
