#include "services/agent/agentpolicy.h"

#include <QTest>

using cape::AgentPolicy;
using Kind = AgentPolicy::Kind;

// cape-agent's whitelist: what it forwards, what it refuses.
class TestAgentPolicy : public QObject
{
    Q_OBJECT

private slots:
    void decides_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("kind");
        QTest::addColumn<bool>("fanOut");
        const auto row = [](const char *name, const char *method, const char *path, Kind kind,
                            bool fanOut = false) {
            QTest::newRow(name) << QByteArray(method) << QString::fromLatin1(path) << int(kind) << fanOut;
        };
        row("ping", "GET", "/_ping", Kind::Engine);
        row("versioned info", "GET", "/v1.41/info", Kind::Engine);
        row("containers", "GET", "/v1.44/containers/json", Kind::Engine, true);
        row("events", "GET", "/events", Kind::Engine, true);
        row("inspect", "GET", "/containers/abc123/json", Kind::Engine);
        row("stats", "GET", "/v1.41/containers/web.1.x7f3/stats", Kind::Engine);
        row("logs", "GET", "/containers/abc/logs", Kind::Engine);
        row("exec create", "POST", "/containers/abc/exec", Kind::Engine);
        row("exec start", "POST", "/v1.41/exec/e1/start", Kind::EngineHijack);
        row("exec resize", "POST", "/exec/e1/resize", Kind::Engine);
        row("self", "GET", "/cape/agent", Kind::Self);
        row("create", "POST", "/containers/create", Kind::Forbidden);
        row("remove", "DELETE", "/containers/abc", Kind::Forbidden);
        row("kill", "POST", "/containers/abc/kill", Kind::Forbidden);
        row("stop", "POST", "/v1.41/containers/abc/stop", Kind::Forbidden);
        row("services", "GET", "/services", Kind::Forbidden);
        row("swarm leave", "POST", "/swarm/leave", Kind::Forbidden);
        row("images", "POST", "/images/create", Kind::Forbidden);
        row("stats by POST", "POST", "/containers/abc/stats", Kind::Forbidden);
        row("climbing", "GET", "/containers/../images/json", Kind::Forbidden);
        row("encoded", "GET", "/containers/a%2F..%2Fb/json", Kind::Forbidden);
        row("nested", "GET", "/containers/a/b/json", Kind::Forbidden);
    }

    void decides()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, kind);
        QFETCH(bool, fanOut);
        const AgentPolicy::Decision decision = AgentPolicy::decide(method, path);
        QCOMPARE(int(decision.kind), kind);
        QCOMPARE(decision.canFanOut, fanOut);
        if (!decision.allowed())
            QVERIFY2(decision.reason.contains(path), qPrintable(decision.reason)); // the path named
    }
};

QTEST_GUILESS_MAIN(TestAgentPolicy)
#include "tst_agentpolicy.moc"
