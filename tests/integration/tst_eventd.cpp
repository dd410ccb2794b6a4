#include "redisclusterservers.h"

#include <QDateTime>
#include <QEventLoop>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QTcpServer>
#include <QTest>
#include <QTimer>

#include <csignal>

using namespace cape;

namespace {

// N events queued at once, as the client writes them (each field its JSON),
// spread over 100 processes, half with a ppid.
const char *const FloodScript = R"(
redis.pcall('XGROUP', 'CREATE', KEYS[1], KEYS[1], '$', 'MKSTREAM')
for i = 1, tonumber(ARGV[1]) do
  local ppid = 'null'
  if i % 2 == 0 then ppid = '"parent-' .. (i % 7) .. '"' end
  redis.call('XADD', KEYS[1], '*', 'data', '{"i":' .. i .. '}', 'rid', 'null',
             'timestamp', '"2026-01-01T00:00:00.000Z"', 'domain', '"Load Test"', 'pid', '"p' .. (i % 100) .. '"',
             'ppid', ppid, 'name', '"tick"', 'broadcast', 'true')
end
return 1
)";

quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

qint64 number(const QByteArray &text)
{
    return text.trimmed().toLongLong();
}

// How many queued events the group has handed out and not seen acknowledged.
template<class Redis> qint64 pendingCount(const Redis &redis)
{
    return number(redis
                      .cli({QStringLiteral("XPENDING"), QStringLiteral("process-event-queued"),
                            QStringLiteral("process-event-queued")})
                      .split('\n')
                      .value(0));
}

// Queues n events at once and wakes the servers, as the client does (on a
// server, or a cluster: the script names its key, so redis-cli -c finds it).
template<class Redis> bool queueEvents(const Redis &redis, int n)
{
    const QByteArray queued =
        redis.cli({QStringLiteral("EVAL"), QString::fromLatin1(FloodScript), QStringLiteral("1"),
                   QStringLiteral("process-event-queued"), QString::number(n)});
    redis.cli({QStringLiteral("PUBLISH"), QStringLiteral("process-event-queued"), QStringLiteral("null")});
    return queued == "1";
}

// GET on the daemon's observability listener: status and body.
std::pair<int, QByteArray> httpGet(quint16 port, const QString &path)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port).arg(path)));
    request.setTransferTimeout(5000);
    QNetworkReply *reply = network.get(request);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(6000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    reply->deleteLater();
    return {status, body};
}

// Every one of the flood's events indexed exactly once, nothing left in the
// queue, nothing pending, no error.
template<class Redis> void verifyFloodIndexedOnce(const Redis &redis, int events)
{
    QTRY_COMPARE_WITH_TIMEOUT(number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})), events,
                              60000);
    QTRY_COMPARE_WITH_TIMEOUT(
        number(redis.cli({QStringLiteral("XLEN"), QStringLiteral("process-event-queued")})), 0, 10000);
    // Indexed once each: the persisted stream, which a second indexing
    // would grow, holds exactly one entry per event.
    QCOMPARE(number(redis.cli({QStringLiteral("XLEN"), QStringLiteral("process-load-test-tick-persisted")})),
             events);
    qint64 indexedInPh = 0;
    for (int p = 0; p < 100; ++p)
        indexedInPh +=
            number(redis.cli({QStringLiteral("ZCARD"), QStringLiteral("ph:load-test:p%1").arg(p)}));
    QCOMPARE(indexedInPh, events);
    QCOMPARE(number(redis.cli({QStringLiteral("ZCARD"), QStringLiteral("phon:tick")})), events);
    qint64 withParent = 0;
    for (int parent = 0; parent < 7; ++parent)
        withParent +=
            number(redis.cli({QStringLiteral("ZCARD"), QStringLiteral("phopp:parent-%1").arg(parent)}));
    QCOMPARE(withParent, events / 2);
    QTRY_COMPARE_WITH_TIMEOUT(pendingCount(redis), 0, 10000);
    QCOMPARE(number(redis.cli({QStringLiteral("EXISTS"), QStringLiteral("process-error-queued")})), 0);
}

} // namespace

// cape-eventd against a real Redis: bad input, crashes, several replicas,
// Redis going away, SIGTERM.
class TestEventd : public QObject
{
    Q_OBJECT

    QList<QProcess *> m_daemons;

    QProcess *startDaemon(const test::RedisServer &redis, const QStringList &args = {},
                          const QString &password = {})
    {
        return startDaemonWith(QStringList{QStringLiteral("--redis"), redis.address()} + args, password);
    }

