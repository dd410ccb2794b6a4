#include "guitest.h"

#include "models/clusterstore.h"
#include "models/logmodel.h"
#include "models/modelroles.h"
#include "models/nodetablemodel.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "models/stacktablemodel.h"
#include "models/statscollector.h"
#include "models/statstablemodel.h"
#include "models/tasktablemodel.h"
#include "ui/logs/logpanel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/stats/statsview.h"
#include "ui/style/capestyle.h"
#include "ui/views/nodesview.h"
#include "ui/views/resourceview.h"
#include "ui/visualizer/clustervisualizer.h"
#include "ui/visualizer/visualizerview.h"

#include <QLabel>
#include <QRegularExpression>
#include <QTableView>
#include <QTextBrowser>

using namespace cape;

// Every figure a view shows, compared with the engine's own answer after
// each change an operator makes (scale, drain, activate, remove, a node
// down and up): the issue "never a wrong number", one test per item.
class TestFigures : public test::SandboxWindowTest
{
    Q_OBJECT

    QJsonObject service(const QString &name, int replicas, const QJsonArray &command = {}, int maxPerNode = 1)
    {
        const QString image = m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE");
        return command.isEmpty()
                   ? test::busyboxService(name, replicas, image,
                                          {QStringLiteral("sleep"), QStringLiteral("3600")}, maxPerNode)
                   : test::busyboxService(name, replicas, image, command, maxPerNode);
    }
    void scale(const QString &id, int replicas) { test::expectOk(engine()->scaleService(id, replicas)); }

    // The engine's tasks that match these filters (GET /tasks?filters=…).
    QJsonArray engineTasks(const DockerClient::Filters &filters) const
    {
        DockerRequest request = DockerRequest::get(QStringLiteral("/tasks"));
        request.query.addQueryItem(QStringLiteral("filters"), DockerClient::encodeFilters(filters));
        return test::expectOk(engine()->send(request)).array();
    }
    // Tasks the engine says run (desired and current state), as `docker
    // node ps` and `docker service ps` list them, of a node or a service.
    int engineRunning(const QString &filter, const QString &id) const
    {
        int running = 0;
        for (const QJsonValue &task :
             engineTasks({{filter, {id}}, {QStringLiteral("desired-state"), {QStringLiteral("running")}}}))
            running +=
                task[QLatin1String("Status")][QLatin1String("State")].toString() == QLatin1String("running");
        return running;
    }
    int engineRunningOn(const QString &nodeId) const { return engineRunning(QStringLiteral("node"), nodeId); }
    int engineRunningOf(const QString &serviceId) const
    {
        return engineRunning(QStringLiteral("service"), serviceId);
    }
    int engineCount(const QString &path) const
    {
        return int(test::expectOk(engine()->send(DockerRequest::get(path))).array().size());
    }

    template<typename View> View *show(const char *name)
    {
        m_window->showView(QLatin1String(name));
        return qobject_cast<View *>(m_window->view(QLatin1String(name)));
    }
    // The figure a detail pane shows after its label, as the user reads it.
    static int detailFigure(ResourceView *view, const QString &label)
    {
        const QString text = view->findChild<QTextBrowser *>()->toPlainText();
        const auto match =
            QRegularExpression(QRegularExpression::escape(label) + QStringLiteral("\\s+(\\d+)")).match(text);
        return match.hasMatch() ? match.captured(1).toInt() : -1;
    }
    // "4 items", "3 of 5": the count beside a view's title.
    static QString countText(ResourceView *view)
    {
        return view->findChild<QLabel *>(QStringLiteral("viewCount"))->text();
    }
    // "N items" (or its untranslated source, "N item(s)"): no filter, so no "x of y".
    static bool countsAll(ResourceView *view, int n)
    {
        const QString text = countText(view);
        return text.startsWith(QStringLiteral("%1 item").arg(n)) && !text.contains(QLatin1String(" of "));
    }

private slots:
    // 1. The Nodes pane's "Running tasks" follows the node's tasks while it
    // stays selected: scaled, drained, activated, rescheduled.
    void nodePaneCountsWhatTheNodeRuns()
    {
        const QString id = create(service(QStringLiteral("fig-nodes"), 3));
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        auto *nodes = show<NodesView>("nodes");
        const QString node3 = nodeIdOf(QStringLiteral("node3"));
        QVERIFY(nodes->selectId(node3));
        const auto agrees = [&](int timeoutMs) {
            QTRY_VERIFY_WITH_TIMEOUT(engineRunningOn(node3) ==
                                             detailFigure(nodes, QStringLiteral("Running tasks")) &&
                                         store()->nodes()->load(node3).running == engineRunningOn(node3),
                                     timeoutMs);
        };
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 3, 60000);
        agrees(10000);
        const int atStart = detailFigure(nodes, QStringLiteral("Running tasks"));
        QVERIFY(atStart >= 1);

