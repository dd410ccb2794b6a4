#include "services/proxy/httpmessageparser.h"

#include <QTest>

using namespace cape;
using Stop = HttpMessageParser::Stop;

namespace {

struct Stopped
{
    Stop stop;
    QByteArray consumed;
    QByteArray body; // what of it is body, to forward as it is
};

// Feeds everything, as a proxy does, and writes down where it stopped.
QList<Stopped> run(HttpMessageParser &parser, const QByteArray &input)
{
    QList<Stopped> stops;
    qsizetype at = 0;
    while (at < input.size()) {
        const auto result = parser.feed(input.constData() + at, size_t(input.size() - at));
        const QByteArray consumed = input.mid(at, qsizetype(result.consumed));
        stops.append({result.stop, consumed, consumed.mid(qsizetype(result.bodyFrom))});
        at += qsizetype(result.consumed);
        if (result.stop == Stop::Error || result.stop == Stop::NeedMore)
            break;
        if (result.stop == Stop::MessageComplete)
            parser.reset();
    }
    return stops;
}

} // namespace

// libhttp-parser as the proxy drives it: stops at the end of the head and of
// each message, the bytes between them given back for forwarding.
class TestHttpMessageParser : public QObject
{
    Q_OBJECT

private slots:
    void stopsAtTheHeadThenAtTheEndOfABodylessRequest()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const QByteArray request = "GET /api/x?y=1 HTTP/1.1\r\nHost: App.example.com\r\nX-A: 1\r\n\r\n";
        const auto stops = run(parser, request);
        QCOMPARE(stops.size(), 2);
        QCOMPARE(stops.at(0).stop, Stop::HeadComplete);
        QCOMPARE(stops.at(1).stop, Stop::MessageComplete);
        QCOMPARE(stops.at(0).consumed + stops.at(1).consumed, request);
        QCOMPARE(stops.at(0).body, QByteArray());
        QCOMPARE(stops.at(1).body, QByteArray()); // the head's last byte is no body
    }

    void givesTheBodyBackAsItCame()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const QByteArray head = "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\n";
        const auto stops = run(parser, head + "hello" + "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
        QCOMPARE(stops.at(0).stop, Stop::HeadComplete);
        QCOMPARE(stops.at(1).stop, Stop::MessageComplete);
        QCOMPARE(stops.at(0).consumed + stops.at(1).consumed, head + "hello");
        QCOMPARE(stops.at(1).body, QByteArray("hello"));
        QCOMPARE(stops.at(2).stop, Stop::HeadComplete); // the pipelined next request
        QCOMPARE(stops.at(3).stop, Stop::MessageComplete);
    }

    void collectsTheRequestHead()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const QByteArray request =
            "DELETE /a HTTP/1.0\r\nHost: h:8080\r\nConnection: keep-alive\r\nX-Long: a\r\n\r\n";
        QCOMPARE(parser.feed(request.constData(), size_t(request.size())).stop, Stop::HeadComplete);
        QCOMPARE(parser.method().toByteArray(), QByteArray("DELETE"));
        QCOMPARE(parser.url().toByteArray(), QByteArray("/a"));
        QCOMPARE(parser.header("host").toByteArray(), QByteArray("h:8080"));
        QCOMPARE(parser.minorVersion(), 0);
        QVERIFY(parser.keepAlive());
    }

    void chunkedBodiesPassThrough()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Response);
        const QByteArray response =
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        const auto stops = run(parser, response);
        QCOMPARE(stops.last().stop, Stop::MessageComplete);
        QByteArray all, body;
        for (const Stopped &stopped : stops) {
            all += stopped.consumed;
            body += stopped.body;
        }
        QCOMPARE(all, response);
        QCOMPARE(body, QByteArray("5\r\nhello\r\n0\r\n\r\n")); // the framing kept
    }

    void aResponseToHeadHasNoBody()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Response);
        parser.expectNoBody();
        const auto stops = run(parser, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n");
        QCOMPARE(stops.last().stop, Stop::MessageComplete);
    }

    void passesOnlyEndToEndHeadersEvenWhenTheHeadArrivesByteByByte()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const QByteArray request =
            "GET /a?b=c HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, X-Private ,Te\r\n"
            "X-Private: secret\r\nTE: trailers\r\nAccept: */*\r\nKeep-Alive: 5\r\n"
            "X-Forwarded-For: 6.6.6.6\r\nProxy-Authorization: x\r\nX-Empty:\r\n"
            "Accept: text/html\r\n\r\n";
        Stop stop = Stop::NeedMore;
        for (qsizetype at = 0; at < request.size() && stop == Stop::NeedMore; ++at)
            stop = parser.feed(request.constData() + at, 1).stop;
        QCOMPARE(stop, Stop::HeadComplete);
        QCOMPARE(parser.url().toByteArray(), QByteArray("/a?b=c"));
        QByteArray lines = "kept: ";
        parser.appendEndToEndHeaders(lines);
        // Connection and what it names, hop-by-hop and X-Forwarded-* gone;
        // the rest in order, repeated headers too.
        QCOMPARE(lines, QByteArray("kept: Host: h\r\nAccept: */*\r\nX-Empty: \r\nAccept: text/html\r\n"));
        QCOMPARE(parser.header("ACCEPT").toByteArray(), QByteArray("*/*"));
        QCOMPARE(parser.headerCount(), 10);

        // The next message starts afresh (the buffer reused).
        parser.reset();
        const QByteArray next = "GET /n HTTP/1.1\r\nHost: other\r\n\r\n";
        QCOMPARE(parser.feed(next.constData(), size_t(next.size())).stop, Stop::HeadComplete);
        QCOMPARE(parser.url().toByteArray(), QByteArray("/n"));
        QCOMPARE(parser.header("host").toByteArray(), QByteArray("other"));
        QCOMPARE(parser.headerCount(), 1);
    }

    void anUpgradeRequestWithABodyEndsAfterItsBody()
    {
        // Found by fuzz_httpmessageparser: the Upgrade flag once ended the
        // message at the first piece after its head, mid-body.
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const QByteArray request = "POST /h2c HTTP/1.1\r\nHost: h\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n"
                                   "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
        QList<Stop> stops;
        qsizetype at = 0;
        while (at < request.size()) {
            const auto result =
                parser.feed(request.constData() + at, size_t(std::min<qsizetype>(7, request.size() - at)));
            at += qsizetype(result.consumed);
            if (result.stop != Stop::NeedMore)
                stops << result.stop;
        }
        QCOMPARE(stops, (QList<Stop>{Stop::HeadComplete, Stop::MessageComplete}));
        QVERIFY(parser.messageComplete());
        QVERIFY(parser.isUpgrade());
    }

    void aResponseWithoutLengthEndsWithTheConnection()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Response);
        const auto stops = run(parser, "HTTP/1.0 200 OK\r\n\r\nsome bytes");
        QCOMPARE(stops.last().stop, Stop::NeedMore);
        QCOMPARE(parser.finish(), Stop::MessageComplete);
        QVERIFY(!parser.keepAlive());
    }

    void refusesGarbage()
    {
        HttpMessageParser parser(HttpMessageParser::Kind::Request);
        const auto stops = run(parser, "GARBAGE\r\n\r\n");
        QCOMPARE(stops.last().stop, Stop::Error);
    }
};

QTEST_GUILESS_MAIN(TestHttpMessageParser)
#include "tst_httpmessageparser.moc"
