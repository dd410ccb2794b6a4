#include "models/agentengines.h"

#include "services/agent/agentpolicy.h"
#include "services/docker/dockertunnel.h"

#include <QTest>

using namespace cape;

namespace {

NodeRecord node(const QString &id, const QString &hostname, const QString &state = QStringLiteral("ready"))
{
    NodeRecord n;
    n.id = id;
    n.hostname = hostname;
    n.state = state;
    return n;
}

ServiceRecord service(const QString &name, const QString &component)
{
    QJsonObject labels;
    if (!component.isEmpty())
        labels.insert(QStringLiteral("cape.component"), component);
    return ServiceRecord::fromJson(
        QJsonObject{{QStringLiteral("ID"), name + QStringLiteral("-id")},
                    {QStringLiteral("Spec"),
                     QJsonObject{{QStringLiteral("Name"), name}, {QStringLiteral("Labels"), labels}}}});
}

QStringList described(const AgentEngines &engines)
{
    QStringList out;
    for (const DockerEndpoint &endpoint : engines.endpoints())
        out << endpoint.toString();
    return out;
}

} // namespace

// Which nodes Cape reaches through cape-agent, as the swarm changes: only
// while the agent's service exists, never the manager it is connected to,
// never a node with an endpoint of its own, and the same endpoint for a
// node from one update to the next.
class TestAgentEngines : public QObject
{
    Q_OBJECT

    DockerEndpoint m_manager;
    const QList<NodeRecord> m_nodes{
        node(QStringLiteral("n1"), QStringLiteral("node1")),
        node(QStringLiteral("n3"), QStringLiteral("node3")),
        node(QStringLiteral("n2"), QStringLiteral("node2"), QStringLiteral("down"))};

private slots:
    void init()
    {
        QString error;
        QVERIFY(DockerEndpoint::parse(QStringLiteral("ssh://ops@manager"), &m_manager, &error));
    }

    void noAgentNoTunnels()
    {
        AgentEngines engines;
        engines.reset(m_manager);
        QVERIFY(!engines.update({service(QStringLiteral("cape_proxyd"), QStringLiteral("proxyd"))}, m_nodes,
                                QStringLiteral("n1"), {}));
        QVERIFY(engines.endpoints().isEmpty());
        QVERIFY(engines.service().isEmpty());
    }

    void everyOtherNodeThroughTheAgentOnTheManager()
    {
        AgentEngines engines;
        engines.reset(m_manager);
        QVERIFY(engines.update({service(QStringLiteral("web"), {}),
                                service(QStringLiteral("cape_agent"), QStringLiteral("agent"))},
                               m_nodes, QStringLiteral("n1"), {}));
        QCOMPARE(engines.service(), QStringLiteral("cape_agent"));
        // A node that is down keeps its tunnel: what asks it hears why it cannot answer.
        QCOMPARE(described(engines),
                 (QStringList{QStringLiteral("node2 through cape-agent on ssh://ops@manager"),
                              QStringLiteral("node3 through cape-agent on ssh://ops@manager")}));
        const DockerEndpoint node3 = engines.endpoints().at(1);
        QCOMPARE(node3.transport, DockerEndpoint::Transport::Tunnel);
        QCOMPARE(engines.nodeOf(node3), QStringLiteral("n3"));
        QCOMPARE(engines.nodeOf(m_manager), QString());
        // Every request through it names its node for the agent.
        QCOMPARE(node3.tunnel->headers(),
                 (QList<QPair<QByteArray, QByteArray>>{{QByteArray(AgentPolicy::NodeHeader), "n3"}}));
    }

    void aNodeWithItsOwnEndpointIsLeftToIt()
    {
        AgentEngines engines;
        engines.reset(m_manager);
        engines.update({service(QStringLiteral("cape_agent"), QStringLiteral("agent"))}, m_nodes,
                       QStringLiteral("n1"), {QStringLiteral("n2")});
        QCOMPARE(described(engines),
                 QStringList{QStringLiteral("node3 through cape-agent on ssh://ops@manager")});
    }

    void theSameEndpointsWhileNothingChanges()
    {
        AgentEngines engines;
        engines.reset(m_manager);
        const QList<ServiceRecord> services{service(QStringLiteral("cape_agent"), QStringLiteral("agent"))};
        engines.update(services, m_nodes, QStringLiteral("n1"), {});
        const QList<DockerEndpoint> before = engines.endpoints();
        QVERIFY(!engines.update(services, m_nodes, QStringLiteral("n1"), {}));
        QCOMPARE(engines.endpoints(), before); // the same tunnels: what follows them goes on

        // A node joins: one more, the others kept.
        QList<NodeRecord> more = m_nodes;
        more << node(QStringLiteral("n4"), QStringLiteral("node4"));
        QVERIFY(engines.update(services, more, QStringLiteral("n1"), {}));
        QCOMPARE(engines.endpoints().mid(0, 2), before);
        QCOMPARE(engines.endpoints().size(), 3);
        // It leaves again.
        QVERIFY(engines.update(services, m_nodes, QStringLiteral("n1"), {}));
        QCOMPARE(engines.endpoints(), before);
        // The agent is removed: no tunnels.
        QVERIFY(engines.update({}, m_nodes, QStringLiteral("n1"), {}));
        QVERIFY(engines.endpoints().isEmpty());
    }

    void anotherManagerStartsOver()
    {
        AgentEngines engines;
        engines.reset(m_manager);
        engines.update({service(QStringLiteral("cape_agent"), QStringLiteral("agent"))}, m_nodes,
                       QStringLiteral("n1"), {});
        engines.reset(m_manager);
        QVERIFY(engines.endpoints().isEmpty());
        QVERIFY(engines.service().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAgentEngines)
#include "tst_agentengines.moc"
