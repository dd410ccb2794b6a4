#include "services/core/isotime.h"
#include "services/eventsource/eventkeys.h"
#include "services/eventsource/queuedevent.h"

#include <QDateTime>
#include <QRandomGenerator>
#include <QTest>

using namespace cape;

namespace {
QueuedEvent::Fields fields(std::initializer_list<std::pair<const char *, const char *>> list)
{
    QueuedEvent::Fields result;
    for (const auto &[name, value] : list)
        result.append({QByteArray(name), QByteArray(value)});
    return result;
}
} // namespace

// The reference's key normalisation and event shape, case by case (the
// interop test compares whole sessions against the reference itself).
class TestQueuedEvent : public QObject
{
    Q_OBJECT

private slots:
    void writesAndReadsTimestampsAsQDateTimeDoes()
    {
        // The hand-made fast paths against QDateTime, over dates from 1970 to 9999.
        QRandomGenerator random(20261127);
        QList<qint64> samples{0, 1, 951782400000 /* 2000-02-29 */, 4107456000000 /* 2100-03-01 */,
                              253402300799999};
        for (int i = 0; i < 20000; ++i)
            samples << qint64(random.bounded(253402300799999.0));
        for (const qint64 ms : std::as_const(samples)) {
            const QByteArray expected =
                QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
            QCOMPARE(IsoTime::format(ms), expected);
            QCOMPARE(QueuedEvent::parseTimestamp(QString::fromLatin1(expected)), std::optional<qint64>(ms));
        }
        // Outside the fast path's range, and days that do not exist.
        QCOMPARE(IsoTime::format(-1), QByteArray("1969-12-31T23:59:59.999Z"));
        QCOMPARE(QueuedEvent::parseTimestamp(QStringLiteral("2026-02-29T00:00:00.000Z")), std::nullopt);
        QCOMPARE(QueuedEvent::parseTimestamp(QStringLiteral("2026-13-01T00:00:00.000Z")), std::nullopt);
        // 24:00 is the end of the day, for ISO 8601 and for JavaScript's Date alike.
        QCOMPARE(QueuedEvent::parseTimestamp(QStringLiteral("2026-01-01T24:00:00.000Z")),
                 QueuedEvent::parseTimestamp(QStringLiteral("2026-01-02T00:00:00.000Z")));
        QCOMPARE(QueuedEvent::parseTimestamp(QStringLiteral("2024-02-29T12:34:56.789Z")),
                 std::optional<qint64>(1709210096789));
    }

