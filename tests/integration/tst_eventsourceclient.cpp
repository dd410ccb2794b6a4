#include "eventsourcereference.h"
#include "redisserver.h"

#include "services/eventsource/eventsourceclient.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>

using namespace cape;
using Client = EventsourceClient;

namespace {

// Runs the event loop until the callback has answered.
template<typename Result> struct Answer
{
    std::optional<Result> value;
    QString error;
    bool wait(int timeoutMs = 10000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!value.has_value() && error.isEmpty() && !deadline.hasExpired())
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        return value.has_value() || !error.isEmpty();
    }
};

Client::Input counterEvent(int i, const QString &pid = QStringLiteral("k-1"))
{
    Client::Input input;
    input.domain = QStringLiteral("Counter");
    input.pid = pid;
    input.name = QStringLiteral("incremented");
    input.timestamp = QDateTime(QDate(2026, 1, 3), QTime(0, 0, i), Qt::UTC);
    input.data = QJsonObject{{QStringLiteral("n%1").arg(i), i},
                             {QStringLiteral("total"), QJsonObject{{QStringLiteral("value"), i}}}};
    return input;
}

} // namespace

// The Qt eventsource client against cape-eventd on a real Redis, and what
// it writes read back by the Superhero client (npm, unchanged).
class TestEventsourceClient : public QObject
{
    Q_OBJECT

