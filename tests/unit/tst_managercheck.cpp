#include "models/managercheck.h"

#include <QJsonDocument>
#include <QTest>

using cape::DockerError;
using cape::ManagerCheck;

// What an endpoint is, from its /info or the error it gave.
class TestManagerCheck : public QObject
{
    Q_OBJECT

    static QJsonObject info(const char *swarm)
    {
        return QJsonDocument::fromJson(
                   QByteArray(R"({"ID": "ABCD", "Name": "node2", "ServerVersion": "20.10.24", "Swarm": )") +
                   swarm + "}")
            .object();
    }

private slots:
    void aManagerIsOne()
    {
        const auto check = ManagerCheck::ofInfo(
            info(R"({"LocalNodeState": "active", "ControlAvailable": true})"), QStringLiteral("ssh://m"));
        QCOMPARE(check.verdict, ManagerCheck::Verdict::Manager);
        QVERIFY(!check.isRefusal());
    }

    void aWorkerNamesTheManagersToUse()
    {
        const auto check =
            ManagerCheck::ofInfo(info(R"({"LocalNodeState": "active", "ControlAvailable": false,
                     "RemoteManagers": [{"NodeID": "x", "Addr": "10.0.0.1:2377"}, {"NodeID": "y", "Addr": "10.0.0.2:2377"}]})"),
                                 QStringLiteral("unix:///w.sock"));
        QCOMPARE(check.verdict, ManagerCheck::Verdict::Worker);
        QVERIFY(check.isRefusal());
        QVERIFY2(check.message.contains(QLatin1String("node2 (unix:///w.sock) is a worker")),
                 qPrintable(check.message));
        QVERIFY2(check.message.contains(QLatin1String("10.0.0.1, 10.0.0.2")), qPrintable(check.message));
    }

    void anEngineInNoSwarmOrALockedOne()
    {
        QCOMPARE(ManagerCheck::ofInfo(info(R"({"LocalNodeState": "inactive"})"), QStringLiteral("e")).verdict,
                 ManagerCheck::Verdict::NoSwarm);
        const auto locked =
            ManagerCheck::ofInfo(info(R"({"LocalNodeState": "locked"})"), QStringLiteral("e"));
        QCOMPARE(locked.verdict, ManagerCheck::Verdict::NoSwarm);
        QVERIFY(locked.message.contains(QLatin1String("docker swarm unlock")));
    }

    void whatIsNoEngine()
    {
        // An /info answer without an engine's fields.
        QCOMPARE(ManagerCheck::ofInfo(QJsonObject{{QStringLiteral("hello"), 1}}, QStringLiteral("e")).verdict,
                 ManagerCheck::Verdict::NotAnEngine);
        DockerError notFound;
        notFound.kind = DockerError::Kind::Http;
        notFound.httpStatus = 404;
        notFound.message = QStringLiteral("not found");
        QCOMPARE(ManagerCheck::ofError(notFound, QStringLiteral("e"), true).verdict,
                 ManagerCheck::Verdict::NotAnEngine);
        // A 404 for /info from an engine is the engine's, not a verdict on what it is.
        QCOMPARE(ManagerCheck::ofError(notFound, QStringLiteral("e"), false).verdict,
                 ManagerCheck::Verdict::Unreachable);
        DockerError garbage;
        garbage.kind = DockerError::Kind::Protocol;
        garbage.message = QStringLiteral("malformed status line");
        QCOMPARE(ManagerCheck::ofError(garbage, QStringLiteral("e"), true).verdict,
                 ManagerCheck::Verdict::NotAnEngine);
    }

    void unreachableIsNotAVerdict()
    {
        DockerError refused;
        refused.kind = DockerError::Kind::Connection;
        refused.message = QStringLiteral("connection refused");
        const auto check = ManagerCheck::ofError(refused, QStringLiteral("tcp://m:2376"), true);
        QCOMPARE(check.verdict, ManagerCheck::Verdict::Unreachable);
        QVERIFY(!check.isRefusal()); // retried with back-off, said as a lost connection
    }
};

QTEST_GUILESS_MAIN(TestManagerCheck)
#include "tst_managercheck.moc"