    QProcess *startDaemonWith(const QStringList &args, const QString &password = {})
    {
        auto *daemon = new QProcess(this);
        if (!password.isEmpty()) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("REDIS_AUTH"), password);
            daemon->setProcessEnvironment(env);
        }
        daemon->setProcessChannelMode(QProcess::MergedChannels);
        daemon->start(QStringLiteral(CAPE_EVENTD_BINARY), args);
        daemon->waitForStarted(5000);
        m_daemons << daemon;
        return daemon;
    }

    // A daemon serving /health and /metrics: the port.
    quint16 startObservedDaemon(const test::RedisServer &redis, const QString &password = {})
    {
        const quint16 port = freePort();
        startDaemon(redis, {QStringLiteral("--metrics-listen"), QStringLiteral("127.0.0.1:%1").arg(port)},
                    password);
        return port;
    }

    // Two replicas share a flood of events; one is killed mid-batch. The
    // survivor (its metrics port returned) finishes: every event once.
    template<class Redis>
    quint16 killOneOfTwoReplicasMidway(const Redis &redis, const QStringList &doomedRedis,
                                       const QStringList &survivorRedis)
    {
        constexpr int Events = 20000;
        if (!queueEvents(redis, Events)) {
            QTest::qFail("the events could not be queued", __FILE__, __LINE__);
            return 0;
        }
        const QStringList quick{QStringLiteral("--batch"), QStringLiteral("200"),
                                QStringLiteral("--reclaim-idle"), QStringLiteral("1000")};
        QProcess *doomed = startDaemonWith(
            doomedRedis + quick + QStringList{QStringLiteral("--consumer"), QStringLiteral("doomed")});
        const quint16 metricsPort = freePort();
        QProcess *survivor = startDaemonWith(
            survivorRedis + quick +
            QStringList{QStringLiteral("--consumer"), QStringLiteral("survivor"),
                        QStringLiteral("--metrics-listen"), QStringLiteral("127.0.0.1:%1").arg(metricsPort)});
        if (!QTest::qWaitFor(
                [&] {
                    return number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})) > Events / 10;
                },
                30000)) {
            QTest::qFail("indexing did not start", __FILE__, __LINE__);
            return 0;
        }
        ::kill(pid_t(doomed->processId()), SIGKILL);
        doomed->waitForFinished(5000);
        // Mid-way, with entries read and not acknowledged.
        if (number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})) >= Events) {
            QTest::qFail("the replica was killed too late to prove anything", __FILE__, __LINE__);
            return 0;
        }
        const QList<QByteArray> doomedPending =
            redis
                .cli({QStringLiteral("XPENDING"), QStringLiteral("process-event-queued"),
                      QStringLiteral("process-event-queued"), QStringLiteral("-"), QStringLiteral("+"),
                      QStringLiteral("100000"), QStringLiteral("doomed")})
                .split('\n');
        qInfo("killed with %d entries pending", int(doomedPending.size() / 4));

        verifyFloodIndexedOnce(redis, Events);
        if (QTest::currentTestFailed())
            return 0;
        if (survivor->state() != QProcess::Running) {
            QTest::qFail("the survivor died", __FILE__, __LINE__);
            return 0;
        }
        // What the killed one had read, the survivor took over.
        const QByteArray metrics = httpGet(metricsPort, QStringLiteral("/metrics")).second;
        if (doomedPending.size() >= 4 && metrics.contains("cape_eventd_reclaimed_total 0\n")) {
            QTest::qFail("the survivor reclaimed nothing", __FILE__, __LINE__);
            return 0;
        }
        return metricsPort;
    }

