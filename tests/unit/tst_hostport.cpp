#include "services/core/hostport.h"

#include <QTest>

using namespace cape;

class TestHostPort : public QObject
{
    Q_OBJECT

private slots:
    void parses_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("hostRequired");
        QTest::addColumn<QString>("host"); // empty with port 0: refused
        QTest::addColumn<int>("port");
        QTest::newRow("name") << QStringLiteral("redis:6379") << true << QStringLiteral("redis") << 6379;
        QTest::newRow("ipv4") << QStringLiteral(" 127.0.0.1:30342 ") << true << QStringLiteral("127.0.0.1")
                              << 30342;
        QTest::newRow("ipv6") << QStringLiteral("[::1]:9464") << true << QStringLiteral("::1") << 9464;
        QTest::newRow("any address") << QStringLiteral(":9464") << false << QString() << 9464;
        QTest::newRow("any address, host required") << QStringLiteral(":9464") << true << QString() << 0;
        QTest::newRow("no port") << QStringLiteral("redis") << true << QString() << 0;
        QTest::newRow("port 0") << QStringLiteral("redis:0") << true << QString() << 0;
        QTest::newRow("port too big") << QStringLiteral("redis:70000") << true << QString() << 0;
        QTest::newRow("not a number") << QStringLiteral("redis:http") << true << QString() << 0;
        QTest::newRow("a path") << QStringLiteral("redis/x:1") << true << QString() << 0;
    }
    void parses()
    {
        QFETCH(QString, text);
        QFETCH(bool, hostRequired);
        QFETCH(QString, host);
        QFETCH(int, port);
        const auto parsed = HostPort::parse(text, hostRequired);
        QCOMPARE(parsed.has_value(), port != 0);
        if (parsed) {
            QCOMPARE(parsed->host, host);
            QCOMPARE(int(parsed->port), port);
        }
    }

    void writesIpv6InBrackets()
    {
        QCOMPARE((HostPort{QStringLiteral("::1"), 80}.toString()), QStringLiteral("[::1]:80"));
        QCOMPARE((HostPort{QStringLiteral("redis"), 6379}.toString()), QStringLiteral("redis:6379"));
    }
};

QTEST_GUILESS_MAIN(TestHostPort)
#include "tst_hostport.moc"
