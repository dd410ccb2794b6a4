#include "enginerelay.h"
#include "sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/modelroles.h"
#include "models/servicetablemodel.h"
#include "models/statscollector.h"
#include "models/statstablemodel.h"
#include "services/docker/dockerclient.h"

#include <QAbstractItemModelTester>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;
using Group = StatsCollector::Group;

namespace {

double cell(const StatsTableModel &model, int row, int column)
{
    return model.index(row, column).data(SortRole).toDouble();
}

bool allEnginesLive(const StatsCollector &collector)
{
    const auto engines = collector.engines();
    return !engines.isEmpty() &&
           std::all_of(engines.begin(), engines.end(), [](const StatsCollector::Engine &e) {
               return e.state == StatsCollector::EngineState::Live;
           });
}

const StatsCollector::Engine engineAt(const StatsCollector &collector, const QString &endpoint)
{
    for (const StatsCollector::Engine &engine : collector.engines()) {
        if (engine.endpoint == endpoint)
            return engine;
    }
    return {};
}

QJsonObject sleeper(const QString &name, const QString &image, const QString &constraint)
{
    return QJsonObject{
        {QStringLiteral("Name"), name},
        {QStringLiteral("TaskTemplate"),
         QJsonObject{{QStringLiteral("ContainerSpec"),
                      QJsonObject{{QStringLiteral("Image"), image},
                                  {QStringLiteral("Command"),
                                   QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}},
                                  {QStringLiteral("StopGracePeriod"), 1000000000}}},
                     {QStringLiteral("Placement"),
                      QJsonObject{{QStringLiteral("Constraints"), QJsonArray{constraint}}}}}}};
}

} // namespace