private slots:
    void cleanup()
    {
        for (QProcess *daemon : std::as_const(m_daemons)) {
            daemon->kill();
            daemon->waitForFinished(5000);
            delete daemon;
        }
        m_daemons.clear();
    }

    void badEntriesGoToTheErrorStreamAndTheQueueMovesOn()
    {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        const quint16 metricsPort = startObservedDaemon(redis);
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(metricsPort, QStringLiteral("/health")).first, 200, 10000);

        const auto xadd = [&](const QStringList &fields) {
            return redis.cli(QStringList{QStringLiteral("XADD"), QStringLiteral("process-event-queued"),
                                         QStringLiteral("*")} +
                             fields);
        };
        const QByteArray notJson =
            xadd({QStringLiteral("domain"), QStringLiteral("{broken"), QStringLiteral("pid"),
                  QStringLiteral("\"p\""), QStringLiteral("name"), QStringLiteral("\"n\"")});
        const QByteArray noPid = xadd({QStringLiteral("domain"), QStringLiteral("\"d\""),
                                       QStringLiteral("name"), QStringLiteral("\"n\"")});
        const QByteArray badTime =
            xadd({QStringLiteral("domain"), QStringLiteral("\"d\""), QStringLiteral("pid"),
                  QStringLiteral("\"p\""), QStringLiteral("name"), QStringLiteral("\"n\""),
                  QStringLiteral("timestamp"), QStringLiteral("\"yesterday-ish\"")});
        const QByteArray good =
            xadd({QStringLiteral("domain"), QStringLiteral("\"d\""), QStringLiteral("pid"),
                  QStringLiteral("\"p\""), QStringLiteral("name"), QStringLiteral("\"n\"")});
        redis.cli(
            {QStringLiteral("PUBLISH"), QStringLiteral("process-event-queued"), QStringLiteral("null")});

        // The good one after them is indexed: nothing stopped the queue.
        QTRY_VERIFY_WITH_TIMEOUT(
            !redis.cli({QStringLiteral("HGET"), QStringLiteral("pd"), QString::fromUtf8(good)}).isEmpty(),
            10000);
        QCOMPARE(number(redis.cli({QStringLiteral("XLEN"), QStringLiteral("process-error-queued")})), 3);
        const QByteArray errors = redis.cli({QStringLiteral("XRANGE"), QStringLiteral("process-error-queued"),
                                             QStringLiteral("-"), QStringLiteral("+")});
        // Each names its entry, says why, and keeps the fields as written.
        for (const QByteArray &id : {notJson, noPid, badTime})
            QVERIFY2(errors.contains(id), errors.constData());
        QVERIFY2(errors.contains("field domain is not JSON"), errors.constData());
        QVERIFY2(errors.contains("the event has no pid"), errors.constData());
        QVERIFY2(errors.contains("is not a date"), errors.constData());
        QVERIFY2(errors.contains("{broken"), errors.constData());
        // All acknowledged: nothing waits for a redelivery that would fail again.
        QTRY_COMPARE_WITH_TIMEOUT(pendingCount(redis), 0, 5000);
        const QByteArray metrics = httpGet(metricsPort, QStringLiteral("/metrics")).second;
        QVERIFY2(metrics.contains("cape_eventd_failed_total 3\n"), metrics.constData());
        QVERIFY2(metrics.contains("cape_eventd_indexed_total 1\n"), metrics.constData());
    }

    void authenticatesWithRedisAuthAndSaysWhenRefused()
    {
        test::RedisServer redis;
        QString error;
        redis.setPassword(QStringLiteral("s3cret"));
        QVERIFY2(redis.start(&error), qPrintable(error));
        const quint16 wrong = startObservedDaemon(redis, QStringLiteral("guess"));
        const quint16 right = startObservedDaemon(redis, QStringLiteral("s3cret"));
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(right, QStringLiteral("/health")).first, 200, 10000);
        QVERIFY(queueEvents(redis, 5));
        QTRY_COMPARE_WITH_TIMEOUT(number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})), 5,
                                  10000);
        // The wrong password: not healthy, says why, keeps trying, does not crash.
        const auto refused = httpGet(wrong, QStringLiteral("/health"));
        QCOMPARE(refused.first, 503);
        QVERIFY2(refused.second.contains("refused the password"), refused.second.constData());
        QCOMPARE(m_daemons.first()->state(), QProcess::Running);
    }

    void aKilledReplicaLosesNothingAndIndexesNothingTwice()
    {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        const QStringList where{QStringLiteral("--redis"), redis.address()};
        QVERIFY(killOneOfTwoReplicasMidway(redis, where, where) != 0);
    }

    void onARedisClusterTooAKilledReplicaLosesNothingAndIndexesNothingTwice()
    {
        constexpr int Events = 20000;
        test::RedisClusterServers cluster;
        QString error;
        QVERIFY2(cluster.start(&error), qPrintable(error));
        // One seed each: they find the other masters themselves.
        const quint16 metricsPort =
            killOneOfTwoReplicasMidway(cluster, {QStringLiteral("--cluster"), cluster.addresses().at(0)},
                                       {QStringLiteral("--cluster"), cluster.addresses().at(2)});
        QVERIFY(metricsPort != 0);
        // The index really is spread: every master holds some of it.
        for (int node = 0; node < test::RedisClusterServers::Masters; ++node)
            QVERIFY(number(cluster.node(node).cli({QStringLiteral("DBSIZE")})) > 0);
        // The markers that made the persisted stream's entries once-only go
        // with their events; those a kill left behind go with the stream's
        // next event once the group shows them settled (its stats, every 5 s).
        const QString markers = QStringLiteral("cape-eventd-added{process-load-test-tick-persisted}");
        // As a kill between acknowledging and removing would leave one:
        QCOMPARE(cluster.cli({QStringLiteral("ZADD"), markers, QStringLiteral("1"), QStringLiteral("1-0")}),
                 QByteArray("1"));
        int events = Events;
        for (int attempt = 0; attempt < 10 && number(cluster.cli({QStringLiteral("ZCARD"), markers})) > 0;
             ++attempt) {
            QTest::qWait(2000);
            QVERIFY(queueEvents(cluster, 1));
            ++events;
            QTRY_COMPARE_WITH_TIMEOUT(number(cluster.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})),
                                      events, 10000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(number(cluster.cli({QStringLiteral("ZCARD"), markers})), 0, 5000);
        QCOMPARE(httpGet(metricsPort, QStringLiteral("/health")).first, 200);

        // A scheduled event, wherever the schedule's slot is, reaches the queue when due and is indexed.
        const QByteArray due = QByteArray::number(QDateTime::currentMSecsSinceEpoch() + 1000);
        const QString later = QStringLiteral(
            R"({"data":{"n":1},"rid":null,"timestamp":"2026-01-01T00:00:00.000Z","domain":"Load Test","pid":"p1","ppid":null,"name":"later"})");
        QCOMPARE(cluster.cli({QStringLiteral("ZADD"), QStringLiteral("process-event-scheduled"),
                              QString::fromLatin1(due), later}),
                 QByteArray("1"));
        cluster.cli(
            {QStringLiteral("PUBLISH"), QStringLiteral("process-event-scheduled"), QString::fromLatin1(due)});
        QTRY_COMPARE_WITH_TIMEOUT(
            number(cluster.cli({QStringLiteral("ZCARD"), QStringLiteral("phon:later")})), 1, 15000);
        QCOMPARE(number(cluster.cli({QStringLiteral("ZCARD"), QStringLiteral("process-event-scheduled")})),
                 0);
        QCOMPARE(number(cluster.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})), events + 1);
    }

    void carriesOnWhenRedisComesBack()
    {
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        const quint16 metricsPort = startObservedDaemon(redis);
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(metricsPort, QStringLiteral("/health")).first, 200, 10000);

        redis.stop();
        const auto down = httpGet(metricsPort, QStringLiteral("/health"));
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(metricsPort, QStringLiteral("/health")).first, 503, 10000);
        QVERIFY2(httpGet(metricsPort, QStringLiteral("/health")).second.contains("lastProblem"),
                 down.second.constData());

        QVERIFY2(redis.start(&error), qPrintable(error)); // the same port, empty
        QTRY_COMPARE_WITH_TIMEOUT(httpGet(metricsPort, QStringLiteral("/health")).first, 200, 20000);
        QVERIFY(queueEvents(redis, 10));
        QTRY_COMPARE_WITH_TIMEOUT(number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})), 10,
                                  10000);
        const QByteArray metrics = httpGet(metricsPort, QStringLiteral("/metrics")).second;
        QVERIFY2(!metrics.contains("cape_eventd_redis_reconnects_total 0\n"), metrics.constData());
    }

    void sigtermFinishesWhatItStartedAndExits()
    {
        constexpr int Events = 20000;
        test::RedisServer redis;
        QString error;
        QVERIFY2(redis.start(&error), qPrintable(error));
        QVERIFY(queueEvents(redis, Events));
        const QStringList args{QStringLiteral("--batch"), QStringLiteral("200"), QStringLiteral("--consumer"),
                               QStringLiteral("one")};
        QProcess *daemon = startDaemon(redis, args);
        QTRY_VERIFY_WITH_TIMEOUT(number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})) > 1000,
                                 30000);
        ::kill(pid_t(daemon->processId()), SIGTERM);
        QVERIFY(daemon->waitForFinished(15000));
        QCOMPARE(daemon->exitStatus(), QProcess::NormalExit);
        QCOMPARE(daemon->exitCode(), 0);
        // Every batch it began is whole; what it had read and not begun waits
        // in its pending list, and the same consumer takes it up at once.
        const qint64 indexed = number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")}));
        QCOMPARE(
            number(redis.cli({QStringLiteral("XLEN"), QStringLiteral("process-load-test-tick-persisted")})),
            indexed);
        startDaemon(redis, args);
        QTRY_COMPARE_WITH_TIMEOUT(number(redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")})), Events,
                                  60000);
        QCOMPARE(
            number(redis.cli({QStringLiteral("XLEN"), QStringLiteral("process-load-test-tick-persisted")})),
            Events);
    }
};

QTEST_GUILESS_MAIN(TestEventd)
#include "tst_eventd.moc"
