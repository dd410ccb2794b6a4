#include "services/core/httprequestreader.h"

#include <QTest>

using cape::HttpRequest;
using cape::HttpRequestReader;

// Requests off a connection, whatever the split: what cape-agent and the
// benchmark's replay engine read.
class TestHttpRequestReader : public QObject
{
    Q_OBJECT

private slots:
    void readsPipelinedRequestsAtEverySplit()
    {
        const QByteArray wire =
            "GET /v1.41/containers/json?all=1 HTTP/1.1\r\nHost: docker\r\nX-Cape-Node: node3\r\n\r\n"
            "POST /containers/abc/exec HTTP/1.1\r\nHost: docker\r\nContent-Length: 9\r\n\r\n{\"Cmd\":1}"
            "GET /_ping HTTP/1.1\r\nConnection: close\r\n\r\n";
        for (int split = 1; split < wire.size(); ++split) {
            HttpRequestReader reader;
            QVERIFY(reader.feed(wire.left(split)));
            QList<HttpRequest> requests;
            while (const auto request = reader.next())
                requests << *request;
            QVERIFY(reader.feed(wire.mid(split)));
            while (const auto request = reader.next())
                requests << *request;
            QCOMPARE(requests.size(), 3);
            QCOMPARE(requests.at(0).path(), QStringLiteral("/v1.41/containers/json"));
            QCOMPARE(requests.at(0).header("x-cape-node"), QByteArray("node3"));
            QCOMPARE(requests.at(1).method, QByteArray("POST"));
            QCOMPARE(requests.at(1).body, QByteArray("{\"Cmd\":1}"));
            QVERIFY(requests.at(1).keepAlive);
            QVERIFY(!requests.at(2).keepAlive);
        }
    }

    void anUpgradeHandsOverWhatFollows()
    {
        HttpRequestReader reader;
        QVERIFY(reader.feed("POST /exec/e1/start HTTP/1.1\r\nConnection: Upgrade\r\nUpgrade: "
                            "tcp\r\nContent-Length: 2\r\n\r\n{}"
                            "ls\n"));
        const auto request = reader.next();
        QVERIFY(request && request->upgrade);
        QVERIFY(reader.feed("pwd\n"));
        QCOMPARE(reader.takeRest(), QByteArray("ls\npwd\n"));
    }

    void refusesWhatItWillNotHold_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("error");
        QTest::newRow("chunked") << QByteArray("POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n")
                                 << QStringLiteral("chunked");
        QTest::newRow("large body") << QByteArray("POST /x HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n")
                                    << QStringLiteral("too large");
        QTest::newRow("large head") << QByteArray("GET /") + QByteArray(70 * 1024, 'a') +
                                           QByteArray(" HTTP/1.1\r\n\r\n")
                                    << QStringLiteral("too large");
        QTest::newRow("garbage") << QByteArray("\x01\x02 nonsense\r\n\r\n") << QStringLiteral("malformed");
    }

    void refusesWhatItWillNotHold()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, error);
        HttpRequestReader reader;
        QVERIFY(!reader.feed(wire));
        QVERIFY2(reader.error().contains(error), qPrintable(reader.error()));
        QVERIFY(!reader.next());
    }
};

QTEST_GUILESS_MAIN(TestHttpRequestReader)
#include "tst_httprequestreader.moc"
