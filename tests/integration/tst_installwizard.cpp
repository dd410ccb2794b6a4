// The install wizard against the sandbox swarm, through its own widgets: the image loaded onto a
// node that lacks it, the three daemons and a Redis deployed and healthy, a request through the
// installed cape-proxyd to a demo service, an event written with the Superhero client indexed by
// the installed cape-eventd, and an uninstall that leaves the cluster's services, networks,
// configs, secrets and node labels exactly as they were. Then `docker stack deploy -c
// packaging/stack.yml cape` from the command line, to the same end.
#include "eventsourcereference.h"
#include "sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/servicetablemodel.h"
#include "models/statscollector.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerlogstream.h"
#include "services/install/daemoninstaller.h"
#include "services/install/daemoninstallsettings.h"
#include "services/install/daemonstackbuilder.h"
#include "services/swarm/routepublisher.h"
#include "ui/install/daemonsview.h"
#include "ui/install/installprogresspage.h"
#include "ui/install/installwizard.h"
#include "ui/style/capestyle.h"

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProcess>
#include <QPushButton>
#include <QSpinBox>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace cape;
using cape::test::await;

namespace {

using L = QLatin1String;

// Ports of their own: other tests publish 18480 and the like on the same nodes.
constexpr int HttpPort = 18580;
constexpr int HttpsPort = 18543;
constexpr int RedisPort = 16479;
constexpr int DeploydPort = 19570;
constexpr auto DemoName = "capedemo";
constexpr auto NextVersion = "9.9.9";
constexpr auto ProbeName = "capeagentprobe";

QString stack()
{
    return QLatin1String(DaemonInstallSettings::StackName);
}

} // namespace

