#include "enginerelay.h"
#include "sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/eventlogmodel.h"
#include "models/nodetablemodel.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "models/stacktablemodel.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerclient.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

using test::EngineRelay;

// ClusterStore against the real sandbox swarm, its models checked by
// QAbstractItemModelTester through every change.
class TestClusterStore : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
    }

    void followsAServiceThroughEveryModel()
    {
        ClusterStore store;
        QList<QAbstractItemModelTester *> testers;
        for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{
                 store.nodes(), store.services(), store.tasks(), store.stacks(), store.networks(),
                 store.configs(), store.secrets(), store.events()})
            testers << new QAbstractItemModelTester(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest, &store);
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        store.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        QTRY_VERIFY_WITH_TIMEOUT(store.isLoaded(), 30000);
        QCOMPARE(store.state(), ClusterStore::State::Live);
        QCOMPARE(store.nodes()->rowCount(), 3);

        const QJsonObject spec{
            {QStringLiteral("Name"), QStringLiteral("store-follow")},
            {QStringLiteral("Labels"),
             QJsonObject{{QStringLiteral("com.docker.stack.namespace"), QStringLiteral("storetest")}}},
            {QStringLiteral("TaskTemplate"),
             QJsonObject{
                 {QStringLiteral("ContainerSpec"),
                  QJsonObject{{QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                              {QStringLiteral("Command"),
                               QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}},
                              {QStringLiteral("StopGracePeriod"), 1000000000}}}}},
            {QStringLiteral("Mode"),
             QJsonObject{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), 2}}}}}};
        DockerReply *created = test::await(store.client()->createService(spec));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { test::await(store.client()->removeService(id)); });

        const auto replicas = [&] { return store.services()->replicas(id); };
        QTRY_COMPARE_WITH_TIMEOUT(replicas().running, 2, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(store.stacks()->find(QStringLiteral("storetest")), 5000);
        test::await(store.client()->scaleService(id, 1));
        QTRY_COMPARE_WITH_TIMEOUT(replicas().desired, 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(replicas().running, 1, 60000);
        // The scaled-down replica is history now, not gone.
        int history = 0;
        for (const TaskRecord &task : store.tasks()->records())
            history += task.serviceId == id && task.isHistory();
        QVERIFY(history >= 1);

        test::await(store.client()->removeService(id));
        QTRY_VERIFY_WITH_TIMEOUT(!store.services()->find(id), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!store.stacks()->find(QStringLiteral("storetest")), 5000);
        for (const TaskRecord &task : store.tasks()->records())
            QVERIFY(task.serviceId != id);
        QVERIFY(store.events()->rowCount() > 0);
    }

    void reconnectsAndResyncsAfterAnOutage()
    {
        QTemporaryDir dir;
        EngineRelay relay(EngineRelay::socketPath(m_sandbox.value("DOCKER_HOST")),
                          dir.filePath(QStringLiteral("relay.sock")));
        QVERIFY(relay.listen());
        ClusterStore store;
        QAbstractItemModelTester tester(store.services(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        store.connectTo(test::SandboxEnvironment::endpoint(QStringLiteral("unix://") +
                                                           dir.filePath(QStringLiteral("relay.sock"))));
        QTRY_VERIFY_WITH_TIMEOUT(store.isLoaded(), 30000);
        QCOMPARE(store.state(), ClusterStore::State::Live);

        relay.cut();
        QTRY_COMPARE_WITH_TIMEOUT(store.state(), ClusterStore::State::Reconnecting, 10000);
        QVERIFY2(store.stateMessage().contains(QLatin1String("relay.sock")),
                 qPrintable(store.stateMessage()));
        QVERIFY2(store.stateMessage().contains(QLatin1String("retrying"), Qt::CaseInsensitive), qPrintable(store.stateMessage()));

        // What changed while Cape could not see it arrives with the resync.
        DockerClient direct(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        const QJsonObject spec{
            {QStringLiteral("Name"), QStringLiteral("store-outage")},
            {QStringLiteral("TaskTemplate"),
             QJsonObject{
                 {QStringLiteral("ContainerSpec"),
                  QJsonObject{{QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                              {QStringLiteral("Command"),
                               QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}}}}}}};
        DockerReply *created = test::await(direct.createService(spec));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { test::await(direct.removeService(id)); });

        QSignalSpy synced(&store, &ClusterStore::synced);
        QVERIFY(relay.listen());
        QTRY_COMPARE_WITH_TIMEOUT(store.state(), ClusterStore::State::Live, 40000);
        QVERIFY(synced.size() >= 1);
        QVERIFY(store.services()->find(id));
    }
};

QTEST_GUILESS_MAIN(TestClusterStore)
#include "tst_clusterstore.moc"
