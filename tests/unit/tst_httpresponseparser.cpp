#include "services/docker/httpresponseparser.h"

#include <QTest>

using cape::HttpResponseParser;

// Every response is fed in two pieces split at every possible byte, and
// once byte by byte: the decoded result must not depend on how TCP cut it.
class TestHttpResponseParser : public QObject
{
    Q_OBJECT

    struct Outcome
    {
        int status = 0;
        HttpResponseParser::Headers headers;
        QByteArray body;
        int completions = 0;
        bool ok = true;
        bool keepAlive = false;
        QString error;
    };

    static Outcome parse(const QList<QByteArray> &pieces, bool closeAtEnd = false, bool head = false)
    {
        Outcome out;
        HttpResponseParser parser({
            .onHeaders = [&](int status, const HttpResponseParser::Headers &h) { out.status = status; out.headers = h; },
            .onBody = [&](const char *data, qsizetype size) { out.body.append(data, size); },
            .onComplete = [&] { ++out.completions; },
        });
        parser.reset(head);
        for (const QByteArray &piece : pieces) {
            if (!parser.feed(piece)) {
                out.ok = false;
                break;
            }
        }
        if (out.ok && closeAtEnd)
            out.ok = parser.finish();
        out.keepAlive = parser.keepAlive();
        out.error = parser.error();
        return out;
    }

    static void checkEverySplit(const QByteArray &wire, int status, const QByteArray &body, bool closeAtEnd = false)
    {
        for (qsizetype split = 0; split <= wire.size(); ++split) {
            const Outcome out = parse({wire.left(split), wire.mid(split)}, closeAtEnd);
            QVERIFY2(out.ok, qPrintable(QStringLiteral("split %1: %2").arg(split).arg(out.error)));
            QCOMPARE(out.status, status);
            QCOMPARE(out.body, body);
            QCOMPARE(out.completions, 1);
        }
        QList<QByteArray> bytes;
        for (char c : wire)
            bytes.append(QByteArray(1, c));
        const Outcome out = parse(bytes, closeAtEnd);
        QVERIFY(out.ok);
        QCOMPARE(out.body, body);
    }

private slots:
    void contentLengthAtEverySplit()
    {
        const QByteArray wire = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nApi-Version: 1.41\r\n"
                                "Content-Length: 17\r\n\r\n{\"ID\":\"abcdefg\"}\n";
        checkEverySplit(wire, 200, "{\"ID\":\"abcdefg\"}\n");
        const Outcome out = parse({wire});
        QVERIFY(out.keepAlive);
        QCOMPARE(HttpResponseParser::headerValue(out.headers, "api-version"), QByteArray("1.41"));
    }

    void chunkedAtEverySplit()
    {
        const QByteArray wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                                "5\r\nhello\r\n"
                                "1;ext=1\r\n \r\n"
                                "a\r\n0123456789\r\n"
                                "0\r\nX-Trailer: t\r\n\r\n";
        checkEverySplit(wire, 200, "hello 0123456789");
    }

    void bodyDelimitedByClose()
    {
        const QByteArray wire = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nstreamed until the end";
        checkEverySplit(wire, 200, "streamed until the end", true);
        QVERIFY(!parse({wire}, true).keepAlive);
    }

    void headResponseHasNoBody()
    {
        const Outcome out = parse({"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n"}, false, true);
        QVERIFY(out.ok);
        QCOMPARE(out.completions, 1);
        QVERIFY(out.body.isEmpty());
    }

    void errorStatusKeepsItsBody()
    {
        checkEverySplit("HTTP/1.1 404 Not Found\r\nContent-Length: 31\r\n\r\n{\"message\":\"no such service\"}\r\n",
                        404, "{\"message\":\"no such service\"}\r\n");
    }

    void truncatedBodyIsAnError()
    {
        const QByteArray wire = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly a part";
        for (qsizetype split = 0; split < wire.size(); ++split) {
            const Outcome out = parse({wire.left(split)}, true);
            QVERIFY2(!out.ok, qPrintable(QString::number(split)));
            QVERIFY(!out.error.isEmpty());
            QCOMPARE(out.completions, 0);
        }
    }

    void truncatedChunkedIsAnError()
    {
        const Outcome out = parse({"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel"}, true);
        QVERIFY(!out.ok);
        QVERIFY(out.error.contains(QLatin1String("middle")));
    }

    void malformedInputIsRejected_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::newRow("garbage") << QByteArray("\x16\x03\x01\x02\x00 not http at all");
        QTest::newRow("bad status") << QByteArray("HTTP/1.1 2x0 OK\r\n\r\n");
        QTest::newRow("bad chunk size") << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n");
        QTest::newRow("bad header") << QByteArray("HTTP/1.1 200 OK\r\nNo colon here\r\n\r\n");
        QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\n");
    }

    void malformedInputIsRejected()
    {
        QFETCH(QByteArray, wire);
        const Outcome out = parse({wire});
        QVERIFY(!out.ok);
        QVERIFY(out.error.startsWith(QLatin1String("malformed HTTP response")));
    }

    void bytesAfterTheResponseAreAnError()
    {
        const Outcome out = parse({"HTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\n"});
        QVERIFY(!out.ok);
        QCOMPARE(out.completions, 1);
    }

    void resetServesTheNextResponse()
    {
        QByteArray bodies;
        HttpResponseParser parser({.onHeaders = {},
                                   .onBody = [&](const char *d, qsizetype n) { bodies.append(d, n); },
                                   .onComplete = {}});
        QVERIFY(parser.feed(QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na")));
        QVERIFY(parser.isComplete());
        parser.reset();
        QVERIFY(parser.feed(QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb")));
        QCOMPARE(bodies, QByteArray("ab"));
    }

    // Exec start's 101: the headers are the last HTTP; the bytes after them
    // (in the same piece or later ones) are the new protocol's, in order.
    void upgradeHandsOverTheRest()
    {
        const QByteArray frame("\x01\0\0\0\0\0\0\x03hi\n", 11); // stdout, 3 bytes
        const QByteArray wire =
            QByteArray("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\n"
                       "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n") +
            frame;
        for (int split = 1; split < wire.size(); ++split) {
            int status = 0;
            HttpResponseParser parser(
                {.onHeaders = [&](int s, const HttpResponseParser::Headers &) { status = s; },
                 .onBody = {},
                 .onComplete = {}});
            QVERIFY(parser.feed(wire.left(split)));
            QVERIFY2(parser.feed(wire.mid(split)),
                     qPrintable(QStringLiteral("split %1: %2").arg(split).arg(parser.error())));
            QCOMPARE(status, 101);
            QVERIFY(parser.isUpgraded());
            QCOMPARE(parser.takeUpgradeData(), frame);
        }
    }

    void closeBeforeAnyResponse()
    {
        HttpResponseParser parser({});
        QVERIFY(!parser.finish());
        QVERIFY(parser.error().contains(QLatin1String("before a response")));
    }
};

QTEST_GUILESS_MAIN(TestHttpResponseParser)
#include "tst_httpresponseparser.moc"
