// The route editor's checks, each problem a user would see on the canvas,
// against cluster facts and real certificates (made with OpenSSL).
#include "models/routevalidator.h"
#include "services/tls/certificatefactory.h"

#include <QTest>

using namespace cape;
using Problem = RouteValidator::Problem;

class TestRouteValidator : public QObject
{
    Q_OBJECT

    RouteValidator::Facts m_facts;

    static ProxyConfig::Route route(const QString &host, const QString &path, const QString &service,
                                    quint16 port)
    {
        ProxyConfig::Route r;
        r.host = host;
        r.path = path;
        r.service = service;
        r.port = port;
        return r;
    }

    static Certificate certificateFor(const QStringList &names)
    {
        QString error;
        const PrivateKey key = PrivateKey::generate(PrivateKey::Type::EcP256, &error);
        return CertificateFactory::selfSigned({.commonName = names.first(), .dnsNames = names, .days = 30},
                                              key, &error);
    }

    static QList<Problem> one(int route, const QString &message) { return {Problem{route, message}}; }

    static ProxyConfig plainConfig()
    {
        ProxyConfig config;
        config.listen << ProxyConfig::Listener{HostPort{QStringLiteral("0.0.0.0"), 80}, false};
        return config;
    }

private slots:
    void initTestCase()
    {
        m_facts.services.insert(QStringLiteral("api"), {{8080}, {QStringLiteral("front")}});
        m_facts.services.insert(QStringLiteral("web"),
                                {{80, 443}, {QStringLiteral("front"), QStringLiteral("back")}});
        m_facts.services.insert(QStringLiteral("db"), {{}, {QStringLiteral("back")}});
        m_facts.proxyNetworks = {QStringLiteral("front")};
        m_facts.certificates.insert(
            QStringLiteral("shop"),
            certificateFor({QStringLiteral("shop.example.com"), QStringLiteral("*.shop.example.com")}));
    }

    void aSoundDocumentHasNoProblem()
    {
        ProxyConfig config = plainConfig();
        config.routes << route(QStringLiteral("app.example.com"), QStringLiteral("/api"),
                               QStringLiteral("api"), 8080)
                      << route(QStringLiteral("app.example.com"), QStringLiteral("/"), QStringLiteral("web"),
                               80);
        QCOMPARE(RouteValidator::check(config, m_facts), QList<Problem>());
    }

    void findsAHostAndPathRoutedTwice()
    {
        ProxyConfig config = plainConfig();
        config.routes << route(QStringLiteral("app.example.com"), QStringLiteral("/api"),
                               QStringLiteral("api"), 8080)
                      << route(QStringLiteral("App.Example.com"), QStringLiteral("/api"),
                               QStringLiteral("web"), 80);
        QCOMPARE(RouteValidator::check(config, m_facts),
                 one(1, QStringLiteral("App.Example.com/api is routed twice (also by route 1).")));
    }

    void findsAnUnknownServiceOrPort()
    {
        ProxyConfig config = plainConfig();
        config.routes << route(QStringLiteral("a.example.com"), QStringLiteral("/"), QStringLiteral("nope"),
                               80)
                      << route(QStringLiteral("b.example.com"), QStringLiteral("/"), QStringLiteral("web"),
                               8080);
        const QList<Problem> expected{
            Problem{0, QStringLiteral("a.example.com: the swarm has no service named nope.")},
            Problem{1, QStringLiteral("b.example.com: web has no port 8080 (it has 80, 443).")}};
        QCOMPARE(RouteValidator::check(config, m_facts), expected);
    }

    void findsAServiceTheProxyCannotReach()
    {
        ProxyConfig config = plainConfig();
        config.routes << route(QStringLiteral("db.example.com"), QStringLiteral("/"), QStringLiteral("db"),
                               5432);
        QCOMPARE(RouteValidator::check(config, m_facts),
                 (QList<Problem>{
                     Problem{0, QStringLiteral("db.example.com: db is on no network cape-proxyd shares "
                                               "(the proxy is on front; the service on back).")}}));
    }

    void findsATlsListenerWithoutACertificate()
    {
        ProxyConfig config = plainConfig();
        config.listen << ProxyConfig::Listener{HostPort{QStringLiteral("0.0.0.0"), 443}, true};
        config.routes << route(QStringLiteral("app.example.com"), QStringLiteral("/"), QStringLiteral("web"),
                               80);
        QCOMPARE(RouteValidator::check(config, m_facts),
                 one(-1, QStringLiteral("A TLS listener needs a certificate: none is configured.")));
    }

    void findsACertificateThatDoesNotCoverItsHost()
    {
        ProxyConfig config = plainConfig();
        config.listen << ProxyConfig::Listener{HostPort{QStringLiteral("0.0.0.0"), 443}, true};
        config.certificates << ProxyConfig::Certificate{QStringLiteral("shop"),
                                                        QStringLiteral("/run/secrets/shop.crt"),
                                                        QStringLiteral("/run/secrets/shop.key")};
        ProxyConfig::Route covered =
            route(QStringLiteral("shop.example.com"), QStringLiteral("/"), QStringLiteral("web"), 80);
        covered.certificate = QStringLiteral("shop");
        ProxyConfig::Route sub =
            route(QStringLiteral("eu.shop.example.com"), QStringLiteral("/"), QStringLiteral("web"), 80);
        sub.certificate = QStringLiteral("shop");
        ProxyConfig::Route wildcard =
            route(QStringLiteral("*.shop.example.com"), QStringLiteral("/x"), QStringLiteral("web"), 80);
        wildcard.certificate = QStringLiteral("shop");
        ProxyConfig::Route deep =
            route(QStringLiteral("a.eu.shop.example.com"), QStringLiteral("/"), QStringLiteral("web"), 80);
        deep.certificate = QStringLiteral("shop");
        ProxyConfig::Route other =
            route(QStringLiteral("blog.example.com"), QStringLiteral("/"), QStringLiteral("web"), 80);
        ProxyConfig::Route missing =
            route(QStringLiteral("x.example.com"), QStringLiteral("/"), QStringLiteral("web"), 80);
        missing.certificate = QStringLiteral("nope");
        config.routes << covered << sub << wildcard << deep << other << missing;
        QCOMPARE(
            RouteValidator::check(config, m_facts),
            (QList<Problem>{
                Problem{3, QStringLiteral(
                               "a.eu.shop.example.com: certificate shop does not cover a.eu.shop.example.com "
                               "(it serves shop.example.com, *.shop.example.com).")},
                Problem{4, QStringLiteral(
                               "blog.example.com: no configured certificate covers blog.example.com for "
                               "the TLS listener.")},
                Problem{5, QStringLiteral("x.example.com: no certificate named nope is configured.")}}));
    }
};

QTEST_GUILESS_MAIN(TestRouteValidator)
#include "tst_routevalidator.moc"
