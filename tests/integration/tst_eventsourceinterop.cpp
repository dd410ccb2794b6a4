#include "eventsourcereference.h"
#include "redisserver.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace cape;

namespace {

enum class Server { Reference, Cape };

// What the client saw, and what Redis holds, after the same session.
struct Session
{
    QByteArray keyspace; // interop.js dump: every key, stream ids as ordinals
    QByteArray reads;    // interop.js read: what the client's read API answers
};

void compareJson(const QByteArray &reference, const QByteArray &cape, const char *what)
{
    const QJsonObject expected = QJsonDocument::fromJson(reference).object();
    const QJsonObject actual = QJsonDocument::fromJson(cape).object();
    QVERIFY2(!expected.isEmpty(), what);
    for (const QString &key : expected.keys()) {
        QVERIFY2(actual.contains(key),
                 qPrintable(QStringLiteral("%1: cape-eventd has no %2").arg(QLatin1StringView(what), key)));
        QVERIFY2(actual.value(key) == expected.value(key),
                 qPrintable(QStringLiteral("%1: %2 differs\nreference: %3\ncape:      %4")
                                .arg(QLatin1StringView(what), key,
                                     QString::fromUtf8(QJsonDocument(QJsonObject{{key, expected.value(key)}})
                                                           .toJson(QJsonDocument::Compact)),
                                     QString::fromUtf8(QJsonDocument(QJsonObject{{key, actual.value(key)}})
                                                           .toJson(QJsonDocument::Compact)))));
    }
    for (const QString &key : actual.keys())
        QVERIFY2(expected.contains(key),
                 qPrintable(QStringLiteral("%1: cape-eventd made %2, the reference does not")
                                .arg(QLatin1StringView(what), key)));
}

} // namespace

// The Superhero eventsource client, unchanged, against the reference server
// and against cape-eventd, on a real Redis each: the same session leaves the
// same keys, and the client's reads (eventlogs, state, hasEvent, wait)
// answer the same.
class TestEventsourceInterop : public QObject
{
    Q_OBJECT

    test::EventsourceReference m_reference;

    Session runWith(Server server)
    {
        Session session;
        test::RedisServer redis;
        QString error;
        if (!redis.start(&error)) {
            QTest::qFail(qPrintable(error), __FILE__, __LINE__);
            return session;
        }
        QProcess daemon;
        daemon.setProcessChannelMode(QProcess::MergedChannels);
        if (server == Server::Reference) {
            daemon.setProcessEnvironment(m_reference.environment(redis.port()));
            daemon.start(QStringLiteral("node"), {m_reference.serverScript()});
        } else {
            daemon.start(QStringLiteral(CAPE_EVENTD_BINARY), {QStringLiteral("--redis"), redis.address()});
        }
        if (!daemon.waitForStarted(5000)) {
            QTest::qFail(qPrintable(daemon.errorString()), __FILE__, __LINE__);
            return session;
        }
        // Listening once it has subscribed to the schedule's channel.
        for (int i = 0; i < 200 && redis
                                       .cli({QStringLiteral("PUBSUB"), QStringLiteral("NUMSUB"),
                                             QStringLiteral("process-event-scheduled")})
                                       .endsWith("\n0");
             ++i)
            QTest::qWait(50);

        const auto phase = [&](const char *name) {
            QString failure;
            const QByteArray result = m_reference.run(QString::fromLatin1(name), redis.port(), &failure);
            if (!failure.isEmpty())
                QTest::qFail(qPrintable(failure + QStringLiteral("\nserver said: ") +
                                        QString::fromUtf8(daemon.readAll().right(3000))),
                             __FILE__, __LINE__);
            return result;
        };
        if (phase("write").isEmpty())
            return session;
        session.keyspace = phase("dump");
        session.reads = phase("read");
        daemon.terminate();
        if (!daemon.waitForFinished(10000))
            daemon.kill();
        return session;
    }

private slots:
    void initTestCase()
    {
        m_reference = test::EventsourceReference::install();
        QVERIFY2(m_reference.error.isEmpty(), qPrintable(m_reference.error));
    }

    void theClientSeesTheSameAsWithTheReferenceServer()
    {
        const Session reference = runWith(Server::Reference);
        QVERIFY(!reference.keyspace.isEmpty());
        const Session cape = runWith(Server::Cape);
        QVERIFY(!cape.keyspace.isEmpty());
        compareJson(reference.keyspace, cape.keyspace, "Redis keys after the session");
        if (QTest::currentTestFailed())
            return;
        compareJson(reference.reads, cape.reads, "the client's reads");
        // Not vacuous: the session wrote what the comparison covers.
        const QJsonObject keys = QJsonDocument::fromJson(cape.keyspace).object();
        QVERIFY(keys.contains(QLatin1String("phpp:Shop Orders:cart-7"))); // phpp: keeps the domain as given
        QVERIFY(keys.contains(QLatin1String("process-caf-cr-me-brewed-hot--persisted")));
        QVERIFY(!keys.contains(QLatin1String("process-shop-orders-audited-persisted"))); // broadcast: false
        QCOMPARE(QJsonDocument::fromJson(cape.reads)
                     .object()
                     .value(QLatin1String("waited"))
                     .toObject()
                     .value(QLatin1String("name"))
                     .toString(),
                 QStringLiteral("shipped"));
    }
};

QTEST_GUILESS_MAIN(TestEventsourceInterop)
#include "tst_eventsourceinterop.moc"