        scale(id, 6);
        // MaxReplicas 1 per node caps it at three: six wanted, three run.
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 3, 60000);
        agrees(10000);

        const auto setAvailability = [&](const QString &availability) {
            test::expectOk(engine()->setNodeAvailability(node3, availability));
        };
        auto restore = qScopeGuard([&] { setAvailability(QStringLiteral("active")); });
        setAvailability(QStringLiteral("drain"));
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOn(node3), 0, 60000);
        agrees(10000);
        QCOMPARE(detailFigure(nodes, QStringLiteral("Running tasks")), 0);

        setAvailability(QStringLiteral("active"));
        // The pending replicas (six wanted, two nodes) take the node again.
        QTRY_VERIFY_WITH_TIMEOUT(engineRunningOn(node3) >= 1, 60000);
        agrees(10000);
        QVERIFY(detailFigure(nodes, QStringLiteral("Running tasks")) >= 1);
    }

    // 2. The count beside a title counts what is there, right after removals.
    void titleCountsFollowRemovals()
    {
        const auto labelled = [&](const QString &name, const QString &stack) {
            QJsonObject spec = service(name, 1);
            spec.insert(QStringLiteral("Labels"),
                        QJsonObject{{QStringLiteral("com.docker.stack.namespace"), stack}});
            return create(spec);
        };
        const QString a = labelled(QStringLiteral("figa_web"), QStringLiteral("figa"));
        const QString b = labelled(QStringLiteral("figb_web"), QStringLiteral("figb"));
        auto cleanup = qScopeGuard([&] {
            test::removeService(engine(), a);
            if (store()->services()->find(b))
                test::removeService(engine(), b);
        });
        auto *services = show<ResourceView>("services");
        auto *stacks = qobject_cast<ResourceView *>(m_window->view(QStringLiteral("stacks")));
        QTRY_VERIFY2_WITH_TIMEOUT(countsAll(services, engineCount(QStringLiteral("/services"))),
                                  qPrintable(countText(services)), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(store()->stacks()->find(QStringLiteral("figb")), 20000);
        const int stacksBefore = store()->stacks()->rowCount();
        QVERIFY2(countsAll(stacks, stacksBefore), qPrintable(countText(stacks)));

        test::removeService(engine(), b);
        QTRY_VERIFY_WITH_TIMEOUT(!store()->services()->find(b), 20000);
        QVERIFY2(countsAll(services, engineCount(QStringLiteral("/services"))),
                 qPrintable(countText(services)));
        QTRY_VERIFY_WITH_TIMEOUT(!store()->stacks()->find(QStringLiteral("figb")), 20000);
        QVERIFY2(countsAll(stacks, stacksBefore - 1), qPrintable(countText(stacks)));

        // A network too, removed from the engine behind Cape's back.
        const QJsonDocument created =
            test::expectOk(engine()->createNetwork({{QStringLiteral("Name"), QStringLiteral("fig-net")},
                                                    {QStringLiteral("Driver"), QStringLiteral("overlay")}}));
        const QString network = created.object().value(QLatin1String("Id")).toString();
        auto *networks = qobject_cast<ResourceView *>(m_window->view(QStringLiteral("networks")));
        QTRY_VERIFY_WITH_TIMEOUT(store()->networks()->find(network), 20000);
        QTRY_VERIFY2_WITH_TIMEOUT(countsAll(networks, engineCount(QStringLiteral("/networks"))),
                                  qPrintable(countText(networks)), 20000);
        test::expectOk(engine()->removeNetwork(network));
        QTRY_VERIFY_WITH_TIMEOUT(!store()->networks()->find(network), 20000);
        QVERIFY2(countsAll(networks, engineCount(QStringLiteral("/networks"))),
                 qPrintable(countText(networks)));
    }

    // 3. The logs panel counts the replicas the swarm runs, not the tasks
    // that ever wrote a line: old ones after a restart, none before a line.
    void logsCountTheReplicasThatRun()
    {
        const QString id = create(service(
            QStringLiteral("fig-logs"), 1,
            {QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo started; exec sleep 3600")}));
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 1, 60000);
        LogPanel *panel =
            m_window->openLogs({LogFeed::Kind::Service, id, QStringLiteral("fig-logs"), {}, false});
        QVERIFY(panel);
        const auto says = [&](int replicas) {
            return panel->statusText().contains(QStringLiteral("·  %1 replica").arg(replicas));
        };
        QTRY_VERIFY2_WITH_TIMEOUT(says(engineRunningOf(id)), qPrintable(panel->statusText()), 20000);

        scale(id, 3);
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 3, 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(says(3), qPrintable(panel->statusText()), 20000);

        // A restart replaces every task: six have written lines, three run.
        test::expectOk(engine()->forceUpdateService(id));
        QTRY_VERIFY_WITH_TIMEOUT(engineTasks({{QStringLiteral("service"), {id}}}).size() >= 6, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 3, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->sources().size() >= 7,
                                 20000); // Cape's own, and six replicas
        QTRY_VERIFY2_WITH_TIMEOUT(says(3), qPrintable(panel->statusText()), 20000);
    }

    // 4a. A task no node takes is shown, in a Pending column, as the
    // engine lists it.
    void visualizerShowsPendingTasks()
    {
        QJsonObject spec = service(QStringLiteral("fig-pending"), 2);
        QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
        task.insert(QStringLiteral("Placement"),
                    QJsonObject{{QStringLiteral("Constraints"),
                                 QJsonArray{QStringLiteral("node.labels.fig==nowhere")}}});
        spec.insert(QStringLiteral("TaskTemplate"), task);
        const QString id = create(spec);
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        auto *view = show<VisualizerView>("visualizer");
        const auto pendingInEngine = [&] {
            int pending = 0;
            for (const QJsonValue &t :
                 engineTasks({{QStringLiteral("service"), {id}},
                              {QStringLiteral("desired-state"), {QStringLiteral("running")}}}))
                pending += t[QLatin1String("Status")][QLatin1String("State")].toString() ==
                               QLatin1String("pending") &&
                           t[QLatin1String("NodeID")].toString().isEmpty();
            return pending;
        };
        QTRY_COMPARE_WITH_TIMEOUT(pendingInEngine(), 2, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(
            view->visualizer()->cardsOf(QString()).filter(QStringLiteral("fig-pending.")).size(), 2, 10000);
        QCOMPARE(view->visualizer()->cardStatesOf(QString()).filter(QStringLiteral("fig-pending.")),
                 (QStringList{QStringLiteral("fig-pending.1: pending"),
                              QStringLiteral("fig-pending.2: pending")}));
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            m_window->grab().save(dir + QStringLiteral("/visualizer-pending.png"));
        // Placed once a node qualifies: the column empties and goes.
        const QString node2 = nodeIdOf(QStringLiteral("node2"));
        test::expectOk(engine()->setNodeLabel(node2, QStringLiteral("fig"), QStringLiteral("nowhere")));
        auto unlabel =
            qScopeGuard([&] { test::await(engine()->removeNodeLabel(node2, QStringLiteral("fig"))); });
        QTRY_COMPARE_WITH_TIMEOUT(pendingInEngine(), 0, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            view->visualizer()->cardsOf(QString()).filter(QStringLiteral("fig-pending.")).isEmpty(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view->visualizer()
                                      ->cardsOf(QStringLiteral("node2"))
                                      .filter(QStringLiteral("fig-pending."))
                                      .size(),
                                  2, 30000);
    }

    // 4b and 9. A node goes down: its cards say their state is unknown, no
    // replica shows on two nodes, and a logs panel, even one opened after,
    // says whose lines cannot arrive; all of it ends when the node is back.
    void aNodeDownIsShownAsSuch()
    {
        const QString id = create(service(QStringLiteral("fig-down"), 3,
                                          {QStringLiteral("sh"), QStringLiteral("-c"),
                                           QStringLiteral("while true; do echo tick; sleep 1; done")}));
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 3, 60000);
        auto *view = show<VisualizerView>("visualizer");
        ClusterVisualizer *visualizer = view->visualizer();
        QTRY_COMPARE_WITH_TIMEOUT(
            visualizer->cardsOf(QStringLiteral("node3")).filter(QStringLiteral("fig-down.")).size(), 1,
            20000);
        const QString onNode3 =
            visualizer->cardsOf(QStringLiteral("node3")).filter(QStringLiteral("fig-down.")).first();
        LogPanel *before =
            m_window->openLogs({LogFeed::Kind::Service, id, QStringLiteral("fig-down"), {}, false});
        QVERIFY(before->coverageText().isEmpty());

        QVERIFY(test::SandboxEnvironment::nodeAction(QStringLiteral("node-stop"), 3));
        auto restart =
            qScopeGuard([] { test::SandboxEnvironment::nodeAction(QStringLiteral("node-start"), 3); });
        const QString node3 = nodeIdOf(QStringLiteral("node3"));
        const auto engineNodeState = [&] {
            return test::expectOk(engine()->inspectNode(node3))
                .object()[QLatin1String("Status")][QLatin1String("State")]
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(engineNodeState(), QStringLiteral("down"), 60000);

        m_window->showView(QStringLiteral("visualizer"));
        // Whatever node3 still holds, none of it reads as running.
        QTRY_VERIFY_WITH_TIMEOUT(!visualizer->cardStatesOf(QStringLiteral("node3"))
                                      .join(u' ')
                                      .contains(QLatin1String(": running")),
                                 10000);
        // The replica the swarm started elsewhere is not also shown on node3.
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 2, 60000); // MaxReplicas 1: two ready nodes
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QStringList all;
                for (const QString &host :
                     {QStringLiteral("node1"), QStringLiteral("node2"), QStringLiteral("node3"), QString()})
                    all << visualizer->cardsOf(host).filter(QStringLiteral("fig-down."));
                return QSet<QString>(all.begin(), all.end()).size() == all.size();
            }(),
            10000);
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            m_window->grab().save(dir + QStringLiteral("/visualizer-node-down.png"));

        // Both panels say whose lines are missing: the one open before, and
        // one opened now.
        QTRY_VERIFY2_WITH_TIMEOUT(before->coverageText().contains(QLatin1String("node3")),
                                  qPrintable(before->coverageText()), 10000);
        const QString anyTaskOn3 = [&] {
            for (const TaskRecord &task : store()->tasks()->records()) {
                if (task.serviceId == id && task.nodeId == node3)
                    return task.id;
            }
            return QString();
        }();
        QVERIFY(!anyTaskOn3.isEmpty());
        LogPanel *taskPanel = m_window->openLogs({LogFeed::Kind::Task, anyTaskOn3, onNode3, {}, false});
        QTRY_VERIFY2_WITH_TIMEOUT(taskPanel->coverageText().contains(QLatin1String("node3")),
                                  qPrintable(taskPanel->coverageText()), 10000);
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            m_window->grab().save(dir + QStringLiteral("/logs-node-down.png"));

        restart.dismiss();
        QVERIFY(test::SandboxEnvironment::nodeAction(QStringLiteral("node-start"), 3));
        QTRY_COMPARE_WITH_TIMEOUT(engineNodeState(), QStringLiteral("ready"), 60000);
        QTRY_VERIFY2_WITH_TIMEOUT(before->coverageText().isEmpty(), qPrintable(before->coverageText()),
                                  20000);
        QTRY_VERIFY_WITH_TIMEOUT(!visualizer->cardStatesOf(QStringLiteral("node3"))
                                      .join(u' ')
                                      .contains(QLatin1String(": unknown")),
                                 20000);
    }

    // 5a. Under the pointer the stats table keeps its order while the
    // numbers move; away from it, it sorts again.
    void statsRowsHoldStillUnderThePointer()
    {
        // Two replicas that take turns at being busy: the CPU order flips every second.
        const QString id = create(
            service(QStringLiteral("fig-cpu"), 2,
                    {QStringLiteral("sh"), QStringLiteral("-c"),
                     QStringLiteral("while true; do timeout 1 sh -c 'while :; do :; done'; sleep 1; done")}));
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        QTRY_COMPARE_WITH_TIMEOUT(engineRunningOf(id), 2, 60000);
        auto *stats = show<StatsView>("stats");
        QTableView *table = stats->table()->table();
        // The order of this service's two replicas (other tests' containers come and go).
        const auto order = [&] {
            QStringList keys;
            for (int row = 0; row < table->model()->rowCount(); ++row) {
                const QString key = table->model()->index(row, 0).data(IdRole).toString();
                const StatsCollector::Container *c = stats->collector()->container(key);
                if (c && c->serviceId == id)
                    keys << key;
            }
            return keys;
        };
        QTRY_VERIFY_WITH_TIMEOUT(stats->collector()->members(StatsCollector::Group::Service, id).size() == 2,
                                 30000);
        // Unfrozen, the order changes as the replicas take turns.
        QStringList seen = order();
        QTRY_VERIFY_WITH_TIMEOUT(order() != seen, 15000);

        QEvent enter(QEvent::Enter);
        QApplication::sendEvent(table->viewport(), &enter);
        QVERIFY(stats->isOrderFrozen());
        const QStringList frozen = order();
        const qint64 samples = stats->collector()->samplesReceived();
        for (int i = 0; i < 40; ++i) {
            QTest::qWait(100);
            QCOMPARE(order(), frozen);
        }
        QVERIFY(stats->collector()->samplesReceived() > samples); // the numbers did move

        QEvent leave(QEvent::Leave);
        QApplication::sendEvent(table->viewport(), &leave);
        QVERIFY(!stats->isOrderFrozen());
        QTRY_VERIFY_WITH_TIMEOUT(order() != frozen, 15000);
    }

    // 5b. While the whole-cluster total lacks containers, the view says so.
    void partialTotalsSaySo()
    {
        // A fresh window: its Stats view starts measuring when first shown.
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        MainWindow window(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);
        window.showView(QStringLiteral("stats"));
        auto *stats = qobject_cast<StatsView *>(window.view(QStringLiteral("stats")));
        bool sawPartial = false;
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 20000) {
            stats->updateCharts(); // what the view shows at this moment
            const StatsCollector::Coverage coverage =
                stats->collector()->coverage(StatsCollector::Group::Cluster, QString());
            if (!coverage.isComplete()) {
                sawPartial = true;
                QVERIFY2(stats->partialText().contains(
                             QStringLiteral("%1 of %2").arg(coverage.measured).arg(coverage.members)) ||
                             coverage.enginesConnecting > 0,
                         qPrintable(stats->partialText()));
                QVERIFY(!stats->partialText().isEmpty());
            } else if (coverage.members > 0) {
                QVERIFY2(stats->partialText().isEmpty(), qPrintable(stats->partialText()));
                break;
            }
            QTest::qWait(50);
        }
        QVERIFY(sawPartial); // the first samples take a moment on every engine
        QTRY_VERIFY_WITH_TIMEOUT((stats->updateCharts(), stats->partialText().isEmpty()), 20000);
    }
};

QTEST_MAIN(TestFigures)
#include "tst_figures.moc"
