#include "services/docker/logstreamdecoder.h"

#include <QTest>
#include <QtEndian>

using cape::LogLine;
using cape::LogStreamDecoder;
using Stream = cape::LogFrameDecoder::Stream;

namespace {
QByteArray frame(quint8 type, const QByteArray &payload)
{
    QByteArray header(8, '\0');
    header[0] = char(type);
    qToBigEndian<quint32>(quint32(payload.size()), header.data() + 4);
    return header + payload;
}
const QByteArray Details = "com.docker.swarm.node.id=n1,com.docker.swarm.service.id=s1,com.docker.swarm.task.id=";
} // namespace

class TestLogStreamDecoder : public QObject
{
    Q_OBJECT

private slots:
    void serviceLogsAtEverySplit()
    {
        // A long line split over two frames (as the engine does past 16 KiB),
        // interleaved with stderr, and a daemon error frame.
        const QByteArray wire = frame(1, "2024-05-01T10:00:00.000000001Z " + Details + "t1 first\n")
                                + frame(1, "2024-05-01T10:00:00.000000002Z " + Details + "t2 sec")
                                + frame(2, "2024-05-01T10:00:00.000000003Z " + Details + "t1 oops\n")
                                + frame(1, "ond\n")
                                + frame(3, "error from daemon in stream: node n3 is down");
        for (qsizetype split = 0; split <= wire.size(); ++split) {
            LogStreamDecoder decoder({.tty = false, .timestamps = true, .details = true});
            auto result = decoder.feed(wire.left(split));
            result.lines += decoder.feed(wire.mid(split)).lines;
            result.lines += decoder.finish().lines;
            QCOMPARE(result.lines.size(), 4);
            QCOMPARE(result.lines[0].text, QStringLiteral("first"));
            QCOMPARE(result.lines[0].taskId(), QStringLiteral("t1"));
            QCOMPARE(result.lines[1].stream, Stream::Stderr);
            QCOMPARE(result.lines[1].text, QStringLiteral("oops"));
            QCOMPARE(result.lines[2].text, QStringLiteral("second"));
            QCOMPARE(result.lines[2].taskId(), QStringLiteral("t2"));
            QCOMPARE(result.lines[2].timestampNs % 10, qint64(2));
            QCOMPARE(result.lines[3].stream, Stream::System);
            QCOMPARE(result.lines[3].text, QStringLiteral("error from daemon in stream: node n3 is down"));
        }
    }

    void ttyLines()
    {
        LogStreamDecoder decoder({.tty = true, .timestamps = false, .details = false});
        auto result = decoder.feed("one\ntw");
        QCOMPARE(result.lines.size(), 1);
        result = decoder.feed("o\nthree");
        QCOMPARE(result.lines.size(), 1);
        QCOMPARE(result.lines[0].text, QStringLiteral("two"));
        result = decoder.finish();
        QCOMPARE(result.lines.size(), 1);
        QCOMPARE(result.lines[0].text, QStringLiteral("three"));
    }

    void corruptStreamReportsAnError()
    {
        LogStreamDecoder decoder({});
        const auto result = decoder.feed(frame(1, "fine\n") + "garbage!");
        QCOMPARE(result.lines.size(), 1);
        QVERIFY(!result.error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLogStreamDecoder)
#include "tst_logstreamdecoder.moc"