class TestInstallWizard : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    std::unique_ptr<DockerClient> m_manager;
    QTemporaryDir m_dir;
    QString m_archive;
    test::EventsourceReference m_reference;

    QJsonDocument ok(DockerReply *reply) { return test::expectOk(reply); }

    QString node1Ip() const { return m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(u' ').value(0); }
    QString managerSocket() const { return m_sandbox.value("DOCKER_HOST").mid(int(qstrlen("unix://"))); }

    QString run(const QString &program, const QStringList &arguments, int timeoutMs,
                const QProcessEnvironment &environment = QProcessEnvironment::systemEnvironment())
    {
        QProcess process;
        process.setProcessEnvironment(environment);
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        if (!process.waitForFinished(timeoutMs)) {
            process.kill();
            process.waitForFinished();
            return QStringLiteral("%1 timed out: %2").arg(program, QString::fromUtf8(process.readAll()));
        }
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return QStringLiteral("%1 failed: %2").arg(program, QString::fromUtf8(process.readAll()));
        return {};
    }

    // What "as it was" means: every service, network, config and secret by name and ID, and
    // every node's labels.
    QMap<QString, QStringList> snapshot()
    {
        QMap<QString, QStringList> state;
        const auto collect = [&](const QString &kind, DockerReply *reply, const char *nameKey,
                                 const char *idKey) {
            for (const QJsonValue &object : ok(reply).array()) {
                const QString name = object[L("Spec")][L(nameKey)].toString().isEmpty()
                                         ? object[L(nameKey)].toString()
                                         : object[L("Spec")][L(nameKey)].toString();
                state[kind] << name + u' ' + object[L(idKey)].toString();
            }
            state[kind].sort();
        };
        collect(QStringLiteral("services"), m_manager->listServices({}, false), "Name", "ID");
        collect(QStringLiteral("networks"), m_manager->listNetworks(), "Name", "Id");
        collect(QStringLiteral("configs"), m_manager->listConfigs(), "Name", "ID");
        collect(QStringLiteral("secrets"), m_manager->listSecrets(), "Name", "ID");
        for (const QJsonValue &node : ok(m_manager->listNodes()).array()) {
            const QJsonObject labels = node[L("Spec")][L("Labels")].toObject();
            state[QStringLiteral("node labels")]
                << node[L("Description")][L("Hostname")].toString() + u' ' +
                       QString::fromUtf8(QJsonDocument(labels).toJson(QJsonDocument::Compact));
        }
        state[QStringLiteral("node labels")].sort();
        return state;
    }

    // The cluster as it is once earlier tests' removals have settled: the engine lists a removed
    // network until every node has released it, and "before" must not hold one going away.
    QMap<QString, QStringList> settledSnapshot()
    {
        QMap<QString, QStringList> last = snapshot();
        for (int same = 0, i = 0; same < 3 && i < 60; ++i) {
            QTest::qWait(1000);
            QMap<QString, QStringList> now = snapshot();
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    void compareWithBefore(const QMap<QString, QStringList> &before)
    {
        const QMap<QString, QStringList> after = snapshot();
        for (auto it = before.cbegin(); it != before.cend(); ++it)
            QVERIFY2(after.value(it.key()) == it.value(),
                     qPrintable(QStringLiteral("%1 differ:\nbefore: %2\nafter:  %3")
                                    .arg(it.key(), it.value().join(QStringLiteral(", ")),
                                         after.value(it.key()).join(QStringLiteral(", ")))));
    }

    // Every service of the stack runs all its tasks (healthy: they have health checks).
    QString stackNotReady()
    {
        std::unique_ptr<DockerReply> reply(await(m_manager->listServices(
            {{QStringLiteral("label"), {QLatin1String(StackPlan::NamespaceLabel) + u'=' + stack()}}}, true)));
        QStringList waiting;
        for (const QJsonValue &service : reply->json().array()) {
            const QJsonObject status = service[L("ServiceStatus")].toObject();
            if (status[L("DesiredTasks")].toInt() == 0 ||
                status[L("RunningTasks")].toInt() < status[L("DesiredTasks")].toInt())
                waiting << service[L("Spec")][L("Name")].toString();
        }
        if (reply->json().array().size() != 5)
            waiting << QStringLiteral("%1 services").arg(reply->json().array().size());
        return waiting.join(QStringLiteral(", "));
    }

    QString curl(const QString &host, int port = HttpPort)
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"), QStringLiteral("--max-time"), QStringLiteral("3"),
                    QStringLiteral("-w"), QStringLiteral(" %{http_code}"), QStringLiteral("-H"),
                    QStringLiteral("Host: ") + host,
                    QStringLiteral("http://%1:%2/").arg(node1Ip()).arg(port)});
        curl.waitForFinished(5000);
        return QString::fromUtf8(curl.readAllStandardOutput()).simplified();
    }

    // cape-deployd's answer to GET /deployments with that token (none: no Authorization).
    QString deploydStatus(const QString &token)
    {
        QStringList arguments{QStringLiteral("-s"),
                              QStringLiteral("-o"),
                              QStringLiteral("/dev/null"),
                              QStringLiteral("-w"),
                              QStringLiteral("%{http_code}"),
                              QStringLiteral("--max-time"),
                              QStringLiteral("3"),
                              QStringLiteral("http://%1:%2/deployments").arg(node1Ip()).arg(DeploydPort)};
        if (!token.isEmpty())
            arguments << QStringLiteral("-H") << QStringLiteral("Authorization: Bearer ") + token;
        QProcess curl;
        curl.start(QStringLiteral("curl"), arguments);
        curl.waitForFinished(5000);
        return QString::fromUtf8(curl.readAllStandardOutput()).trimmed();
    }

    void removeLeftovers()
    {
        // An interrupted run's stack, demo service and labels.
        run(QStringLiteral("docker"),
            {QStringLiteral("-H"), m_sandbox.value("DOCKER_HOST"), QStringLiteral("service"),
             QStringLiteral("rm"), QLatin1String(DemoName), QStringLiteral("capedecoy_web"),
             QLatin1String(ProbeName)},
            30000);
        run(QStringLiteral("docker"),
            {QStringLiteral("-H"), m_sandbox.value("DOCKER_HOST"), QStringLiteral("stack"),
             QStringLiteral("rm"), stack()},
            30000);
        for (int i = 0; i < 60 && !test::removeNetworksNamed(m_manager.get(), stack()); ++i)
            QTest::qWait(500);
        for (const QString &node : m_sandbox.nodeEndpoints())
            run(QStringLiteral("docker"),
                {QStringLiteral("-H"), node, QStringLiteral("rmi"),
                 QStringLiteral("cape-daemons:") + QLatin1String(NextVersion)},
                30000);
        for (const QJsonValue &node : ok(m_manager->listNodes()).array()) {
            if (node[L("Spec")][L("Labels")].toObject().contains(L(DaemonInstallSettings::IngressLabel)))
                ok(m_manager->removeNodeLabel(node[L("ID")].toString(),
                                              QLatin1String(DaemonInstallSettings::IngressLabel)));
        }
    }

    // cape-agent as the wizard installed it, with Cape given the manager's endpoint alone (the
    // one-endpoint path: no per-node socket): every other node's engine through the agent. Stats
    // of all three nodes, each node's containers what its own engine lists; a task's container
    // killed on node3 seen failed within 2 s; a container's logs on node3 streaming; a call that
    // would change something refused; node3's agent killed: node3 named as not measured, and
    // back by itself when swarm restarts the agent.
    void checkTheAgentReachesEveryNode()
    {
        ClusterStore store;
        QSignalSpy loaded(&store, &ClusterStore::loaded);
        store.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        QVERIFY(loaded.wait(30000));
        QCOMPARE(store.agentService(), stack() + QStringLiteral("_agent"));
        QCOMPARE(store.nodeEndpoints().size(), 2); // node2 and node3; node1 is the connection

        // Each node's own engine, as the truth: its node ID and its running containers.
        QHash<QString, QStringList> truth; // node ID -> container IDs
        QString node3Id;
        std::unique_ptr<DockerClient> node3Engine;
        const auto readTruth = [&] {
            truth.clear();
            for (int i = 0; i < 3; ++i) {
                DockerClient engine(test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().at(i)));
                const QString nodeId = ok(engine.info()).object()[L("Swarm")][L("NodeID")].toString();
                QStringList ids;
                for (const QJsonValue &c : ok(engine.listContainers()).array())
                    ids << c[L("Id")].toString();
                ids.sort();
                truth[nodeId] = ids;
                if (i == 2)
                    node3Id = nodeId;
            }
        };
        readTruth();
        node3Engine = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().at(2)));
        DockerEndpoint throughAgent;
        for (const DockerEndpoint &endpoint : store.nodeEndpoints()) {
            if (store.agentNodeOf(endpoint) == node3Id)
                throughAgent = endpoint;
        }
        QCOMPARE(throughAgent.transport, DockerEndpoint::Transport::Tunnel);

        // Stats: every node's containers, measured.
        StatsCollector stats(&store);
        stats.start();
        const auto measured = [&stats] {
            QHash<QString, QStringList> byNode;
            for (const StatsCollector::Container *c : stats.containers())
                byNode[c->nodeId] << c->id;
            for (QStringList &ids : byNode)
                ids.sort();
            return byNode;
        };
        const auto counts = [](const QHash<QString, QStringList> &byNode) {
            QStringList out;
            for (auto it = byNode.cbegin(); it != byNode.cend(); ++it)
                out << QStringLiteral("%1: %2").arg(it.key().left(8)).arg(it.value().size());
            out.sort();
            return out.join(QStringLiteral(", "));
        };
        // Read again each time: a container may come or go meanwhile (a health check's restart).
        QTRY_VERIFY2_WITH_TIMEOUT((readTruth(), measured() == truth),
                                  qPrintable(QStringLiteral("measured %1; the engines list %2; %3")
                                                 .arg(counts(measured()), counts(truth),
                                                      stats.problems().join(QStringLiteral(" | ")))),
                                  30000);
        for (const QString &nodeId : truth.keys())
            QTRY_VERIFY2_WITH_TIMEOUT(stats.coverage(StatsCollector::Group::Node, nodeId).isComplete(),
                                      qPrintable(stats.problems().join(u'\n')), 30000);

        // A task on node3 (a global service: one on every node), its container killed there.
        const QString probe =
            ok(m_manager->createService(
                   QJsonDocument::fromJson(
                       QStringLiteral(R"({"Name": "%1",
                           "TaskTemplate": {"ContainerSpec": {"Image": "%2", "StopGracePeriod": 1000000000,
                               "Command": ["sh", "-c", "while :; do echo probe on $(hostname); sleep 1; done"]}},
                           "Mode": {"Global": {}}})")
                           .arg(QLatin1String(ProbeName), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))
                           .toUtf8())
                       .object()))
                .object()[L("ID")]
                .toString();
        const auto probeOnNode3 = [&]() -> const TaskRecord * {
            for (const TaskRecord &task : store.tasks()->records()) {
                if (task.serviceId == probe && task.nodeId == node3Id && task.isRunning() &&
                    !task.containerId.isEmpty())
                    return &task;
            }
            return nullptr;
        };
        QTRY_VERIFY_WITH_TIMEOUT(probeOnNode3(), 60000);
        const QString taskId = probeOnNode3()->id;
        const QString containerId = probeOnNode3()->containerId;

        // Its logs, from node3's engine through the agent.
        DockerClient viaAgent(throughAgent);
        DockerClient::LogOptions follow;
        follow.follow = true;
        std::unique_ptr<DockerLogStream> logs(viaAgent.containerLogs(containerId, follow));
        QStringList lines;
        connect(logs.get(), &DockerLogStream::lines, this, [&lines](const QList<LogLine> &batch) {
            for (const LogLine &line : batch)
                lines << line.text;
        });
        QTRY_VERIFY_WITH_TIMEOUT(lines.size() >= 2, 15000);
        QVERIFY2(lines.last().startsWith(QStringLiteral("probe on ")), qPrintable(lines.last()));
        logs.reset();

        // What changes anything is not forwarded: 403, and no container made.
        std::unique_ptr<DockerReply> create(await(viaAgent.send(DockerRequest::post(
            QStringLiteral("/containers/create"),
            QJsonDocument(
                QJsonObject{{QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")}})))));
        QCOMPARE(create->error().httpStatus, 403);

        QElapsedTimer sinceKill;
        ok(node3Engine->send(DockerRequest::post(QStringLiteral("/containers/%1/kill").arg(containerId))));
        sinceKill.start();
        QTRY_VERIFY_WITH_TIMEOUT(store.tasks()->find(taskId) &&
                                     store.tasks()->find(taskId)->state == QLatin1String("failed"),
                                 2000);
        qInfo() << "a task killed on node3 was seen failed after" << sinceKill.elapsed() << "ms";
        QTRY_VERIFY_WITH_TIMEOUT(probeOnNode3() && probeOnNode3()->id != taskId, 30000);
        test::removeService(m_manager.get(), probe);

        // node3's agent killed: node3 is named as not measured, then comes back by itself.
        QString agentContainer;
        for (const QJsonValue &c :
             ok(node3Engine->listContainers(
                    false, {{QStringLiteral("label"),
                             {QStringLiteral("com.docker.swarm.service.name=") + store.agentService()}}}))
                 .array())
            agentContainer = c[L("Id")].toString();
        QVERIFY(!agentContainer.isEmpty());
        ok(node3Engine->send(DockerRequest::post(QStringLiteral("/containers/%1/kill").arg(agentContainer))));
        QElapsedTimer sinceAgentKill;
        sinceAgentKill.start();
        const auto node3Named = [&stats] {
            return stats.problems().join(u'\n').contains(QStringLiteral("node3"));
        };
        QTRY_VERIFY_WITH_TIMEOUT(node3Named(), 20000);
        qInfo().noquote() << "with its agent gone:" << stats.problems().join(QStringLiteral(" | "));
        QTRY_VERIFY2_WITH_TIMEOUT(!node3Named() &&
                                      stats.coverage(StatsCollector::Group::Node, node3Id).isComplete(),
                                  qPrintable(stats.problems().join(u'\n')), 90000);
        qInfo() << "node3 measured again" << sinceAgentKill.elapsed() << "ms after its agent was killed";
    }

    // Answers the next message box with its button `button`.
    void answerNextMessageBox(const QString &button)
    {
        auto *answering = new QTimer(this);
        answering->setInterval(50);
        connect(answering, &QTimer::timeout, this, [answering, button] {
            if (auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget())) {
                for (QAbstractButton *candidate : box->buttons()) {
                    if (candidate->text().remove(u'&') == button)
                        candidate->click();
                }
                answering->deleteLater();
            }
        });
        answering->start();
        QTimer::singleShot(30000, answering, &QObject::deleteLater);
    }

    // With CAPE_SCREENSHOT_DIR set, the widget as the user sees it now (for docs/screenshots).
    static void screenshot(QWidget *widget, const char *name)
    {
        const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR");
        if (!dir.isEmpty())
            widget->grab().save(dir + QStringLiteral("/%1.png").arg(QLatin1String(name)));
    }

    template<typename T> T *field(QWidget *wizard, const char *name)
    {
        T *widget = wizard->findChild<T *>(QLatin1String(name));
        if (!widget)
            qFatal("no widget %s in the wizard", name);
        return widget;
    }

private slots:
    void initTestCase()
    {
        if (qEnvironmentVariableIsSet("CAPE_SCREENSHOT_DIR"))
            applyCapeStyle(*qApp); // as the app looks
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        QVERIFY(m_dir.isValid());
        m_manager = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        removeLeftovers();
        m_reference = test::EventsourceReference::install();
        QVERIFY2(m_reference.error.isEmpty(), qPrintable(m_reference.error));

        // The packaged archive, the image on node1 and node2, and not on node3 (whatever earlier
        // tests loaded).
        m_archive = m_dir.filePath(QStringLiteral("cape-daemons.tar"));
        const QString built = run(QStringLiteral(CAPE_DAEMON_IMAGE_SCRIPT),
                                  {QStringLiteral("--build"), QStringLiteral(CAPE_BUILD_DIR),
                                   QStringLiteral("--out"), m_archive, QStringLiteral("--load"),
                                   m_sandbox.nodeEndpoints().mid(0, 2).join(QLatin1Char(','))},
                                  300000);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        const QString node3 = m_sandbox.nodeEndpoints().value(2);
        run(QStringLiteral("docker"),
            {QStringLiteral("-H"), node3, QStringLiteral("rmi"), QStringLiteral("-f"),
             QStringLiteral("cape-daemons:" CAPE_VERSION_STRING)},
            60000);
    }

    void cleanupTestCase()
    {
        if (m_manager)
            removeLeftovers();
    }

    void wizardInstallsAndUninstallLeavesTheClusterAsItWas()
    {
        // A decoy: a service of the stack "capedecoy".
        const QString decoy =
            ok(m_manager->createService(QJsonObject{
                   {QStringLiteral("Name"), QStringLiteral("capedecoy_web")},
                   {QStringLiteral("Labels"),
                    QJsonObject{{QLatin1String(StackPlan::NamespaceLabel), QStringLiteral("capedecoy")}}},
                   {QStringLiteral("TaskTemplate"),
                    QJsonObject{
                        {QStringLiteral("ContainerSpec"),
                         QJsonObject{{QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                                     {QStringLiteral("Command"),
                                      QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}}}}}}}))
                .object()[L("ID")]
                .toString();
        QVERIFY(!decoy.isEmpty());
        const QMap<QString, QStringList> before = settledSnapshot();
        ClusterStore store;
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        QSignalSpy loaded(&store, &ClusterStore::loaded);
        store.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        QVERIFY(loaded.wait(30000));

        DaemonsView view(&store);
        view.resize(1100, 700);
        view.show();
        // Another stack whose name contains "cape" is not the daemons'.
        QTRY_VERIFY_WITH_TIMEOUT(!store.services()->records().isEmpty(), 10000);
        QCOMPARE(view.findChild<QTableView *>(QStringLiteral("daemonsTable"))->model()->rowCount(), 0);
        QVERIFY(view.findChild<QLabel *>(QStringLiteral("daemonsSummary"))
                    ->text()
                    .startsWith(QStringLiteral("Not installed")));
        QVERIFY(view.findChild<QPushButton *>(QStringLiteral("installDaemons"))->isVisible());
        view.findChild<QPushButton *>(QStringLiteral("installDaemons"))->click();
        auto *wizard = view.findChild<InstallWizard *>();
        QVERIFY(wizard);
        QCOMPARE(wizard->currentId(), int(InstallWizard::ClusterPage));
        QVERIFY(field<QLabel>(wizard, "clusterSummary")->text().contains(QStringLiteral("3 node")));
        wizard->next();

        // The image: present on two nodes, missing on node3, loaded there from the archive.
        QCOMPARE(wizard->currentId(), int(InstallWizard::ImagePage));
        field<QLineEdit>(wizard, "imageArchive")->setText(m_archive);
        auto *imageNodes = field<QTreeWidget>(wizard, "imageNodes");
        const auto states = [imageNodes] {
            QStringList out;
            for (int i = 0; i < imageNodes->topLevelItemCount(); ++i)
                out << imageNodes->topLevelItem(i)->text(0) + u' ' + imageNodes->topLevelItem(i)->text(2);
            out.sort();
            return out.join(QStringLiteral(", "));
        };
        QTRY_COMPARE_WITH_TIMEOUT(states(), QStringLiteral("node1 present, node2 present, node3 missing"),
                                  30000);
        screenshot(wizard, "install-wizard-image");
        QVERIFY(field<QCheckBox>(wizard, "loadImage")->isChecked());
        wizard->next(); // loads, then goes on by itself
        QTRY_COMPARE_WITH_TIMEOUT(wizard->currentId(), int(InstallWizard::ComponentsPage), 120000);
        QCOMPARE(states(), QStringLiteral("node1 present, node2 present, node3 loaded"));

        // Everything, with a new Redis (the sandbox's image: no registry here).
        QVERIFY(field<QCheckBox>(wizard, "installProxy")->isChecked());
        QVERIFY(field<QCheckBox>(wizard, "installEventsource")->isChecked());
        QVERIFY(field<QCheckBox>(wizard, "installDeploy")->isChecked());
        field<QLineEdit>(wizard, "redisImage")->setText(m_sandbox.value("CAPE_SANDBOX_REDIS_IMAGE"));
        field<QSpinBox>(wizard, "redisPort")->setValue(RedisPort);
        wizard->next();

        QCOMPARE(wizard->currentId(), int(InstallWizard::SettingsPage));
        field<QSpinBox>(wizard, "httpPort")->setValue(HttpPort);
        field<QSpinBox>(wizard, "httpsPort")->setValue(HttpsPort);
        field<QSpinBox>(wizard, "deploydPort")->setValue(DeploydPort);
        field<QLineEdit>(wizard, "dockerSocket")->setText(managerSocket());
        // The sandbox's nodes each have a socket of their own path: a service template names it.
        field<QLineEdit>(wizard, "agentDockerSocket")
            ->setText(m_sandbox.value("CAPE_SANDBOX_NODE_SOCKET_TEMPLATE"));
        auto *ingress = field<QListWidget>(wizard, "ingressNodes");
        QCOMPARE(ingress->count(), 3);
        for (int i = 0; i < ingress->count(); ++i)
            ingress->item(i)->setCheckState(
                ingress->item(i)->text().startsWith(QStringLiteral("node1 ")) ? Qt::Checked : Qt::Unchecked);
        const QString token = field<QLineEdit>(wizard, "apiToken")->text();
        QCOMPARE(token.size(), 64);
        screenshot(wizard, "install-wizard-settings");
        wizard->next();

        QCOMPARE(wizard->currentId(), int(InstallWizard::ReviewPage));
        const QString review = field<QPlainTextEdit>(wizard, "installReview")->toPlainText();
        for (const char *expected : {"cape_proxyd", "cape_eventd", "cape_deployd", "cape_redis",
                                     "Networks: cape", "Secrets: cape_deployd-config, cape_deployd-api-token",
                                     "cape_agent-token", "cape_agent", "cape.ingress=true on: node1"})
            QVERIFY2(review.contains(QLatin1String(expected)), qPrintable(review));
        screenshot(wizard, "install-wizard-review");
        wizard->next(); // Install

        auto *progress = wizard->findChild<InstallProgressPage *>();
        QCOMPARE(wizard->currentId(), int(InstallWizard::ProgressPage));
        QTRY_VERIFY_WITH_TIMEOUT(progress->isComplete(), 300000);
        const auto steps = [wizard] {
            QStringList out;
            auto *list = wizard->findChild<QListWidget *>(QStringLiteral("installSteps"));
            for (int i = 0; i < list->count(); ++i)
                out << list->item(i)->text();
            return out.join(u'\n');
        };
        QVERIFY2(progress->succeeded(),
                 qPrintable(steps() + u'\n' +
                            wizard->findChild<QLabel *>(QStringLiteral("installOutcome"))->text()));
        QCOMPARE(stackNotReady(), QString());
        screenshot(wizard, "install-wizard-done");
        QSignalSpy deployd(&view, &DaemonsView::deploydInstalled);
        wizard->button(QWizard::FinishButton)->click();
        // The Deploy panel gets cape-deployd's address (the node its task runs on) and token.
        QVERIFY(deployd.wait(10000));
        QCOMPARE(deployd.at(0).at(0).toUrl(),
                 QUrl(QStringLiteral("http://%1:%2").arg(node1Ip()).arg(DeploydPort)));
        QCOMPARE(deployd.at(0).at(1).toByteArray(), token.toUtf8());

        // The view shows them, live from the store.
        auto *table = view.findChild<QTableView *>(QStringLiteral("daemonsTable"));
        QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 5, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(view.findChild<QLabel *>(QStringLiteral("daemonsSummary"))
                                     ->text()
                                     .contains(QStringLiteral("cape-daemons:" CAPE_VERSION_STRING)),
                                 10000);

        checkTheAgentReachesEveryNode();
        if (QTest::currentTestFailed())
            return;

        // A demo service on the stack's network, routed through the installed proxy as the route
        // editor publishes routes.
        QCOMPARE(curl(QStringLiteral("demo.test")).right(3),
                 QStringLiteral("404")); // the whitelist: not routed yet
        const QString demoId =
            ok(m_manager->createService(
                   QJsonDocument::fromJson(
                       QStringLiteral(R"({
                "Name": "%1",
                "TaskTemplate": {
                    "ContainerSpec": {"Image": "%2", "StopGracePeriod": 1000000000,
                        "Command": ["sh", "-c", "mkdir -p /www && echo cape demo > /www/index.html && exec httpd -f -p 8080 -h /www"]},
                    "Networks": [{"Target": "cape"}]
                },
                "Mode": {"Replicated": {"Replicas": 2}}
            })")
                           .arg(QLatin1String(DemoName), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))
                           .toUtf8())
                       .object()))
                .object()[L("ID")]
                .toString();
        QVERIFY(!demoId.isEmpty());
        QString proxyId;
        for (const ServiceRecord &service : store.services()->records()) {
            if (service.name == stack() + QStringLiteral("_proxyd"))
                proxyId = service.id;
        }
        QVERIFY(!proxyId.isEmpty());
        RoutePublisher publisher(m_manager.get());
        QSignalSpy published(&publisher, &RoutePublisher::finished);
        publisher.publish(proxyId, QStringLiteral(R"({"listen":[{"address":"0.0.0.0:8080"}],
            "routes":[{"host":"demo.test","service":"%1","port":8080}],
            "admin":{"address":"127.0.0.1:9000"}})")
                                       .arg(QLatin1String(DemoName))
                                       .toUtf8());
        QVERIFY(published.wait(120000));
        QVERIFY2(published.at(0).at(0).toBool(), qPrintable(published.at(0).at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(curl(QStringLiteral("demo.test")), QStringLiteral("cape demo 200"), 60000);
        screenshot(&view, "daemons");

        // An event written with the Superhero client to the stack's Redis is indexed by the
        // installed cape-eventd (interop.js's write waits until every event is indexed).
        QString failure;
        m_reference.run(QStringLiteral("write"), RedisPort, &failure, 120000,
                        {{QStringLiteral("REDIS_HOST"), node1Ip()}});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        // cape-deployd answers on its port with the token the wizard made, and only with it.
        // (Its own tests cover deployments; here: it runs where the wizard put it.)
        QCOMPARE(deploydStatus({}), QStringLiteral("401"));
        QCOMPARE(deploydStatus(token), QStringLiteral("200"));

        // An upgrade: a new version's image on every node (the same daemons tagged as a next
        // release, by hand: there is one build here), each daemon rolled to it while the route
        // keeps answering.
        for (const QString &node : m_sandbox.nodeEndpoints()) {
            const QString tagged = run(QStringLiteral("docker"),
                                       {QStringLiteral("-H"), node, QStringLiteral("tag"),
                                        QStringLiteral("cape-daemons:" CAPE_VERSION_STRING),
                                        QStringLiteral("cape-daemons:") + QLatin1String(NextVersion)},
                                       30000);
            QVERIFY2(tagged.isEmpty(), qPrintable(tagged));
        }
        QSignalSpy upgraded(&view, &DaemonsView::operationFinished);
        view.upgrade(QLatin1String(NextVersion), m_archive);
        QVERIFY(upgraded.wait(300000));
        QVERIFY2(upgraded.at(0).at(0).toBool(), qPrintable(upgraded.at(0).at(1).toString()));
        for (const QJsonValue &service :
             ok(m_manager->listServices(
                    {{QStringLiteral("label"), {QLatin1String(StackPlan::NamespaceLabel) + u'=' + stack()}}},
                    false))
                 .array()) {
            const QString image =
                service[L("Spec")][L("TaskTemplate")][L("ContainerSpec")][L("Image")].toString();
            if (service[L("Spec")][L("Name")].toString() != stack() + QStringLiteral("_redis"))
                QCOMPARE(image, QStringLiteral("cape-daemons:") + QLatin1String(NextVersion));
        }
        QCOMPARE(stackNotReady(), QString());
        QCOMPARE(curl(QStringLiteral("demo.test")), QStringLiteral("cape demo 200"));

        // Ours to remove; then uninstall through the view's button and its question.
        test::removeService(m_manager.get(), demoId);
        QSignalSpy finished(&view, &DaemonsView::operationFinished);
        answerNextMessageBox(QStringLiteral("Uninstall"));
        view.findChild<QPushButton *>(QStringLiteral("uninstallDaemons"))->click();
        QVERIFY(finished.wait(180000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        compareWithBefore(before);
        test::removeService(m_manager.get(), decoy);
        QTRY_VERIFY_WITH_TIMEOUT(view.findChild<QLabel *>(QStringLiteral("daemonsSummary"))
                                     ->text()
                                     .startsWith(QStringLiteral("Not installed")),
                                 10000);
    }

    void aFailedInstallLeavesNothingBehind()
    {
        removeLeftovers();
        const QMap<QString, QStringList> before = settledSnapshot();
        DaemonInstallSettings settings;
        settings.apiToken = DaemonStackBuilder::newToken();
        settings.agentToken = DaemonStackBuilder::newToken();
        settings.agentDockerSocket = m_sandbox.value("CAPE_SANDBOX_NODE_SOCKET_TEMPLATE");
        settings.redisImage = m_sandbox.value("CAPE_SANDBOX_REDIS_IMAGE");
        QString node1;
        for (const QJsonValue &node : ok(m_manager->listNodes()).array()) {
            if (node[L("Description")][L("Hostname")].toString() == L("node1"))
                node1 = node[L("ID")].toString();
        }
        settings.ingressNodes = {node1};
        QStringList errors;
        auto plan = DaemonStackBuilder::build(settings, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u'\n')));
        // The engine refuses the first service (after the network, configs and secrets are made).
        QJsonObject broken = plan->services.first();
        QJsonObject task = broken[L("TaskTemplate")].toObject();
        QJsonObject container = task[L("ContainerSpec")].toObject();
        container[L("Mounts")] =
            QJsonArray{QJsonObject{{QStringLiteral("Type"), QStringLiteral("no-such-type")},
                                   {QStringLiteral("Target"), QStringLiteral("/x")}}};
        task[L("ContainerSpec")] = container;
        broken[L("TaskTemplate")] = task;
        plan->services.first() = broken;

        DaemonInstaller installer(m_manager.get());
        QSignalSpy finished(&installer, &DaemonInstaller::finished);
        installer.install(*plan, settings.ingressNodes);
        QVERIFY(finished.wait(120000));
        QVERIFY(!finished.at(0).at(0).toBool());
        QVERIFY2(
            finished.at(0).at(1).toString().contains(QStringLiteral("What the install had made was removed")),
            qPrintable(finished.at(0).at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(snapshot() == before, 30000);
    }

    void commandLineStackDeployDoesTheSame()
    {
        removeLeftovers();
        const QMap<QString, QStringList> before = settledSnapshot();
        const QString host = m_sandbox.value("DOCKER_HOST");
        const QString token = m_dir.filePath(QStringLiteral("token"));
        QFile file(token);
        QVERIFY(file.open(QIODevice::WriteOnly));
        const QByteArray tokenValue = "0123456789abcdef0123456789abcdef";
        file.write(tokenValue);
        file.close();
        QString node1;
        for (const QJsonValue &node : ok(m_manager->listNodes()).array()) {
            if (node[L("Description")][L("Hostname")].toString() == L("node1"))
                node1 = node[L("ID")].toString();
        }
        ok(m_manager->setNodeLabel(node1, QLatin1String(DaemonInstallSettings::IngressLabel),
                                   QStringLiteral("true")));

        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DOCKER_HOST"), host);
        env.insert(QStringLiteral("CAPE_DEPLOYD_TOKEN_FILE"), token);
        env.insert(QStringLiteral("CAPE_AGENT_TOKEN_FILE"), token);
        env.insert(QStringLiteral("CAPE_AGENT_DOCKER_SOCKET"),
                   m_sandbox.value("CAPE_SANDBOX_NODE_SOCKET_TEMPLATE"));
        env.insert(QStringLiteral("CAPE_REDIS_IMAGE"), m_sandbox.value("CAPE_SANDBOX_REDIS_IMAGE"));
        env.insert(QStringLiteral("CAPE_DOCKER_SOCKET"), managerSocket());
        env.insert(QStringLiteral("CAPE_HTTP_PORT"), QString::number(HttpPort));
        env.insert(QStringLiteral("CAPE_HTTPS_PORT"), QString::number(HttpsPort));
        env.insert(QStringLiteral("CAPE_REDIS_PORT"), QString::number(RedisPort));
        env.insert(QStringLiteral("CAPE_DEPLOYD_PORT"), QString::number(DeploydPort));
        const QString deployed = run(QStringLiteral("docker"),
                                     {QStringLiteral("stack"), QStringLiteral("deploy"), QStringLiteral("-c"),
                                      QStringLiteral(CAPE_SOURCE_DIR "/packaging/stack.yml"), stack()},
                                     60000, env);
        QVERIFY2(deployed.isEmpty(), qPrintable(deployed));
        QTRY_COMPARE_WITH_TIMEOUT(stackNotReady(), QString(), 180000);
        QCOMPARE(curl(QStringLiteral("demo.test")).right(3),
                 QStringLiteral("404")); // cape-proxyd, no routes yet
        QCOMPARE(deploydStatus({}), QStringLiteral("401"));
        QCOMPARE(deploydStatus(QString::fromLatin1(tokenValue)), QStringLiteral("200"));
        QString failure;
        m_reference.run(QStringLiteral("write"), RedisPort, &failure, 120000,
                        {{QStringLiteral("REDIS_HOST"), node1Ip()}});
        QVERIFY2(failure.isEmpty(), qPrintable(failure));

        const QString removed = run(QStringLiteral("docker"),
                                    {QStringLiteral("stack"), QStringLiteral("rm"), stack()}, 60000, env);
        QVERIFY2(removed.isEmpty(), qPrintable(removed));
        QTRY_VERIFY_WITH_TIMEOUT(test::removeNetworksNamed(m_manager.get(), stack()), 60000);
        ok(m_manager->removeNodeLabel(node1, QLatin1String(DaemonInstallSettings::IngressLabel)));
        QTRY_VERIFY_WITH_TIMEOUT(snapshot() == before, 30000);
    }
};

QTEST_MAIN(TestInstallWizard)
#include "tst_installwizard.moc"
