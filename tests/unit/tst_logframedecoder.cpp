#include "services/docker/logframedecoder.h"

#include <QTest>
#include <QtEndian>

using cape::LogFrameDecoder;
using Stream = LogFrameDecoder::Stream;

namespace {
QByteArray frame(quint8 type, const QByteArray &payload)
{
    QByteArray header(8, '\0');
    header[0] = char(type);
    qToBigEndian<quint32>(quint32(payload.size()), header.data() + 4);
    return header + payload;
}
} // namespace

class TestLogFrameDecoder : public QObject
{
    Q_OBJECT

private slots:
    void everySplitYieldsTheSameFrames()
    {
        const QList<LogFrameDecoder::Frame> expected{
            {Stream::Stdout, "hello from stdout\n"},
            {Stream::Stderr, "and from stderr\n"},
            {Stream::System, "error from daemon in stream: node is down"},
            {Stream::Stdout, ""},
            {Stream::Stdout, QByteArray(300, 'x')},
        };
        QByteArray wire;
        for (const auto &f : expected)
            wire += frame(quint8(f.stream), f.payload);
        for (qsizetype split = 0; split <= wire.size(); ++split) {
            LogFrameDecoder decoder;
            auto first = decoder.feed(wire.left(split));
            const auto second = decoder.feed(wire.mid(split));
            QVERIFY(first.error.isEmpty() && second.error.isEmpty());
            QCOMPARE(first.frames + second.frames, expected);
            QVERIFY(decoder.finish().error.isEmpty());
        }
    }

    void ttyStreamIsRaw()
    {
        LogFrameDecoder decoder(true);
        // Bytes that would be a frame header without a TTY pass through.
        const QByteArray raw("\x01\x00\x00\x00 raw terminal bytes", 23);
        const auto result = decoder.feed(raw);
        QCOMPARE(result.frames.size(), 1);
        QCOMPARE(result.frames[0].payload, raw);
    }

    void malformedHeaderStopsDecoding()
    {
        LogFrameDecoder decoder;
        const auto result = decoder.feed(frame(1, "ok\n") + QByteArray("\x07\x00\x00\x00\x00\x00\x00\x01x", 9));
        QCOMPARE(result.frames.size(), 1);
        QVERIFY(result.error.contains(QLatin1String("malformed log frame")));
        QVERIFY(decoder.feed(frame(1, "after\n")).frames.isEmpty());
    }

    void absurdLengthIsMalformed()
    {
        LogFrameDecoder decoder;
        QVERIFY(!decoder.feed(QByteArray("\x01\x00\x00\x00\xff\xff\xff\xff", 8)).error.isEmpty());
    }

    void truncatedFrameIsReportedAtEnd()
    {
        LogFrameDecoder decoder;
        const QByteArray wire = frame(2, "incomplete line\n");
        QVERIFY(decoder.feed(wire.left(wire.size() - 3)).frames.isEmpty());
        QVERIFY(decoder.finish().error.contains(QLatin1String("inside a frame")));
    }
};

QTEST_GUILESS_MAIN(TestLogFrameDecoder)
#include "tst_logframedecoder.moc"
