#include "services/proxy/routetable.h"

#include <QTest>

using namespace cape;

namespace {

ProxyConfig::Route route(const char *host, const char *path, bool strip = false)
{
    ProxyConfig::Route r;
    r.host = QString::fromLatin1(host);
    r.path = QString::fromLatin1(path);
    r.service = QStringLiteral("s");
    r.port = 80;
    r.stripPrefix = strip;
    return r;
}

} // namespace

// Which route a request reaches: exact hosts before wildcards, the longest
// wildcard and the longest path prefix first, segment boundaries kept.
class TestRouteTable : public QObject
{
    Q_OBJECT

private slots:
    void matchesHostsThenTheLongestPathPrefix_data()
    {
        QTest::addColumn<QString>("host");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("route");
        // 0 app/ · 1 app/api · 2 app/api/v2 · 3 *.example.com/ · 4 *.shop.example.com/ · 5
        // *.shop.example.com/admin
        QTest::newRow("root") << "app.example.com"
                              << "/" << 0;
        QTest::newRow("prefix") << "app.example.com"
                                << "/api" << 1;
        QTest::newRow("below the prefix") << "app.example.com"
                                          << "/api/users/7" << 1;
        QTest::newRow("longest prefix") << "app.example.com"
                                        << "/api/v2/x" << 2;
        QTest::newRow("segment boundary") << "app.example.com"
                                          << "/apix" << 0;
        QTest::newRow("case and port") << "App.Example.COM:8443"
                                       << "/api" << 1;
        QTest::newRow("trailing dot") << "app.example.com."
                                      << "/api" << 1;
        QTest::newRow("wildcard") << "www.example.com"
                                  << "/anything" << 3;
        QTest::newRow("deeper names") << "a.b.example.com"
                                      << "/" << 3;
        QTest::newRow("longest wildcard") << "x.shop.example.com"
                                          << "/cart" << 4;
        QTest::newRow("its path") << "x.shop.example.com"
                                  << "/admin/users" << 5;
        QTest::newRow("wildcard is not the apex") << "example.com"
                                                  << "/" << -1;
        QTest::newRow("unrouted host") << "evil.test"
                                       << "/" << -1;
        QTest::newRow("IPv6 literal") << "[::1]:443"
                                      << "/" << -1;
    }
    void matchesHostsThenTheLongestPathPrefix()
    {
        QFETCH(QString, host);
        QFETCH(QString, path);
        QFETCH(int, route);
        const RouteTable table({::route("app.example.com", "/"), ::route("app.example.com", "/api"),
                                ::route("app.example.com", "/api/v2"), ::route("*.example.com", "/"),
                                ::route("*.shop.example.com", "/"), ::route("*.shop.example.com", "/admin")});
        QCOMPARE(table.match(host, path), route);
    }

    void anExactHostWithoutTheRightPathFallsToAWildcard()
    {
        const RouteTable table({route("app.example.com", "/api"), route("*.example.com", "/")});
        QCOMPARE(table.match(u"app.example.com", u"/api/x"), 0);
        QCOMPARE(table.match(u"app.example.com", u"/other"), 1);
    }

    void stripsThePrefixWhenTheRouteSaysSo()
    {
        QCOMPARE(RouteTable::upstreamPath(route("a.b", "/api", true), QStringLiteral("/api/users")),
                 QStringLiteral("/users"));
        QCOMPARE(RouteTable::upstreamPath(route("a.b", "/api", true), QStringLiteral("/api")),
                 QStringLiteral("/"));
        QCOMPARE(RouteTable::upstreamPath(route("a.b", "/api", false), QStringLiteral("/api/users")),
                 QStringLiteral("/api/users"));
        QCOMPARE(RouteTable::upstreamPath(route("a.b", "/", true), QStringLiteral("/x")),
                 QStringLiteral("/x"));
    }
};

QTEST_GUILESS_MAIN(TestRouteTable)
#include "tst_routetable.moc"