    test::RedisServer m_redis;
    QProcess m_daemon;
    Client m_client;

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_redis.start(&error), qPrintable(error));
        m_daemon.setProcessChannelMode(QProcess::MergedChannels);
        m_daemon.start(QStringLiteral(CAPE_EVENTD_BINARY), {QStringLiteral("--redis"), m_redis.address()});
        QVERIFY(m_daemon.waitForStarted(5000));
        RedisConnection::Options options;
        options.port = m_redis.port();
        QSignalSpy ready(&m_client, &Client::ready);
        m_client.open(options);
        QVERIFY(ready.wait(5000));
    }

    void cleanupTestCase()
    {
        m_daemon.terminate();
        m_daemon.waitForFinished(10000);
    }

    void writesWhatTheServerIndexesAndReadsItBack()
    {
        // wait() first, then the events: it answers with the one named.
        Answer<Client::Event> waited;
        bool happy = false;
        m_client.wait(QStringLiteral("Counter"), QStringLiteral("k-1"), {QStringLiteral("finished")},
                      {QStringLiteral("failed")}, 10000,
                      [&](const std::optional<Client::Event> &event, bool wasHappy, const QString &error) {
                          waited.value = event;
                          waited.error = error;
                          happy = wasHappy;
                      });
        QList<Client::Event> seen;
        const Client::SubscriptionId subscription =
            m_client.subscribe(QStringLiteral("Counter"), QStringLiteral("incremented"),
                               [&](const Client::Event &event) { seen << event; });
        auto unsubscribe = qScopeGuard([&] { m_client.unsubscribe(subscription); }); // seen is this test's
        QTest::qWait(200);                                                           // subscribed

        QString firstId;
        for (int i = 0; i < 12; ++i) {
            Answer<QString> written;
            m_client.write(counterEvent(i), [&](const QString &id, const QString &error) {
                written.value = id;
                written.error = error;
            });
            QVERIFY(written.wait());
            QVERIFY2(written.error.isEmpty(), qPrintable(written.error));
            if (i == 0)
                firstId = *written.value;
            // And a process of 11 events, where the reference's readState loses one.
            if (i < 11)
                m_client.write(counterEvent(i, QStringLiteral("k-2")),
                               [](const QString &, const QString &) {});
        }
        Client::Input finished;
        finished.name = QStringLiteral("finished");
        finished.timestamp = QDateTime(QDate(2026, 1, 3), QTime(0, 1), Qt::UTC);
        Client::Event chain;
        chain.id = firstId;
        chain.domain = QStringLiteral("Counter");
        chain.pid = QStringLiteral("k-1");
        m_client.write(
            finished, [](const QString &, const QString &) {}, true, chain);

        QVERIFY(waited.wait());
        QVERIFY2(waited.error.isEmpty(), qPrintable(waited.error));
        QVERIFY(happy);
        QCOMPARE(waited.value->name, QStringLiteral("finished"));
        QCOMPARE(waited.value->rid, firstId); // the chain lent its id
        QTRY_COMPARE_WITH_TIMEOUT(seen.size(), 12 + 11,
                                  5000); // every "incremented" of the domain, both processes
        // Unsubscribed: the next one is not seen.
        unsubscribe.dismiss();
        m_client.unsubscribe(subscription);
        Answer<QString> another;
        m_client.write(counterEvent(40, QStringLiteral("k-3")),
                       [&](const QString &id, const QString &) { another.value = id; });
        QVERIFY(another.wait());
        QTRY_VERIFY_WITH_TIMEOUT(
            m_redis.cli({QStringLiteral("HEXISTS"), QStringLiteral("pd"), *another.value}) == "1", 5000);
        QTest::qWait(300);
        QCOMPARE(seen.size(), 12 + 11);

        Answer<QList<Client::Event>> log;
        m_client.readEventlog(Client::Index::DomainAndPid, QStringLiteral("Counter"), QStringLiteral("k-1"),
                              [&](const QList<Client::Event> &events, const QString &error) {
                                  log.value = events;
                                  log.error = error;
                              });
        QVERIFY(log.wait());
        QCOMPARE(log.value->size(), 13);
        QCOMPARE(log.value->first().id, firstId);
        QCOMPARE(log.value->at(10).data.toObject().value(QLatin1String("n10")).toInt(), 10);
        QCOMPARE(log.value->last().name, QStringLiteral("finished"));

        // The state has every event's data, the 11th included.
        Answer<QJsonObject> state;
        m_client.readState(QStringLiteral("Counter"), QStringLiteral("k-1"),
                           [&](const QJsonObject &s, const QString &error) {
                               state.value = s;
                               state.error = error;
                           });
        QVERIFY(state.wait());
        for (int i = 0; i < 12; ++i)
            QVERIFY2(state.value->contains(QStringLiteral("n%1").arg(i)),
                     qPrintable(QStringLiteral("n%1").arg(i)));
        QCOMPARE(state.value->value(QLatin1String("total")).toObject().value(QLatin1String("value")).toInt(),
                 11);

        Answer<bool> has, hasNot;
        m_client.hasEvent(QStringLiteral("Counter"), QStringLiteral("k-1"), QStringLiteral("finished"),
                          [&](bool found, const QString &) { has.value = found; });
        m_client.hasEvent(QStringLiteral("Counter"), QStringLiteral("k-1"), QStringLiteral("reset"),
                          [&](bool found, const QString &) { hasNot.value = found; });
        QVERIFY(has.wait() && hasNot.wait());
        QVERIFY(*has.value);
        QVERIFY(!*hasNot.value);

        // The Superhero client reads the same events; its readState loses the 11th.
        test::EventsourceReference reference = test::EventsourceReference::install();
        QVERIFY2(reference.error.isEmpty(), qPrintable(reference.error));
        QString failure;
        const QByteArray readback = reference.run(QStringLiteral("readback"), m_redis.port(), &failure, 60000,
                                                  {{QStringLiteral("READ_DOMAIN"), QStringLiteral("Counter")},
                                                   {QStringLiteral("READ_PID"), QStringLiteral("k-1")}});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        const QJsonObject theirs = QJsonDocument::fromJson(readback).object();
        const QJsonArray theirLog = theirs.value(QLatin1String("eventlog")).toArray();
        QCOMPARE(theirLog.size(), 13);
        for (int i = 0; i < 13; ++i) {
            const QJsonObject event = theirLog.at(i).toObject();
            QCOMPARE(event.value(QLatin1String("id")).toString(), log.value->at(i).id);
            QCOMPARE(event.value(QLatin1String("data")), log.value->at(i).data);
            QCOMPARE(event.value(QLatin1String("timestamp")).toString(), log.value->at(i).timestamp);
        }
        QCOMPARE(theirLog.last().toObject().value(QLatin1String("rid")).toString(), firstId);
        QCOMPARE(theirs.value(QLatin1String("state")).toObject(), *state.value);

        // 11 events: the reference's readState drops the last one's data, Cape's does not.
        QTRY_COMPARE_WITH_TIMEOUT(m_redis.cli({QStringLiteral("ZCARD"), QStringLiteral("ph:counter:k-2")}),
                                  QByteArray("11"), 5000);
        const QJsonObject theirs11 =
            QJsonDocument::fromJson(reference.run(QStringLiteral("readback"), m_redis.port(), &failure, 60000,
                                                  {{QStringLiteral("READ_DOMAIN"), QStringLiteral("Counter")},
                                                   {QStringLiteral("READ_PID"), QStringLiteral("k-2")}}))
                .object();
        QVERIFY2(failure.isEmpty(), qPrintable(failure));
        QCOMPARE(theirs11.value(QLatin1String("eventlog")).toArray().size(), 11);
        QVERIFY(!theirs11.value(QLatin1String("state")).toObject().contains(QLatin1String("n10")));
        Answer<QJsonObject> state11;
        m_client.readState(QStringLiteral("Counter"), QStringLiteral("k-2"),
                           [&](const QJsonObject &s, const QString &) { state11.value = s; });
        QVERIFY(state11.wait());
        QVERIFY(state11.value->contains(QLatin1String("n10")));
        QCOMPARE(
            state11.value->value(QLatin1String("total")).toObject().value(QLatin1String("value")).toInt(),
            10);
    }

    void schedulesAnEventForLater()
    {
        Client::Input reminder;
        reminder.domain = QStringLiteral("Shop");
        reminder.pid = QStringLiteral("o-9");
        reminder.name = QStringLiteral("reminded");
        Answer<QString> scheduled;
        m_client.schedule(QDateTime::currentDateTimeUtc().addMSecs(800), reminder,
                          [&](const QString &error) { scheduled.value = error; });
        QVERIFY(scheduled.wait());
        QVERIFY2(scheduled.value->isEmpty(), qPrintable(*scheduled.value));
        const auto count = [&] {
            Answer<QList<Client::Event>> log;
            m_client.readEventlog(
                Client::Index::Pid, {}, QStringLiteral("o-9"),
                [&](const QList<Client::Event> &events, const QString &) { log.value = events; });
            log.wait();
            return log.value ? log.value->size() : -1;
        };
        QCOMPARE(count(), 0); // not before it is due
        QTRY_COMPARE_WITH_TIMEOUT(count(), 1, 10000);
    }

    void competingConsumersHandleEachEventOnce()
    {
        RedisConnection::Options options;
        options.port = m_redis.port();
        Client second;
        QSignalSpy ready(&second, &Client::ready);
        second.open(options);
        QVERIFY(ready.wait(5000));
        QStringList first, other;
        const Client::SubscriptionId consuming = m_client.consume(
            QStringLiteral("Jobs"), QStringLiteral("queued"), [&](const Client::Event &event) {
                first << event.id;
                return true;
            });
        const auto stopConsuming =
            qScopeGuard([&] { m_client.unsubscribe(consuming); }); // first is this test's
        second.consume(QStringLiteral("Jobs"), QStringLiteral("queued"), [&](const Client::Event &event) {
            other << event.id;
            return true;
        });
        QTest::qWait(300); // both listening
        QStringList written;
        for (int i = 0; i < 40; ++i) {
            Client::Input job;
            job.domain = QStringLiteral("Jobs");
            job.pid = QStringLiteral("j-%1").arg(i);
            job.name = QStringLiteral("queued");
            m_client.write(job, [&](const QString &id, const QString &) { written << id; });
        }
        QTRY_COMPARE_WITH_TIMEOUT(first.size() + other.size(), 40, 10000);
        QTest::qWait(300); // and no more
        QStringList all = first + other;
        all.sort();
        written.sort();
        QCOMPARE(all, written); // each once, none lost
        QTRY_COMPARE_WITH_TIMEOUT(
            m_redis
                .cli({QStringLiteral("XPENDING"), QStringLiteral("process-jobs-queued-persisted"),
                      QStringLiteral("process-jobs-queued-persisted")})
                .split('\n')
                .value(0),
            QByteArray("0"), 5000);
    }

    void readsAnIndexBetweenTwoTimes()
    {
        for (int i = 0; i < 10; ++i) {
            Answer<QString> written;
            m_client.write(counterEvent(i, QStringLiteral("k-range")),
                           [&](const QString &id, const QString &error) {
                               written.value = id;
                               written.error = error;
                           });
            QVERIFY(written.wait());
            QVERIFY2(written.error.isEmpty(), qPrintable(written.error));
        }
        const qint64 from = QDateTime(QDate(2026, 1, 3), QTime(0, 0, 3), Qt::UTC).toMSecsSinceEpoch();
        const qint64 to = QDateTime(QDate(2026, 1, 3), QTime(0, 0, 6), Qt::UTC).toMSecsSinceEpoch();
        const auto count = [&](std::optional<qint64> fromMs, std::optional<qint64> toMs) {
            Answer<qint64> counted;
            m_client.countEventlog(
                Client::Index::Pid, {}, QStringLiteral("k-range"),
                [&](qint64 n, const QString &error) {
                    counted.value = n;
                    counted.error = error;
                },
                fromMs, toMs);
            counted.wait();
            return counted.value.value_or(-1);
        };
        QTRY_COMPARE_WITH_TIMEOUT(count({}, {}), 10, 10000);
        QCOMPARE(count(from, to), 4); // both ends included
        QCOMPARE(count(from, {}), 7);
        QCOMPARE(count({}, to), 7);
        Answer<QList<Client::Event>> page;
        m_client.readEventlogPage(
            Client::Index::Pid, {}, QStringLiteral("k-range"), 1, 2,
            [&](const QList<Client::Event> &events, const QString &error) {
                page.value = events;
                page.error = error;
            },
            from, to);
        QVERIFY(page.wait());
        QStringList seconds;
        for (const Client::Event &event : *page.value)
            seconds << event.timestamp.mid(17, 2);
        QCOMPARE(seconds,
                 (QStringList{QStringLiteral("05"), QStringLiteral("04")})); // newest first, from the 2nd
    }

    void followsCausesAndConsequencesThroughRid()
    {
        // Writes and waits until the server has indexed it: the event as stored.
        const auto writeIndexed = [&](const Client::Input &input, const std::optional<Client::Event> &chain) {
            Answer<QString> written;
            m_client.write(
                input,
                [&](const QString &id, const QString &error) {
                    written.value = id;
                    written.error = error;
                },
                true, chain);
            written.wait();
            std::optional<Client::Event> stored;
            QDeadlineTimer deadline(10000);
            while (!stored && !deadline.hasExpired() && written.value) {
                Answer<Client::Event> read;
                m_client.readEventById(
                    *written.value, [&](const std::optional<Client::Event> &event, const QString &error) {
                        read.error = error.isEmpty() && !event ? QStringLiteral("not yet") : error;
                        if (event)
                            read.value = *event;
                    });
                read.wait();
                stored = read.value;
                if (!stored)
                    QTest::qWait(50);
            }
            return stored;
        };
        const auto event = [](const QString &domain, const QString &pid, const QString &name) {
            Client::Input input;
            input.domain = domain;
            input.pid = pid;
            input.name = name;
            return input;
        };
        const auto ids = [](const QList<Client::Event> &events) {
            QStringList list;
            for (const Client::Event &e : events)
                list << e.id;
            return list;
        };
        const auto placed = writeIndexed(
            event(QStringLiteral("Orders"), QStringLiteral("o-1"), QStringLiteral("placed")), {});
        QVERIFY(placed);
        const auto paid =
            writeIndexed(event({}, {}, QStringLiteral("paid")), placed); // same process, rid = placed
        QVERIFY(paid);
        QCOMPARE(paid->rid, placed->id);
        const auto shipped = writeIndexed(event({}, {}, QStringLiteral("shipped")), paid);
        QVERIFY(shipped);
        Client::Input parcel =
            event(QStringLiteral("Shipping"), QStringLiteral("s-1"), QStringLiteral("packed"));
        parcel.ppid = QStringLiteral("o-1");
        parcel.rid = placed->id; // a child process, started by the order
        const auto packed = writeIndexed(parcel, {});
        QVERIFY(packed);
        const auto unrelated =
            writeIndexed(event(QStringLiteral("Orders"), QStringLiteral("o-1"), QStringLiteral("noted")), {});
        QVERIFY(unrelated);

        Answer<QList<Client::Event>> causes;
        m_client.readCauses(*shipped, [&](const QList<Client::Event> &events, const QString &error) {
            causes.value = events;
            causes.error = error;
        });
        QVERIFY(causes.wait());
        QCOMPARE(ids(*causes.value), (QStringList{placed->id, paid->id})); // the root first

        Answer<QList<Client::Event>> consequences;
        m_client.readConsequences(*placed, [&](const QList<Client::Event> &events, const QString &error) {
            consequences.value = events;
            consequences.error = error;
        });
        QVERIFY(consequences.wait());
        QVERIFY2(consequences.error.isEmpty(), qPrintable(consequences.error));
        QCOMPARE(ids(*consequences.value), (QStringList{paid->id, packed->id}));

        Answer<QList<Client::Event>> none;
        m_client.readConsequences(
            *unrelated, [&](const QList<Client::Event> &events, const QString &) { none.value = events; });
        QVERIFY(none.wait());
        QVERIFY(none.value->isEmpty());
        Answer<QList<Client::Event>> noCause;
        m_client.readCauses(
            *placed, [&](const QList<Client::Event> &events, const QString &) { noCause.value = events; });
        QVERIFY(noCause.wait());
        QVERIFY(noCause.value->isEmpty());
    }

    void refusesAnEventWithoutAName()
    {
        Client::Input nameless;
        nameless.domain = QStringLiteral("d");
        nameless.pid = QStringLiteral("p");
        Answer<QString> written;
        m_client.write(nameless, [&](const QString &, const QString &error) { written.error = error; });
        QVERIFY(written.wait());
        QVERIFY2(written.error.contains(QLatin1String("name")), qPrintable(written.error));
    }
};

QTEST_GUILESS_MAIN(TestEventsourceClient)
#include "tst_eventsourceclient.moc"