// StatsCollector and its top table against the real sandbox swarm: every
// node's engine streams the stats of the containers it runs.
class TestStatsCollector : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
    }

    void aBusyServiceAddsUpPerServiceAndPerNode()
    {
        ClusterStore store;
        QList<DockerEndpoint> nodeEndpoints;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodeEndpoints << test::SandboxEnvironment::endpoint(node);
        store.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodeEndpoints);
        QTRY_VERIFY_WITH_TIMEOUT(store.isLoaded(), 30000);

        StatsCollector collector(&store);
        StatsTableModel containers(&collector);
        StatsTableModel services(&collector);
        StatsTableModel nodes(&collector);
        services.setGrouping(Group::Service);
        nodes.setGrouping(Group::Node);
        QList<QAbstractItemModelTester *> testers;
        for (QAbstractItemModel *model :
             std::initializer_list<QAbstractItemModel *>{&containers, &services, &nodes})
            testers << new QAbstractItemModelTester(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest, &collector);
        QSignalSpy resets(&containers, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&containers, &QAbstractItemModel::dataChanged);
        collector.start();
        QTRY_VERIFY_WITH_TIMEOUT(allEnginesLive(collector), 30000);
        // The manager is also in the node list: one engine per node, counted once.
        QCOMPARE(collector.engines().size(), 3);
        QTRY_COMPARE_WITH_TIMEOUT(nodes.rowCount(), 3, 5000);
        QVERIFY2(collector.problems().isEmpty(), qPrintable(collector.problems().join(u'\n')));

        // Two busy loops of 0.4 CPU each, on two different nodes.
        const QJsonObject spec{
            {QStringLiteral("Name"), QStringLiteral("stats-busy")},
            {QStringLiteral("TaskTemplate"),
             QJsonObject{
                 {QStringLiteral("ContainerSpec"),
                  QJsonObject{
                      {QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                      {QStringLiteral("Command"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                                             QStringLiteral("while :; do :; done")}},
                      {QStringLiteral("StopGracePeriod"), 1000000000}}},
                 {QStringLiteral("Resources"),
                  QJsonObject{
                      {QStringLiteral("Limits"), QJsonObject{{QStringLiteral("NanoCPUs"), 400000000}}}}},
                 {QStringLiteral("Placement"), QJsonObject{{QStringLiteral("MaxReplicas"), 1}}}}},
            {QStringLiteral("Mode"),
             QJsonObject{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), 2}}}}}};
        DockerReply *created = test::await(store.client()->createService(spec));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { test::removeService(store.client(), id); });

        // Its aggregated CPU, as the collector and as the services table show it.
        const auto serviceCpu = [&] {
            const auto now = collector.current(Group::Service, id);
            return now ? now->cpuPercent : 0.0;
        };
        QTRY_VERIFY_WITH_TIMEOUT(serviceCpu() > 50.0, 90000);
        QTRY_VERIFY_WITH_TIMEOUT(
            services.rowOf(id) >= 0 && cell(services, services.rowOf(id), StatsTableModel::Cpu) > 50.0, 5000);
        QCOMPARE(services.index(services.rowOf(id), StatsTableModel::Name).data().toString(),
                 QStringLiteral("stats-busy"));
        QCOMPARE(services.index(services.rowOf(id), StatsTableModel::Count).data().toString(),
                 QStringLiteral("2"));
        // No memory limit: no sum of the hosts' memory posing as one.
        QCOMPARE(services.index(services.rowOf(id), StatsTableModel::MemoryLimit).data().toString(),
                 QString());

        // One line per running replica besides the total, each busy.
        QTRY_COMPARE_WITH_TIMEOUT(store.services()->replicas(id).running, 2, 10000);
        const auto lines = collector.lines(Group::Service, id, 60, 8, QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(lines.size(), 1 + store.services()->replicas(id).running);
        QCOMPARE(lines.first().name, QStringLiteral("Total"));
        QVERIFY(lines.at(1).name.startsWith(QLatin1String("stats-busy.")));
        QVERIFY(lines.at(1).name != lines.at(2).name);
        QStringList replicaNodes;
        for (const StatsCollector::Container *c : collector.members(Group::Service, id))
            replicaNodes << c->nodeName;
        QCOMPARE(replicaNodes.size(), 2);
        QVERIFY2(replicaNodes.first() != replicaNodes.last(), qPrintable(replicaNodes.join(u' ')));

        // Each node's sum at one instant is the sum of the containers its own
        // engine says it runs, at that instant: one when both replicas are busy.
        qint64 second = 0;
        QTRY_VERIFY_WITH_TIMEOUT(
            (second = QDateTime::currentMSecsSinceEpoch() / 1000 - 1,
             collector.at(Group::Service, id, second).value_or(StatsSeries::Point{}).cpuPercent > 50.0),
            30000);
        double clusterCpu = 0.0;
        for (const StatsCollector::Engine &engine : collector.engines()) {
            DockerClient direct(test::SandboxEnvironment::endpoint(engine.endpoint));
            DockerReply *listed = test::await(direct.listContainers());
            QVERIFY2(listed->ok(), qPrintable(listed->error().toString()));
            QStringList running;
            for (const QJsonValue &c : listed->array())
                running << c.toObject().value(QLatin1String("Id")).toString();
            QStringList members;
            for (const StatsCollector::Container *c : collector.members(Group::Node, engine.nodeId))
                members << c->id;
            running.sort();
            members.sort();
            QCOMPARE(members, running);

            double cpu = 0.0, memory = 0.0, pids = 0.0;
            for (const QString &containerId : std::as_const(running)) {
                const auto value = collector.container(containerId)->series.at(second);
                QVERIFY2(value, qPrintable(containerId));
                cpu += value->cpuPercent;
                memory += value->memoryUsed;
                pids += value->pids;
            }
            const auto node = collector.at(Group::Node, engine.nodeId, second);
            QCOMPARE(node.has_value(), !running.isEmpty());
            if (node) {
                QCOMPARE(node->cpuPercent, cpu);
                QCOMPARE(node->memoryUsed, memory);
                QCOMPARE(node->pids, pids);
                clusterCpu += node->cpuPercent;
            }
        }
        QVERIFY(clusterCpu > 50.0);
        QCOMPARE(collector.at(Group::Cluster, QString(), second)->cpuPercent, clusterCpu);

        // What the tables show now: a node's row is the sum of its container rows.
        containers.refresh();
        nodes.refresh();
        for (int n = 0; n < nodes.rowCount(); ++n) {
            const QString name = nodes.index(n, StatsTableModel::Name).data().toString();
            double cpu = 0.0, memory = 0.0;
            int count = 0;
            for (int c = 0; c < containers.rowCount(); ++c) {
                if (containers.index(c, StatsTableModel::Node).data().toString() != name)
                    continue;
                cpu += cell(containers, c, StatsTableModel::Cpu);
                memory += cell(containers, c, StatsTableModel::Memory);
                ++count;
            }
            QCOMPARE(cell(nodes, n, StatsTableModel::Cpu), cpu);
            QCOMPARE(cell(nodes, n, StatsTableModel::Memory), memory);
            QCOMPARE(int(cell(nodes, n, StatsTableModel::Count)), count);
            QVERIFY(cell(nodes, n, StatsTableModel::MemoryLimit) > 0); // the node's memory
        }
        // Samples changed rows in place; nothing reset the table.
        QCOMPARE(resets.size(), 0);
        QVERIFY(changed.size() > 0);

        // Removed: its containers leave the tables.
        cleanup.dismiss();
        QVERIFY(test::await(store.client()->removeService(id))->ok());
        QTRY_VERIFY_WITH_TIMEOUT(collector.members(Group::Service, id).isEmpty(), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(services.rowOf(id), -1, 5000);
        // Its containers are gone, their history is not: the total's chart
        // keeps what ran (as across a rolling update), without replica lines.
        const auto history = collector.lines(Group::Service, id, 600, 8, QDateTime::currentMSecsSinceEpoch());
        QCOMPARE(history.size(), 1);
        QVERIFY(!history.first().points.isEmpty());
        QVERIFY(std::any_of(history.first().points.begin(), history.first().points.end(),
                            [](const StatsSeries::Point &p) { return p.cpuPercent > 50.0; }));
        QVERIFY2(collector.problems().isEmpty(), qPrintable(collector.problems().join(u'\n')));
    }

    void aLostEngineIsListedAgainWhenItAnswers()
    {
        // The last node's engine behind a relay the test cuts: the engine
        // and its containers stay up, Cape loses sight of them.
        const QStringList engines = m_sandbox.nodeEndpoints();
        QVERIFY(engines.size() >= 3);
        QTemporaryDir dir;
        test::EngineRelay relay(test::EngineRelay::socketPath(engines.last()),
                                dir.filePath(QStringLiteral("relay.sock")));
        QVERIFY(relay.listen());
        QList<DockerEndpoint> nodeEndpoints;
        for (const QString &node : engines.mid(0, engines.size() - 1))
            nodeEndpoints << test::SandboxEnvironment::endpoint(node);
        nodeEndpoints << test::SandboxEnvironment::endpoint(relay.endpoint());
        ClusterStore store;
        store.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodeEndpoints);
        QTRY_VERIFY_WITH_TIMEOUT(store.isLoaded(), 30000);
        StatsCollector collector(&store);
        StatsTableModel services(&collector);
        services.setGrouping(Group::Service);
        QAbstractItemModelTester tester(&services, QAbstractItemModelTester::FailureReportingMode::QtTest);
        collector.start();
        QTRY_VERIFY_WITH_TIMEOUT(allEnginesLive(collector), 30000);
        const QString hostname = engineAt(collector, relay.endpoint()).nodeName;
        QVERIFY(!hostname.isEmpty());

        DockerReply *created = test::await(store.client()->createService(
            sleeper(QStringLiteral("stats-relay"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"),
                    QStringLiteral("node.hostname==") + hostname)));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { test::removeService(store.client(), id); });
        const auto sampled = [&] {
            const auto members = collector.members(Group::Service, id);
            return members.size() == 1 && !members.first()->series.isEmpty();
        };
        QTRY_VERIFY_WITH_TIMEOUT(sampled(), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(services.rowOf(id) >= 0, 5000);

        relay.cut();
        QTRY_COMPARE_WITH_TIMEOUT(engineAt(collector, relay.endpoint()).state,
                                  StatsCollector::EngineState::Lost, 15000);
        // Said, with where and when it is tried again; and its numbers are not
        // shown as if they were current.
        const QString problems = collector.problems().join(u'\n');
        QVERIFY2(problems.contains(QStringLiteral("Lost ") + hostname), qPrintable(problems));
        QVERIFY2(problems.contains(QLatin1String("relay.sock")), qPrintable(problems));
        QVERIFY2(problems.contains(QLatin1String("retrying in")), qPrintable(problems));
        QVERIFY(collector.members(Group::Service, id).isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(services.rowOf(id), -1, 5000);

        QVERIFY(relay.listen());
        QTRY_COMPARE_WITH_TIMEOUT(engineAt(collector, relay.endpoint()).state,
                                  StatsCollector::EngineState::Live, 40000);
        QTRY_VERIFY_WITH_TIMEOUT(sampled(), 15000);
        QTRY_VERIFY_WITH_TIMEOUT(services.rowOf(id) >= 0, 5000);
        QVERIFY2(collector.problems().isEmpty(), qPrintable(collector.problems().join(u'\n')));
    }
};

QTEST_GUILESS_MAIN(TestStatsCollector)
#include "tst_statscollector.moc"
