#include "services/docker/logline.h"

#include <QTest>

using cape::LogLine;

class TestLogLine : public QObject
{
    Q_OBJECT

private slots:
    void serviceLineWithTimestampAndDetails()
    {
        LogLine line;
        QVERIFY(LogLine::parse("2024-05-01T10:00:00.123456789Z com.docker.swarm.node.id=n1,"
                               "com.docker.swarm.service.id=s1,com.docker.swarm.task.id=t1 hello world",
                               true, true, &line));
        QCOMPARE(line.timestampNs, qint64(1714557600) * 1'000'000'000 + 123456789);
        QCOMPARE(line.nodeId(), QStringLiteral("n1"));
        QCOMPARE(line.serviceId(), QStringLiteral("s1"));
        QCOMPARE(line.taskId(), QStringLiteral("t1"));
        QCOMPARE(line.text, QStringLiteral("hello world"));
    }

    void containerLineWithEmptyDetails()
    {
        LogLine line;
        QVERIFY(LogLine::parse("2024-05-01T10:00:00.5Z  text with  spaces\r", true, true, &line));
        QCOMPARE(line.timestampNs, qint64(1714557600) * 1'000'000'000 + 500'000'000);
        QVERIFY(line.details.isEmpty());
        QCOMPARE(line.text, QStringLiteral("text with  spaces"));
    }

    void escapedDetailValues()
    {
        LogLine line;
        QVERIFY(LogLine::parse("a%3Db=c%2Cd text", false, true, &line));
        QCOMPARE(line.details.value(QStringLiteral("a=b")), QStringLiteral("c,d"));
    }

    void timestampsAreOrderedAcrossZones()
    {
        qint64 utc = 0;
        qint64 plusTwo = 0;
        QVERIFY(LogLine::parseTimestamp("2024-05-01T10:00:00.000000001Z", &utc));
        QVERIFY(LogLine::parseTimestamp("2024-05-01T12:00:00.000000002+02:00", &plusTwo));
        QCOMPARE(plusTwo - utc, qint64(1));
    }

    void malformedPrefixKeepsTheWholeLine_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("no timestamp") << QByteArray("just text");
        QTest::newRow("bad date") << QByteArray("2024-13-45T99:00:00Z text");
        QTest::newRow("bad zone") << QByteArray("2024-05-01T10:00:00.1Q text");
        QTest::newRow("empty") << QByteArray();
    }

    void malformedPrefixKeepsTheWholeLine()
    {
        QFETCH(QByteArray, raw);
        LogLine line;
        QVERIFY(!LogLine::parse(raw, true, false, &line));
        QCOMPARE(line.text, QString::fromUtf8(raw));
        QCOMPARE(line.timestampNs, qint64(0));
    }
};

QTEST_GUILESS_MAIN(TestLogLine)
#include "tst_logline.moc"