    void normalisesAsTheReferenceMapper_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("spaces") << QStringLiteral("Shop Orders") << QStringLiteral("shop-orders");
        QTest::newRow("runs") << QStringLiteral("a -- b!!c") << QStringLiteral("a-b-c");
        QTest::newRow("star and underscore kept")
            << QStringLiteral("Any*_Thing") << QStringLiteral("any*_thing");
        QTest::newRow("accents are not word characters")
            << QStringLiteral("Café Crème") << QStringLiteral("caf-cr-me");
        QTest::newRow("a surrogate pair is one run") << QStringLiteral("a😀b") << QStringLiteral("a-b");
        QTest::newRow("line breaks kept") << QStringLiteral("A\nB") << QStringLiteral("a\nb");
        QTest::newRow("trailing") << QStringLiteral("Brewed Hot!") << QStringLiteral("brewed-hot-");
    }
    void normalisesAsTheReferenceMapper()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(EventKeys::separatedLowerCase(input), expected);
    }

    void keysNormaliseOnlyWhereTheReferenceDoes()
    {
        QCOMPARE(EventKeys::history(QStringLiteral("Shop Orders"), QStringLiteral("O-1")),
                 QByteArray("ph:shop-orders:O-1"));
        QCOMPARE(EventKeys::historyByPpid(QStringLiteral("Shop Orders"), QStringLiteral("c")),
                 QByteArray("phpp:Shop Orders:c"));
        QCOMPARE(EventKeys::persisted(QStringLiteral("Shop"), QStringLiteral("Was Paid")),
                 QByteArray("process-shop-was-paid-persisted"));
        QCOMPARE(EventKeys::persistedPidName(QStringLiteral("Shop"), QStringLiteral("p"),
                                             QStringLiteral("Was Paid")),
                 QByteArray("process-shop-p-Was Paid-persisted-pid-name"));
    }

    void storesTheReferencesShapeWithValuesAsWritten()
    {
        const QueuedEvent event =
            QueuedEvent::fromFields(fields({{"broadcast", "true"},
                                            {"name", "\"paid\""},
                                            {"pid", "42"},
                                            {"domain", "\"Shop\""},
                                            {"timestamp", "\"2026-01-02T03:04:05Z\""},
                                            {"data", "{\"z\":1,\"a\":[1,{\"c\":\"\\u00e9\"}]}"}}),
                                    0);
        QVERIFY2(event.isValid(), qPrintable(event.error()));
        QCOMPARE(event.json(),
                 QByteArray("{\"data\":{\"z\":1,\"a\":[1,{\"c\":\"\\u00e9\"}]},\"rid\":null,"
                            "\"timestamp\":\"2026-01-02T03:04:05.000Z\",\"domain\":\"Shop\",\"pid\":\"42\","
                            "\"ppid\":null,\"name\":\"paid\"}"));
        QCOMPARE(event.timestampMs(), 1767323045000);
        QVERIFY(event.broadcast());
    }

    void fillsWhatTheReferenceFills()
    {
        const QueuedEvent event = QueuedEvent::fromFields(fields({{"domain", "\"d\""},
                                                                  {"pid", "\"p\""},
                                                                  {"name", "\"n\""},
                                                                  {"data", "\"\""},
                                                                  {"broadcast", "0"}}),
                                                          1767323045123);
        QVERIFY(event.isValid());
        QCOMPARE(event.json(),
                 QByteArray("{\"data\":{},\"rid\":null,\"timestamp\":\"2026-01-02T03:04:05.123Z\","
                            "\"domain\":\"d\",\"pid\":\"p\",\"ppid\":null,\"name\":\"n\"}"));
        QVERIFY(!event.broadcast()); // JavaScript truthiness
    }

    void refusesWhatCannotBeIndexed_data()
    {
        QTest::addColumn<QueuedEvent::Fields>("input");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not JSON") << fields({{"domain", "{oops"}, {"pid", "\"p\""}, {"name", "\"n\""}})
                                  << QStringLiteral("field domain is not JSON");
        QTest::newRow("no pid") << fields({{"domain", "\"d\""}, {"name", "\"n\""}})
                                << QStringLiteral("the event has no pid");
        QTest::newRow("empty name") << fields({{"domain", "\"d\""}, {"pid", "\"p\""}, {"name", "\"\""}})
                                    << QStringLiteral("name must be a non-empty string");
        QTest::newRow("object pid") << fields({{"domain", "\"d\""}, {"pid", "{}"}, {"name", "\"n\""}})
                                    << QStringLiteral("pid must be a non-empty string");
        QTest::newRow("bad timestamp")
            << fields({{"domain", "\"d\""}, {"pid", "\"p\""}, {"name", "\"n\""}, {"timestamp", "\"soon\""}})
            << QStringLiteral("is not a date");
    }
    void refusesWhatCannotBeIndexed()
    {
        QFETCH(QueuedEvent::Fields, input);
        QFETCH(QString, reason);
        const QueuedEvent event = QueuedEvent::fromFields(input, 0);
        QVERIFY(!event.isValid());
        QVERIFY2(event.error().contains(reason), qPrintable(event.error()));
    }

    void splitsAScheduledEventKeepingItsOrder()
    {
        QString error;
        const auto split =
            QueuedEvent::fieldsOfJson("{\"data\":{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"}\"}},\"rid\":null,"
                                      "\"domain\":\"d\",\"pid\":\"p\",\"name\":\"n\"}",
                                      &error);
        QVERIFY2(split, qPrintable(error));
        QCOMPARE(split->first().second, QByteArray("{\"b\":1,\"a\":{\"y\":[1,2],\"x\":\"}\"}}"));
        QVERIFY(!QueuedEvent::fieldsOfJson("[1]", &error));
        QVERIFY(!QueuedEvent::fieldsOfJson("{\"a\":", &error));
    }
};

QTEST_GUILESS_MAIN(TestQueuedEvent)
#include "tst_queuedevent.moc"
