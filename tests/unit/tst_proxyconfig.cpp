#include "services/proxy/proxyconfig.h"

#include <QTest>

using namespace cape;

// cape-proxyd's document, read strictly: what the issue's example says, and
// every mistake named with its place.
class TestProxyConfig : public QObject
{
    Q_OBJECT

private slots:
    void readsTheDocumentOfTheExample()
    {
        QStringList errors;
        const auto config = ProxyConfig::fromJson(R"({
            "listen": [{"address": "0.0.0.0:80"}, {"address": "0.0.0.0:443", "tls": true}],
            "certificates": [{"name": "site", "cert": "/run/secrets/site.crt", "key": "/run/secrets/site.key"}],
            "routes": [
              {"host": "App.Example.com", "path": "/api/", "service": "api", "port": 8080, "stripPrefix": true,
               "certificate": "site"},
              {"host": "*.example.com", "endpoints": ["127.0.0.1:9001", "127.0.0.1:9002"],
               "redirectToHttps": true, "healthPath": "/health"}
            ],
            "admin": {"address": "127.0.0.1:9000"}})",
                                                  &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->listen.size(), 2);
        QVERIFY(config->listen.at(1).tls);
        QCOMPARE(config->listen.at(1).address.port, 443);
        const ProxyConfig::Route &api = config->routes.at(0);
        QCOMPARE(api.host, QStringLiteral("app.example.com")); // host names have no case
        QCOMPARE(api.path, QStringLiteral("/api"));            // "/api/" and "/api" alike
        QCOMPARE(api.service, QStringLiteral("api"));
        QCOMPARE(api.port, 8080);
        QVERIFY(api.stripPrefix);
        QCOMPARE(config->certificate(api.certificate)->keyFile, QStringLiteral("/run/secrets/site.key"));
        const ProxyConfig::Route &any = config->routes.at(1);
        QCOMPARE(any.path, QStringLiteral("/"));
        QCOMPARE(any.endpoints.size(), 2);
        QCOMPARE(any.endpoints.at(1).port, 9002);
        QVERIFY(any.redirectToHttps);
        QCOMPARE(config->admin->port, 9000);

        // Written back, it reads the same.
        QStringList again;
        const auto reread = ProxyConfig::fromJson(config->toJson(), &again);
        QVERIFY2(reread, qPrintable(again.join(u'\n')));
        QCOMPARE(reread->routes, config->routes);
    }

    void namesEveryMistakeWithItsPlace_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        const QByteArray listen = R"("listen":[{"address":":80"}])";
        const auto doc = [&](const char *routes) { return "{" + listen + R"(,"routes":[)" + routes + "]}"; };
        QTest::newRow("not JSON") << QByteArray("{\"listen\": [") << "not JSON";
        QTest::newRow("no listener") << QByteArray(R"({"routes":[]})") << "$.listen: at least one listener";
        QTest::newRow("typo") << doc(R"({"host":"a.example.com","servce":"api","port":80})")
                              << "routes[0].servce: unknown member";
        QTest::newRow("service and endpoints")
            << doc(R"({"host":"a.b","service":"x","port":1,"endpoints":["h:1"]})")
            << "routes[0]: give either a service";
        QTest::newRow("neither") << doc(R"({"host":"a.b"})") << "routes[0]: give either a service";
        QTest::newRow("no port") << doc(R"({"host":"a.b","service":"api"})")
                                 << "routes[0].port: the service's port";
        QTest::newRow("port range") << doc(R"({"host":"a.b","service":"api","port":70000})")
                                    << "routes[0].port: must be a port number";
        // Found by fuzz_proxyconfig: too big for an integer, once undefined behaviour.
        QTest::newRow("huge port") << doc(R"({"host":"a.b","service":"api","port":80E71})")
                                   << "routes[0].port: must be a port number";
        QTest::newRow("fractional port") << doc(R"({"host":"a.b","service":"api","port":80.5})")
                                         << "routes[0].port: must be a port number";
        QTest::newRow("bad host") << doc(R"({"host":"a*.b.com","service":"api","port":80})")
                                  << "routes[0].host: a*.b.com is no host name";
        QTest::newRow("bad path") << doc(R"({"host":"a.b","path":"api","service":"x","port":1})")
                                  << "routes[0].path: must be a path prefix";
        QTest::newRow("twice") << doc(R"({"host":"a.b","path":"/x","service":"x","port":1},
                                          {"host":"A.b","path":"/x/","service":"y","port":2})")
                               << "routes[1]: a.b/x is routed twice";
        QTest::newRow("unknown certificate")
            << doc(R"({"host":"a.b","service":"x","port":1,"certificate":"nope"})")
            << "routes[0].certificate: no certificate is named nope";
        QTest::newRow("tls without certificate")
            << QByteArray(R"({"listen":[{"address":":443","tls":true}],"routes":[]})")
            << "a TLS listener needs at least one certificate";
        QTest::newRow("bad endpoint") << doc(R"({"host":"a.b","endpoints":["nowhere"]})")
                                      << "routes[0].endpoints[0]: must be host:port";
        QTest::newRow("bad listen address")
            << QByteArray(R"({"listen":[{"address":"eighty"}]})") << "listen[0].address: must be host:port";
        QTest::newRow("wrong type") << doc(R"({"host":"a.b","service":"x","port":"80"})")
                                    << "routes[0].port: must be a port number";
    }
    void namesEveryMistakeWithItsPlace()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        QStringList errors;
        QVERIFY(!ProxyConfig::fromJson(json, &errors));
        QVERIFY2(
            std::any_of(errors.cbegin(), errors.cend(), [&](const QString &e) { return e.contains(error); }),
            qPrintable(errors.join(u'\n')));
    }

    void collectsEveryErrorNotOnlyTheFirst()
    {
        QStringList errors;
        QVERIFY(!ProxyConfig::fromJson(R"({"listen":[{"address":":80"}],"routes":[
            {"host":"a.b","service":"x"}, {"host":"","path":"x","endpoints":[]}]})",
                                       &errors));
        QVERIFY2(errors.size() >= 3, qPrintable(errors.join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestProxyConfig)
#include "tst_proxyconfig.moc"
