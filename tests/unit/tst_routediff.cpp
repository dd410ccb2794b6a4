// What the route editor shows before publishing: the running document
// against the edited one.
#include "models/routediff.h"

#include <QTest>

using namespace cape;

class TestRouteDiff : public QObject
{
    Q_OBJECT

    static ProxyConfig parse(const char *json)
    {
        QStringList errors;
        const auto config = ProxyConfig::fromJson(QByteArray(json), &errors);
        [&] { QVERIFY2(config, qPrintable(errors.join(u'\n'))); }();
        return config.value_or(ProxyConfig{});
    }

private slots:
    void theSameDocumentChangesNothing()
    {
        const ProxyConfig config =
            parse(R"({"listen":[{"address":":80"}],"routes":[{"host":"a.test","service":"a","port":80}]})");
        QCOMPARE(RouteDiff::between(config, config), QStringList());
    }

    void saysWhatIsAddedRemovedAndChanged()
    {
        const ProxyConfig running = parse(R"({"listen":[{"address":":80"}],
            "routes":[{"host":"a.test","service":"a","port":80},
                      {"host":"b.test","path":"/api","service":"b","port":8080},
                      {"host":"gone.test","endpoints":["10.0.0.1:80"]}]})");
        const ProxyConfig edited = parse(R"({"listen":[{"address":":80"},{"address":":443","tls":true}],
            "certificates":[{"name":"shop","cert":"/run/secrets/shop.crt","key":"/run/secrets/shop.key"}],
            "routes":[{"host":"A.test","service":"a","port":80,"certificate":"shop","redirectToHttps":true},
                      {"host":"b.test","path":"/api","service":"b2","port":9090,"stripPrefix":true},
                      {"host":"new.test","service":"n","port":3000}]})");
        QCOMPARE(RouteDiff::between(running, edited),
                 (QStringList{QStringLiteral("+ listener :443 (TLS)"), QStringLiteral("+ certificate shop"),
                              QStringLiteral("~ a.test: certificate none → shop; redirect to HTTPS no → yes"),
                              QStringLiteral("~ b.test/api: target b:8080 → b2:9090; strip prefix no → yes"),
                              QStringLiteral("+ new.test → n:3000"),
                              QStringLiteral("- gone.test → 10.0.0.1:80")}));
    }
};

QTEST_GUILESS_MAIN(TestRouteDiff)
#include "tst_routediff.moc"
