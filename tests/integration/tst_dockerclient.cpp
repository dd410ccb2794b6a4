#include "sandboxenvironment.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

using namespace cape;
using cape::test::await;

// The Docker client against the real sandbox swarm: three dockerd nodes in
// their own network namespaces (node1 manager, node2 and node3 workers).
// Slots run in order and build on each other: one service is created,
// scaled, force-updated, drained around, read, measured and removed.
class TestDockerClient : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    std::unique_ptr<DockerClient> m_manager;
    std::unique_ptr<DockerEventStream> m_events;
    QList<QJsonObject> m_seen; // every event since initTestCase
    QString m_serviceId;
    const QString m_serviceName = QStringLiteral("cape-test-ticker");
    QHash<QString, QString> m_nodeIdByHostname;

    QJsonDocument ok(DockerReply *reply) { return test::expectOk(reply); }

    // Tasks of our service that are desired and actually running.
    QList<QJsonObject> runningTasks()
    {
        DockerClient::Filters filters{{QStringLiteral("service"), {m_serviceName}},
                                      {QStringLiteral("desired-state"), {QStringLiteral("running")}}};
        QList<QJsonObject> running;
        for (const QJsonValue &task : ok(m_manager->listTasks(filters)).array()) {
            const QJsonObject t = task.toObject();
            if (t.value(QLatin1String("Status")).toObject().value(QLatin1String("State")).toString() ==
                QLatin1String("running"))
                running.append(t);
        }
        return running;
    }

    QSet<QString> nodesOf(const QList<QJsonObject> &tasks)
    {
        QSet<QString> nodes;
        for (const QJsonObject &t : tasks)
            nodes.insert(t.value(QLatin1String("NodeID")).toString());
        return nodes;
    }

    bool sawEvent(const QString &type, const QString &action, const QString &actorId,
                  const QString &attribute = {}, const QString &value = {})
    {
        for (const QJsonObject &e : std::as_const(m_seen)) {
            const QJsonObject actor = e.value(QLatin1String("Actor")).toObject();
            if (e.value(QLatin1String("Type")).toString() == type &&
                e.value(QLatin1String("Action")).toString() == action &&
                actor.value(QLatin1String("ID")).toString() == actorId &&
                (attribute.isEmpty() ||
                 actor.value(QLatin1String("Attributes")).toObject().value(attribute).toString() == value))
                return true;
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        m_manager = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        // Leftovers of an interrupted run.
        std::unique_ptr<DockerReply>(await(m_manager->removeService(m_serviceName)));

        DockerClient::EventOptions options;
        options.filters = {{QStringLiteral("type"), {QStringLiteral("service"), QStringLiteral("node")}}};
        m_events.reset(m_manager->events(options));
        connect(m_events.get(), &DockerEventStream::event, this,
                [this](const QJsonObject &e) { m_seen.append(e); });
        QTRY_VERIFY_WITH_TIMEOUT(m_events->isLive(), 20000);
        QVERIFY(!m_events->error());
    }

    void negotiatesTheEnginesVersion()
    {
        const QJsonObject version = ok(m_manager->version()).object();
        ok(m_manager->info());
        QCOMPARE(m_manager->apiVersion(),
                 version.value(QLatin1String("ApiVersion")).toString()); // 1.41 on Debian's 20.10
        QVERIFY(DockerClient::compareVersions(m_manager->apiVersion(),
                                              QLatin1String(DockerClient::MaxApiVersion)) <= 0);
    }

    void threeNodesWithTheirRoles()
    {
        const QJsonArray nodes = ok(m_manager->listNodes()).array();
        QCOMPARE(nodes.size(), 3);
        int managers = 0;
        int leaders = 0;
        for (const QJsonValue &n : nodes) {
            const QJsonObject node = n.toObject();
            const QString hostname = node.value(QLatin1String("Description"))
                                         .toObject()
                                         .value(QLatin1String("Hostname"))
                                         .toString();
            const QString role =
                node.value(QLatin1String("Spec")).toObject().value(QLatin1String("Role")).toString();
            m_nodeIdByHostname.insert(hostname, node.value(QLatin1String("ID")).toString());
            QCOMPARE(node.value(QLatin1String("Status")).toObject().value(QLatin1String("State")).toString(),
                     QStringLiteral("ready"));
            if (role == QLatin1String("manager")) {
                ++managers;
                QCOMPARE(hostname, QStringLiteral("node1"));
                leaders += node.value(QLatin1String("ManagerStatus"))
                               .toObject()
                               .value(QLatin1String("Leader"))
                               .toBool();
            } else {
                QCOMPARE(role, QStringLiteral("worker"));
            }
        }
        QCOMPARE(managers, 1);
        QCOMPARE(leaders, 1);
        QCOMPARE(QSet<QString>(m_nodeIdByHostname.keyBegin(), m_nodeIdByHostname.keyEnd()),
                 (QSet<QString>{QStringLiteral("node1"), QStringLiteral("node2"), QStringLiteral("node3")}));
        const QJsonObject node2 =
            ok(m_manager->inspectNode(m_nodeIdByHostname.value(QStringLiteral("node2")))).object();
        QCOMPARE(node2.value(QLatin1String("ID")).toString(),
                 m_nodeIdByHostname.value(QStringLiteral("node2")));
    }

    void swarmAndJoinTokens()
    {
        const QJsonObject swarm = ok(m_manager->inspectSwarm()).object();
        QVERIFY(!swarm.value(QLatin1String("ID")).toString().isEmpty());
        const QJsonObject tokens = ok(m_manager->joinTokens()).object();
        const QString worker = tokens.value(QLatin1String("Worker")).toString();
        QVERIFY2(worker.startsWith(QLatin1String("SWMTKN-")), qPrintable(worker));
        QVERIFY(tokens.value(QLatin1String("Manager")).toString().startsWith(QLatin1String("SWMTKN-")));
        ok(m_manager->rotateJoinTokens(true, false));
        const QJsonObject rotated = ok(m_manager->joinTokens()).object();
        QVERIFY(rotated.value(QLatin1String("Worker")).toString() != worker);
        QCOMPARE(rotated.value(QLatin1String("Manager")).toString(),
                 tokens.value(QLatin1String("Manager")).toString());
    }

    void serviceWithFourReplicasSpreadsOverTheNodes()
    {
        const QJsonObject spec =
            QJsonDocument::fromJson(QStringLiteral(R"({
            "Name": "%1",
            "Labels": {"cape.test": "1"},
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "%2",
                    "Command": ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.5; done"],
                    "StopGracePeriod": 1000000000
                },
                "RestartPolicy": {"Condition": "any", "Delay": 1000000000}
            },
            "Mode": {"Replicated": {"Replicas": 4}},
            "UpdateConfig": {"Parallelism": 2, "Order": "start-first", "FailureAction": "rollback", "Monitor": 1000000000}
        })")
                                        .arg(m_serviceName, m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))
                                        .toUtf8())
                .object();
        const QJsonObject created = ok(m_manager->createService(spec)).object();
        m_serviceId = created.value(QLatin1String("ID")).toString();
        QVERIFY(!m_serviceId.isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(runningTasks().size(), 4, 60000);
        QVERIFY2(nodesOf(runningTasks()).size() >= 2, "four replicas should not all land on one node");
        QTRY_VERIFY_WITH_TIMEOUT(sawEvent(QStringLiteral("service"), QStringLiteral("create"), m_serviceId),
                                 10000);

        const QJsonArray listed =
            ok(m_manager->listServices({{QStringLiteral("name"), {m_serviceName}}})).array();
        QCOMPARE(listed.size(), 1);
        const QJsonObject status = listed.at(0).toObject().value(QLatin1String("ServiceStatus")).toObject();
        QCOMPARE(status.value(QLatin1String("DesiredTasks")).toInt(), 4); // status=true was asked for
    }

    void scaleAndWatchTheTasksFollow()
    {
        ok(m_manager->scaleService(m_serviceId, 6));
        QTRY_COMPARE_WITH_TIMEOUT(runningTasks().size(), 6, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(sawEvent(QStringLiteral("service"), QStringLiteral("update"), m_serviceId,
                                          QStringLiteral("replicas.new"), QStringLiteral("6")),
                                 10000);
        const QJsonObject inspected = ok(m_manager->inspectService(m_serviceId)).object();
        QCOMPARE(inspected.value(QLatin1String("Spec"))
                     .toObject()
                     .value(QLatin1String("Mode"))
                     .toObject()
                     .value(QLatin1String("Replicated"))
                     .toObject()
                     .value(QLatin1String("Replicas"))
                     .toInt(),
                 6);
    }

    void concurrentUpdatesBothLand()
    {
        // Two updates read the same version index; the engine refuses the
        // second ("update out of sequence") and the client re-reads and retries.
        const auto label = [](const QString &key) {
            return [key](QJsonObject &spec) {
                QJsonObject labels = spec.value(QLatin1String("Labels")).toObject();
                labels.insert(key, QStringLiteral("yes"));
                spec.insert(QLatin1String("Labels"), labels);
                return QString();
            };
        };
        std::unique_ptr<DockerReply> first(
            m_manager->updateService(m_serviceId, label(QStringLiteral("cape.a"))));
        std::unique_ptr<DockerReply> second(
            m_manager->updateService(m_serviceId, label(QStringLiteral("cape.b"))));
        await(first.get());
        await(second.get());
        QVERIFY2(!first->error(), qPrintable(first->error().toString()));
        QVERIFY2(!second->error(), qPrintable(second->error().toString()));
        const QJsonObject labels = ok(m_manager->inspectService(m_serviceId))
                                       .object()
                                       .value(QLatin1String("Spec"))
                                       .toObject()
                                       .value(QLatin1String("Labels"))
                                       .toObject();
        QCOMPARE(labels.value(QLatin1String("cape.a")).toString(), QStringLiteral("yes"));
        QCOMPARE(labels.value(QLatin1String("cape.b")).toString(), QStringLiteral("yes"));
    }

    void forceUpdateReplacesEveryTask()
    {
        QSet<QString> before;
        for (const QJsonObject &t : runningTasks())
            before.insert(t.value(QLatin1String("ID")).toString());
        ok(m_manager->forceUpdateService(m_serviceId));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<QJsonObject> now = runningTasks();
                if (now.size() != 6)
                    return false;
                for (const QJsonObject &t : now)
                    if (before.contains(t.value(QLatin1String("ID")).toString()))
                        return false;
                return true;
            }(),
            90000);
        QTRY_VERIFY_WITH_TIMEOUT(ok(m_manager->inspectService(m_serviceId))
                                         .object()
                                         .value(QLatin1String("UpdateStatus"))
                                         .toObject()
                                         .value(QLatin1String("State"))
                                         .toString() == QLatin1String("completed"),
                                 60000);
    }

    void rollbackRestoresThePreviousSpec()
    {
        const QJsonObject before = ok(m_manager->inspectService(m_serviceId)).object();
        const int force = before.value(QLatin1String("Spec"))
                              .toObject()
                              .value(QLatin1String("TaskTemplate"))
                              .toObject()
                              .value(QLatin1String("ForceUpdate"))
                              .toInt();
        ok(m_manager->rollbackService(m_serviceId));
        const QJsonObject after = ok(m_manager->inspectService(m_serviceId)).object();
        QCOMPARE(after.value(QLatin1String("Spec"))
                     .toObject()
                     .value(QLatin1String("TaskTemplate"))
                     .toObject()
                     .value(QLatin1String("ForceUpdate"))
                     .toInt(),
                 force - 1);
        QTRY_VERIFY_WITH_TIMEOUT(ok(m_manager->inspectService(m_serviceId))
                                         .object()
                                         .value(QLatin1String("UpdateStatus"))
                                         .toObject()
                                         .value(QLatin1String("State"))
                                         .toString() == QLatin1String("rollback_completed"),
                                 90000);
        QTRY_COMPARE_WITH_TIMEOUT(runningTasks().size(), 6, 60000);
    }

    void drainedNodesTasksMoveToTheOthers()
    {
        const QString node3 = m_nodeIdByHostname.value(QStringLiteral("node3"));
        ok(m_manager->setNodeAvailability(node3, QStringLiteral("drain")));
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const QList<QJsonObject> tasks = runningTasks();
                return tasks.size() == 6 && !nodesOf(tasks).contains(node3);
            }(),
            90000);
        QTRY_VERIFY_WITH_TIMEOUT(sawEvent(QStringLiteral("node"), QStringLiteral("update"), node3,
                                          QStringLiteral("availability.new"), QStringLiteral("drain")),
                                 10000);
        ok(m_manager->setNodeAvailability(node3, QStringLiteral("active")));
        std::unique_ptr<DockerReply> invalid(
            await(m_manager->setNodeAvailability(node3, QStringLiteral("sleep"))));
        QCOMPARE(invalid->error().kind, DockerError::Kind::Config);
    }

    void nodeLabelsAndRoles()
    {
        const QString node2 = m_nodeIdByHostname.value(QStringLiteral("node2"));
        ok(m_manager->setNodeLabel(node2, QStringLiteral("cape.ingress"), QStringLiteral("true")));
        QJsonObject spec = ok(m_manager->inspectNode(node2)).object().value(QLatin1String("Spec")).toObject();
        QCOMPARE(
            spec.value(QLatin1String("Labels")).toObject().value(QLatin1String("cape.ingress")).toString(),
            QStringLiteral("true"));
        ok(m_manager->removeNodeLabel(node2, QStringLiteral("cape.ingress")));
        spec = ok(m_manager->inspectNode(node2)).object().value(QLatin1String("Spec")).toObject();
        QVERIFY(!spec.value(QLatin1String("Labels")).toObject().contains(QLatin1String("cape.ingress")));

        ok(m_manager->setNodeRole(node2, QStringLiteral("manager")));
        QTRY_VERIFY_WITH_TIMEOUT(!ok(m_manager->inspectNode(node2))
                                      .object()
                                      .value(QLatin1String("ManagerStatus"))
                                      .toObject()
                                      .isEmpty(),
                                 30000);
        ok(m_manager->setNodeRole(node2, QStringLiteral("worker")));
        QTRY_VERIFY_WITH_TIMEOUT(ok(m_manager->inspectNode(node2))
                                     .object()
                                     .value(QLatin1String("ManagerStatus"))
                                     .toObject()
                                     .isEmpty(),
                                 30000);
    }

    void logsFollowWithEachLinesTask()
    {
        QSet<QString> taskIds;
        for (const QJsonObject &t : runningTasks())
            taskIds.insert(t.value(QLatin1String("ID")).toString());
        DockerClient::LogOptions options;
        options.follow = true;
        options.tail = 5;
        std::unique_ptr<DockerLogStream> stream(m_manager->serviceLogs(m_serviceId, options));
        QList<LogLine> lines;
        connect(stream.get(), &DockerLogStream::lines, this,
                [&](const QList<LogLine> &batch) { lines += batch; });
        // Follow means new lines keep coming from running replicas.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QSet<QString> liveTasks;
                for (const LogLine &l : lines)
                    if (taskIds.contains(l.taskId()))
                        liveTasks.insert(l.taskId());
                return liveTasks.size() >= 2;
            }(),
            30000);
        QVERIFY(!stream->isFinished());
        static const QRegularExpression tick(QStringLiteral("^tick \\d+$"));
        for (const LogLine &l : std::as_const(lines)) {
            if (l.stream == LogFrameDecoder::Stream::System)
                continue; // a daemon note about an old task is fine
            QVERIFY2(tick.match(l.text).hasMatch(), qPrintable(l.text));
            QVERIFY(l.timestampNs > 0);
            QCOMPARE(l.serviceId(), m_serviceId);
            QVERIFY(!l.nodeId().isEmpty());
        }
        stream->abort();
        QCOMPARE(stream->error().kind, DockerError::Kind::Cancelled);
    }

    void containersAndTheirStatsOnEveryNode()
    {
        // Stats and container logs come only from the node that runs the
        // container: ask each node's own engine.
        int measured = 0;
        for (const QString &spec : m_sandbox.nodeEndpoints()) {
            DockerClient node(test::SandboxEnvironment::endpoint(spec));
            const QJsonArray containers =
                ok(node.listContainers(false,
                                       {{QStringLiteral("label"),
                                         {QStringLiteral("com.docker.swarm.service.id=") + m_serviceId}}}))
                    .array();
            if (containers.isEmpty())
                continue;
            const QString id = containers.at(0).toObject().value(QLatin1String("Id")).toString();
            const QJsonObject inspected = ok(node.inspectContainer(id)).object();
            QVERIFY(
                inspected.value(QLatin1String("State")).toObject().value(QLatin1String("Running")).toBool());

            std::unique_ptr<DockerStatsStream> once(node.containerStats(id, false));
            QSignalSpy done(once.get(), &DockerExchange::finished);
            QVERIFY(done.wait(30000));
            QVERIFY2(!once->error(), qPrintable(once->error().toString()));
            QVERIFY(once->last().memoryUsed > 0);
            QVERIFY(once->last().memoryLimit >= once->last().memoryUsed);
            QVERIFY(once->last().pids >= 1);

            std::unique_ptr<DockerStatsStream> live(node.containerStats(id, true));
            QSignalSpy samples(live.get(), &DockerStatsStream::sample);
            QTRY_VERIFY_WITH_TIMEOUT(samples.size() >= 2, 20000);
            QVERIFY(!live->isFinished());
            live->abort();

            DockerClient::LogOptions logOptions;
            logOptions.tail = 3;
            std::unique_ptr<DockerLogStream> logs(node.containerLogs(id, logOptions));
            QList<LogLine> lines;
            connect(logs.get(), &DockerLogStream::lines, this, [&](const QList<LogLine> &b) { lines += b; });
            QSignalSpy ended(logs.get(), &DockerExchange::finished);
            QVERIFY(ended.wait(20000) || logs->isFinished());
            QVERIFY(!logs->error());
            QCOMPARE(lines.size(), 3);
            ++measured;
        }
        QVERIFY2(measured >= 2, "the service's containers should run on at least two nodes");
    }

    void networksConfigsAndSecrets()
    {
        const QJsonObject network =
            ok(m_manager->createNetwork(QJsonObject{{QStringLiteral("Name"), QStringLiteral("cape-test-net")},
                                                    {QStringLiteral("Driver"), QStringLiteral("overlay")},
                                                    {QStringLiteral("Attachable"), true}}))
                .object();
        const QString networkId = network.value(QLatin1String("Id")).toString();
        // The swarm allocates a new network asynchronously: until then its
        // inspect answers with an empty Driver.
        QTRY_COMPARE_WITH_TIMEOUT(
            ok(m_manager->inspectNetwork(networkId)).object().value(QLatin1String("Driver")).toString(),
            QStringLiteral("overlay"), 10000);
        QCOMPARE(ok(m_manager->listNetworks({{QStringLiteral("name"), {QStringLiteral("cape-test-net")}}}))
                     .array()
                     .size(),
                 1);
        ok(m_manager->removeNetwork(networkId));

        const QString configId =
            ok(m_manager->createConfig(QStringLiteral("cape-test-config"), "routes: []\n",
                                       QJsonObject{{QStringLiteral("cape.test"), QStringLiteral("1")}}))
                .object()
                .value(QLatin1String("ID"))
                .toString();
        const QJsonArray configs =
            ok(m_manager->listConfigs({{QStringLiteral("name"), {QStringLiteral("cape-test-config")}}}))
                .array();
        QCOMPARE(configs.size(), 1);
        QCOMPARE(QByteArray::fromBase64(configs.at(0)
                                            .toObject()
                                            .value(QLatin1String("Spec"))
                                            .toObject()
                                            .value(QLatin1String("Data"))
                                            .toString()
                                            .toLatin1()),
                 QByteArray("routes: []\n"));
        ok(m_manager->removeConfig(configId));

        const QString secretId = ok(m_manager->createSecret(QStringLiteral("cape-test-secret"), "s3cret"))
                                     .object()
                                     .value(QLatin1String("ID"))
                                     .toString();
        const QJsonArray secrets =
            ok(m_manager->listSecrets({{QStringLiteral("name"), {QStringLiteral("cape-test-secret")}}}))
                .array();
        QCOMPARE(secrets.size(), 1);
        QVERIFY(!secrets.at(0)
                     .toObject()
                     .value(QLatin1String("Spec"))
                     .toObject()
                     .contains(QLatin1String("Data")));
        ok(m_manager->removeSecret(secretId));
        std::unique_ptr<DockerReply> gone(await(m_manager->removeSecret(secretId)));
        QCOMPARE(gone->error().httpStatus, 404);
        QVERIFY(!gone->error().message.isEmpty());
    }

    void imagesListAndLoad()
    {
        const QString image = m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE");
        const QJsonArray images = ok(m_manager->listImages({{QStringLiteral("reference"), {image}}})).array();
        QCOMPARE(images.size(), 1);
        // The tar the sandbox built offline and loaded into every node.
        const QStringList tars = QDir(m_sandbox.value("CAPE_SANDBOX_DIR") + QStringLiteral("/images"))
                                     .entryList({QStringLiteral("busybox-*.tar")}, QDir::Files);
        QVERIFY(!tars.isEmpty());
        const QString tarPath =
            m_sandbox.value("CAPE_SANDBOX_DIR") + QStringLiteral("/images/") + tars.first();
        QVERIFY2(QFile::exists(tarPath), qPrintable(tarPath));
        auto tar = std::make_shared<QFile>(tarPath);
        QVERIFY(tar->open(QIODevice::ReadOnly));
        DockerClient node3(test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().value(2)));
        std::unique_ptr<DockerReply> loaded(await(node3.loadImage(tar, tar->size())));
        QVERIFY2(!loaded->error(), qPrintable(loaded->error().toString()));
        QVERIFY2(loaded->body().contains("Loaded image"), loaded->body().constData());
    }

    void removedServiceIsGone()
    {
        ok(m_manager->removeService(m_serviceId));
        QTRY_VERIFY_WITH_TIMEOUT(sawEvent(QStringLiteral("service"), QStringLiteral("remove"), m_serviceId),
                                 10000);
        std::unique_ptr<DockerReply> inspect(await(m_manager->inspectService(m_serviceId)));
        QCOMPARE(inspect->error().kind, DockerError::Kind::Http);
        QCOMPARE(inspect->error().httpStatus, 404);
        QVERIFY(!m_events->isFinished()); // the event stream lived through it all
    }

    void workerLeavesAndJoinsAgain()
    {
        const QString node3Id = m_nodeIdByHostname.value(QStringLiteral("node3"));
        DockerClient node3(test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().value(2)));
        const QString token = ok(m_manager->joinTokens()).object().value(QLatin1String("Worker")).toString();
        ok(node3.leaveSwarm(false));
        QTRY_VERIFY_WITH_TIMEOUT(ok(m_manager->inspectNode(node3Id))
                                         .object()
                                         .value(QLatin1String("Status"))
                                         .toObject()
                                         .value(QLatin1String("State"))
                                         .toString() == QLatin1String("down"),
                                 60000);
        ok(m_manager->removeNode(node3Id));
        const QString managerIp = m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(QLatin1Char(' ')).value(0);
        const QString node3Ip = m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(QLatin1Char(' ')).value(2);
        ok(node3.joinSwarm(
            QJsonObject{{QStringLiteral("ListenAddr"), QStringLiteral("0.0.0.0:2377")},
                        {QStringLiteral("AdvertiseAddr"), node3Ip},
                        {QStringLiteral("RemoteAddrs"), QJsonArray{managerIp + QStringLiteral(":2377")}},
                        {QStringLiteral("JoinToken"), token}}));
        QTRY_COMPARE_WITH_TIMEOUT(
            [&] {
                int ready = 0;
                for (const QJsonValue &n : ok(m_manager->listNodes()).array())
                    ready += n.toObject()
                                 .value(QLatin1String("Status"))
                                 .toObject()
                                 .value(QLatin1String("State"))
                                 .toString() == QLatin1String("ready");
                return ready;
            }(),
            3, 60000);
    }

    void cleanupTestCase()
    {
        if (m_manager && !m_serviceId.isEmpty())
            std::unique_ptr<DockerReply>(await(m_manager->removeService(m_serviceId)));
    }
};

QTEST_GUILESS_MAIN(TestDockerClient)
#include "tst_dockerclient.moc"
