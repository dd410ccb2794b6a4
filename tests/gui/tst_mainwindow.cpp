#include "../integration/sandboxenvironment.h"
#include "guitest.h"

#include "models/clusterstore.h"
#include "models/logmodel.h"
#include "models/modelroles.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/stacktablemodel.h"
#include "services/docker/dockerclient.h"
#include "ui/logs/logpanel.h"
#include "ui/logs/logsview.h"
#include "ui/logs/logview.h"
#include "ui/mainwindow/mainwindow.h"
#include "services/connections/connectionstore.h"
#include "ui/connections/connectionform.h"
#include "ui/connections/connectionsdialog.h"
#include "ui/palette/commandpalette.h"
#include "ui/services/serviceeditor.h"
#include "ui/stacks/deploystackdialog.h"
#include "ui/stacks/stacksview.h"
#include "ui/style/capestyle.h"
#include "ui/style/messagelabel.h"
#include "ui/views/nodesview.h"
#include "ui/views/servicesview.h"
#include "ui/visualizer/clustervisualizer.h"
#include "ui/visualizer/visualizerview.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QTableWidget>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QTableView>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

using namespace cape;

using test::actionNamed;
using test::clickButton;
using test::whenModal;

namespace {

QJsonObject busyboxService(const QString &name, int replicas, const QString &image)
{
    return test::busyboxService(name, replicas, image);
}

} // namespace

// The real window, offscreen, against the sandbox swarm: what a user
// clicks, and what they then see change.
class TestMainWindow : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;

    std::unique_ptr<MainWindow> openWindow()
    {
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        auto window = std::make_unique<MainWindow>(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        window->show();
        return window;
    }

    QString createService(MainWindow &window, const QString &name, int replicas)
    {
        DockerReply *reply = test::await(window.store()->client()->createService(
            busyboxService(name, replicas, m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))));
        return reply->ok() ? reply->object().value(QLatin1String("ID")).toString() : QString();
    }

    void removeService(MainWindow &window, const QString &id)
    {
        if (!id.isEmpty()) // also after a failure, when QTest's waits return at once
            test::removeService(window.store()->client(), id);
    }

private slots:
    void initTestCase()
    {
        // The product's look, so that the screenshots tests save are what users see.
        applyCapeStyle(*qApp);
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
    }

    void followsSearchesAndExportsAServicesLogs()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        // Two replicas: a numbered line every 100 ms, every fifth an error on stderr.
        QJsonObject spec = busyboxService(QStringLiteral("gui-logs"), 2, m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"));
        QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
        QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
        container.insert(QStringLiteral("Command"),
                         QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                    QStringLiteral("i=0; while true; do i=$((i+1)); echo \"GET /orders/$i 200\"; "
                                                   "[ $((i % 5)) -eq 0 ] && echo \"ERROR order $i failed\" >&2; sleep 0.1; done")});
        task.insert(QStringLiteral("ContainerSpec"), container);
        spec.insert(QStringLiteral("TaskTemplate"), task);
        DockerReply *created = test::await(window->store()->client()->createService(spec));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { removeService(*window, id); });

        // Services → select → Logs.
        window->showView(QStringLiteral("services"));
        auto *services = qobject_cast<ServicesView *>(window->view(QStringLiteral("services")));
        QTRY_VERIFY_WITH_TIMEOUT(services->selectId(id), 20000);
        QTRY_VERIFY_WITH_TIMEOUT(window->store()->services()->replicas(id).running == 2, 60000);
        QAction *logsAction = actionNamed(services, QStringLiteral("Logs"));
        QVERIFY(logsAction && logsAction->isEnabled());
        logsAction->trigger();
        QCOMPARE(window->currentView(), QStringLiteral("logs"));
        auto *logs = qobject_cast<LogsView *>(window->view(QStringLiteral("logs")));
        LogPanel *panel = logs->currentPanel();
        QVERIFY(panel);
        QCOMPARE(panel->target().id, id);
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > 40, 20000);
        logsAction->trigger(); // the same service again: the same tab
        QCOMPARE(logs->panels().size(), 1);

        // Typing a search highlights matches; "only matching" keeps just those.
        auto *search = panel->findChild<QLineEdit *>();
        QVERIFY(search);
        QTest::keyClicks(search, QStringLiteral("error order"));
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->matchCount() >= 4 && !panel->model()->isSearching(), 5000);
        panel->setOnlyMatching(true);
        QTRY_VERIFY(panel->model()->rowCount() == panel->model()->matchCount());
        for (int row = 0; row < panel->model()->rowCount(); ++row) {
            QCOMPARE(panel->model()->streamAt(row), LogFrameDecoder::Stream::Stderr);
            QVERIFY(QString::fromUtf8(panel->model()->textAt(row)).startsWith(QLatin1String("ERROR order")));
        }
        // New errors keep arriving into the filtered view.
        const int matching = panel->model()->rowCount();
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->rowCount() > matching, 5000);
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            panel->setOnlyMatching(false);
            QTest::qWait(300);
            window->grab().save(dir + QStringLiteral("/logs-search.png"));
            panel->setOnlyMatching(true);
        }

        // Export writes what is shown, as copied: time, replica, text.
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("errors.log"));
        QSignalSpy exported(panel, &LogPanel::exportFinished);
        panel->exportTo(path);
        QVERIFY(exported.count() == 1 || exported.wait(10000));
        QVERIFY2(exported.at(0).at(0).toBool(), qPrintable(exported.at(0).at(1).toString()));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = file.readAll().split('\n');
        QVERIFY(lines.size() >= matching);
        QVERIFY2(lines.first().contains(" gui-logs.") && lines.first().contains("ERROR order"), lines.first().constData());

        // Pause holds new lines back without losing them.
        panel->setOnlyMatching(false);
        panel->setPaused(true);
        const int paused = panel->model()->rowCount();
        QTRY_VERIFY_WITH_TIMEOUT(panel->model()->waitingCount() > 10, 5000);
        QCOMPARE(panel->model()->rowCount(), paused);
        const qsizetype waiting = panel->model()->waitingCount();
        panel->setPaused(false);
        QVERIFY(panel->model()->rowCount() >= paused + waiting);
        QVERIFY(panel->view()->follows());
    }

    void showsTheSwarmsNodes()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        window->showView(QStringLiteral("nodes"));
        auto *nodes = qobject_cast<NodesView *>(window->view(QStringLiteral("nodes")));
        QVERIFY(nodes);
        QAbstractItemModel *model = nodes->table()->model();
        QCOMPARE(model->rowCount(), 3);
        QStringList hosts;
        for (int row = 0; row < 3; ++row)
            hosts << model->index(row, 0).data().toString();
        QCOMPARE(hosts, (QStringList{QStringLiteral("node1"), QStringLiteral("node2"), QStringLiteral("node3")}));
        QCOMPARE(window->store()->state(), ClusterStore::State::Live);
    }

    void scalesAServiceFromItsTable()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        const QString id = createService(*window, QStringLiteral("gui-scale"), 1);
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { removeService(*window, id); });
        window->showView(QStringLiteral("services"));
        auto *services = qobject_cast<ServicesView *>(window->view(QStringLiteral("services")));
        // The service appears from the create event, then reaches 1/1.
        QTRY_VERIFY_WITH_TIMEOUT(services->selectId(id), 20000);
        const auto replicas = [&] {
            const int row = window->store()->services()->rowOf(id);
            return window->store()->services()->index(row, ServiceTableModel::Replicas).data().toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(replicas(), QStringLiteral("1/1"), 30000);

        whenModal([](QWidget *dialog) {
            auto *input = qobject_cast<QInputDialog *>(dialog);
            QVERIFY(input);
            input->setIntValue(3);
            input->accept();
        });
        QAction *scale = actionNamed(services, QStringLiteral("Scale…"));
        QVERIFY(scale && scale->isEnabled());
        scale->trigger();
        // Desired first, from the update event; then running, from the tasks.
        QTRY_COMPARE_WITH_TIMEOUT(replicas().section(u'/', 1), QStringLiteral("3"), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(replicas(), QStringLiteral("3/3"), 60000);
        // The notice follows the scaling to its end, as the engine counts it.
        QTRY_VERIFY_WITH_TIMEOUT(
            services->messageLabel()->shownText().contains(QLatin1String("runs 3 replica")), 10000);
    }

    void drainingANodeMovesItsTasksInTheVisualizer()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        // MaxReplicas 1: one replica per node, so node3 surely has one.
        const QString id = createService(*window, QStringLiteral("gui-drain"), 2);
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { removeService(*window, id); });
        window->showView(QStringLiteral("visualizer"));
        auto *visualizer = qobject_cast<VisualizerView *>(window->view(QStringLiteral("visualizer")))->visualizer();
        const auto cards = [&](const QString &host) {
            return visualizer->cardsOf(host).filter(QStringLiteral("gui-drain."));
        };
        QTRY_COMPARE_WITH_TIMEOUT(cards(QStringLiteral("node1")).size() + cards(QStringLiteral("node2")).size()
                                      + cards(QStringLiteral("node3")).size(),
                                  2, 30000);
        // Drain a node that runs one of them.
        const QString host = cards(QStringLiteral("node3")).isEmpty() ? QStringLiteral("node2") : QStringLiteral("node3");
        const QString other = host == QLatin1String("node3") ? QStringLiteral("node2") : QStringLiteral("node3");
        QCOMPARE(cards(host).size(), 1);

        window->showView(QStringLiteral("nodes"));
        auto *nodes = qobject_cast<NodesView *>(window->view(QStringLiteral("nodes")));
        QString nodeId;
        for (int row = 0; row < nodes->table()->model()->rowCount(); ++row) {
            if (nodes->table()->model()->index(row, 0).data().toString() == host)
                nodeId = nodes->table()->model()->index(row, 0).data(IdRole).toString();
        }
        QVERIFY(nodes->selectId(nodeId));
        auto restore = qScopeGuard([&] { test::await(window->store()->client()->setNodeAvailability(nodeId, QStringLiteral("active"))); });
        whenModal([](QWidget *dialog) { clickButton(dialog, QStringLiteral("Drain")); });
        actionNamed(nodes, QStringLiteral("Drain"))->trigger();

        window->showView(QStringLiteral("visualizer"));
        // Its replica leaves the drained node and starts on the one left.
        QTRY_VERIFY_WITH_TIMEOUT(cards(host).isEmpty(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(cards(other).size(), 1, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(cards(QStringLiteral("node1")).size(), 1, 60000);
    }

    void createsAServiceFromTheForm()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        window->showView(QStringLiteral("services"));
        auto *services = qobject_cast<ServicesView *>(window->view(QStringLiteral("services")));
        actionNamed(services, QStringLiteral("Create…"))->trigger();
        QPointer<ServiceEditor> editor = services->findChild<ServiceEditor *>();
        QVERIFY(editor);
        QTRY_VERIFY(editor->isVisible());
        editor->findChild<QLineEdit *>(QStringLiteral("name"))->setText(QStringLiteral("gui-form"));
        editor->findChild<QLineEdit *>(QStringLiteral("image"))->setText(m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"));
        editor->findChild<QLineEdit *>(QStringLiteral("args"))->setText(QStringLiteral("httpd -f -p 8090"));

        // A typo is caught before anything is sent, and named.
        editor->findChild<QLineEdit *>(QStringLiteral("replicas"))->setText(QStringLiteral("two"));
        const int before = window->store()->services()->rowCount();
        editor->submit();
        QVERIFY2(editor->problemText().contains(QLatin1String("Replicas")),
                 qPrintable(editor->problemText()));
        QVERIFY(editor->isVisible());
        QTest::qWait(500);
        QCOMPARE(window->store()->services()->rowCount(), before);

        editor->findChild<QLineEdit *>(QStringLiteral("replicas"))->setText(QStringLiteral("2"));
        auto *ports = editor->findChild<QWidget *>(QStringLiteral("ports"))->findChild<QTableWidget *>();
        QVERIFY(ports);
        const auto addPort = [&](const QStringList &values) {
            const int row = ports->rowCount();
            ports->insertRow(row);
            for (int column = 0; column < values.size(); ++column)
                ports->setItem(row, column, new QTableWidgetItem(values.at(column)));
        };
        addPort({QStringLiteral("8090"), QStringLiteral("8090"), QStringLiteral("tcp"), QStringLiteral("host")});
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            editor->grab().save(dir + QStringLiteral("/service-editor.png"));
        editor->submit();
        QTRY_VERIFY_WITH_TIMEOUT(!editor, 20000); // closed, and deleted on close
        QString id;
        QTRY_VERIFY_WITH_TIMEOUT(!(id = [&] {
            for (const ServiceRecord &s : window->store()->services()->records())
                if (s.name == QLatin1String("gui-form"))
                    return s.id;
            return QString();
        }()).isEmpty(), 20000);
        auto cleanup = qScopeGuard([&] { removeService(*window, id); });
        QCOMPARE(window->store()->services()->find(id)->ports, QStringList{QStringLiteral("8090->8090/tcp (host)")});
        QCOMPARE(window->store()->services()->find(id)->spec().value(QLatin1String("UpdateConfig")).toObject().value(QLatin1String("Order")).toString(),
                 QStringLiteral("start-first"));
        const auto replicas = [&] {
            return window->store()->services()->index(window->store()->services()->rowOf(id), ServiceTableModel::Replicas).data().toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(replicas(), QStringLiteral("2/2"), 60000);
        QVERIFY(services->messageLabel()->shownText().contains(QLatin1String("Created gui-form")));

        // Edit shows what was created, field for field.
        services->openEditor(id);
        QPointer<ServiceEditor> edit = services->findChild<ServiceEditor *>();
        QVERIFY(edit);
        const ServiceDraft shown = edit->draft();
        const ServiceDraft stored = ServiceDraft::fromSpec(window->store()->services()->find(id)->spec(), {});
        QCOMPARE(shown.name, QStringLiteral("gui-form"));
        QCOMPARE(shown.args, stored.args);
        QCOMPARE(shown.replicas, QStringLiteral("2"));
        QCOMPARE(shown.ports.size(), 1);
        QCOMPARE(shown.ports.first().mode, QStringLiteral("host"));
        QCOMPARE(shown.update.order, QStringLiteral("start-first"));
        QCOMPARE(shown.update.failureAction, QStringLiteral("rollback"));
        QCOMPARE(shown.restartCondition, stored.restartCondition);
        QVERIFY(!edit->findChild<QLineEdit *>(QStringLiteral("name"))->isEnabled());
        edit->reject();
    }

    void deploysAndRemovesAStack()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        window->showView(QStringLiteral("stacks"));
        auto *stacks = qobject_cast<StacksView *>(window->view(QStringLiteral("stacks")));
        actionNamed(stacks, QStringLiteral("Deploy…"))->trigger();
        QPointer<DeployStackDialog> dialog = stacks->findChild<DeployStackDialog *>();
        QVERIFY(dialog);
        dialog->setStackName(QStringLiteral("guistack"));
        const QString image = m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE");
        // Line 5 holds a typo: the deploy never starts, and the line is named.
        dialog->setComposeText(QStringLiteral("version: \"3.8\"\nservices:\n  api:\n    image: %1\n    deploy: {replicas: two}\n").arg(image));
        dialog->deploy();
        QVERIFY2(dialog->problemText().contains(QLatin1String("line 5")), qPrintable(dialog->problemText()));

        dialog->setComposeText(QStringLiteral("version: \"3.8\"\n"
                                              "services:\n"
                                              "  api:\n"
                                              "    image: %1\n"
                                              "    command: sleep 3600\n"
                                              "    deploy: {replicas: 2}\n"
                                              "  cache:\n"
                                              "    image: %1\n"
                                              "    command: sleep 3600\n").arg(image));
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog->grab().save(dir + QStringLiteral("/deploy-stack.png"));
        auto removeLeftovers = qScopeGuard([&] {
            for (const ServiceRecord &service : window->store()->services()->records())
                if (service.stack == QLatin1String("guistack"))
                    test::await(window->store()->client()->removeService(service.id));
        });
        dialog->deploy();
        QTRY_VERIFY_WITH_TIMEOUT(!dialog, 30000); // closed, and deleted on close
        // The stack appears from the service events, with both services running.
        QTRY_VERIFY_WITH_TIMEOUT(window->store()->stacks()->find(QStringLiteral("guistack")), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(window->store()->stacks()->find(QStringLiteral("guistack"))->services, 2, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(window->store()->stacks()->find(QStringLiteral("guistack"))->running, 3, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(window->store()->stacks()->find(QStringLiteral("guistack"))->networks, 1, 20000);

        QVERIFY(stacks->selectId(QStringLiteral("guistack")));
        whenModal([](QWidget *box) { clickButton(box, QStringLiteral("Remove")); });
        actionNamed(stacks, QStringLiteral("Remove"))->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(!window->store()->stacks()->find(QStringLiteral("guistack")), 60000);
        QTRY_VERIFY_WITH_TIMEOUT(stacks->messageLabel()->shownText().contains(QLatin1String("removed")), 60000);
    }

    void commandPaletteGoesToANode()
    {
        auto window = openWindow();
        QTRY_VERIFY_WITH_TIMEOUT(window->isLoaded(), 30000);
        QPointer<CommandPalette> palette = window->openPalette();
        palette->setQuery(QStringLiteral("vo"));
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            window->grab().save(dir + QStringLiteral("/command-palette-window.png")), palette->grab().save(dir + QStringLiteral("/command-palette.png"));
        palette->setQuery(QStringLiteral("nde3"));
        QVERIFY(!palette->visibleTexts().isEmpty());
        QCOMPARE(palette->visibleTexts().first(), QStringLiteral("node3"));
        palette->activateCurrent();
        QCOMPARE(window->currentView(), QStringLiteral("nodes"));
        auto *nodes = qobject_cast<NodesView *>(window->view(QStringLiteral("nodes")));
        QCOMPARE(window->store()->nodes()->hostnameOf(nodes->currentId()), QStringLiteral("node3"));
        QTRY_VERIFY(!palette);

        // '/' in a table goes to its filter; typing there filters the rows.
        window->activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(window.get()));
        nodes->table()->setFocus();
        QTest::keyClick(nodes->table(), Qt::Key_Slash);
        QTRY_COMPARE(QApplication::focusWidget(), nodes->filterEdit());
        QTest::keyClicks(nodes->filterEdit(), QStringLiteral("node1"));
        QCOMPARE(nodes->table()->model()->rowCount(), 1);
    }

    void addsAClusterAndSwitchesToIt()
    {
        QTemporaryDir settings;
        ConnectionStore connections(settings.filePath(QStringLiteral("cape.conf")));
        auto *store = new ClusterStore;
        MainWindow window(store);
        store->setParent(&window);
        window.setConnections(&connections);
        window.show();
        QPointer<ConnectionsDialog> dialog = window.openConnectionsDialog();
        QVERIFY(dialog);

        // A typo in the endpoint is refused in the form, which stays open;
        // fixed, it is saved.
        const QString host = m_sandbox.value("DOCKER_HOST");
        bool refused = false;
        whenModal([&](QWidget *widget) {
            auto *form = qobject_cast<ConnectionForm *>(widget);
            QVERIFY(form);
            QPushButton *save = form->findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Save);
            form->findChild<QLineEdit *>(QStringLiteral("connectionName"))->setText(QStringLiteral("sandbox"));
            form->findChild<QLineEdit *>(QStringLiteral("connectionEndpoint"))->setText(QStringLiteral("ftp://nowhere"));
            save->click();
            refused = form->isVisible() && !form->problemText().isEmpty();
            form->findChild<QLineEdit *>(QStringLiteral("connectionEndpoint"))->setText(host);
            save->click();
        });
        for (QPushButton *button : dialog->findChildren<QPushButton *>()) {
            if (button->text() == QStringLiteral("Add…"))
                button->click(); // the form runs until it is answered above
        }
        QVERIFY(refused);
        QCOMPARE(connections.profiles().size(), 1);
        QCOMPARE(connections.profiles().first().endpoint, host);
        auto *switcher = window.findChild<QComboBox *>(QStringLiteral("clusterSwitcher"));
        QCOMPARE(switcher->itemText(0), QStringLiteral("sandbox"));

        emit dialog->connectRequested(connections.profiles().first().id);
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);
        QCOMPARE(store->state(), ClusterStore::State::Live);
        QCOMPARE(store->nodes()->rowCount(), 3);
        QCOMPARE(connections.currentId(), connections.profiles().first().id);
    }

    void unreachableEngineIsNamedInTheBanner()
    {
        MainWindow window(test::SandboxEnvironment::endpoint(QStringLiteral("unix:///nonexistent/docker.sock")));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);
        QCOMPARE(window.store()->state(), ClusterStore::State::Reconnecting);
        auto *banner = window.findChild<QLabel *>(QStringLiteral("banner"));
        QVERIFY(banner && banner->isVisible());
        QVERIFY2(banner->text().contains(QLatin1String("unix:///nonexistent/docker.sock")), qPrintable(banner->text()));
        QVERIFY2(banner->text().contains(QLatin1String("retrying"), Qt::CaseInsensitive),
                 qPrintable(banner->text()));
        // Said once, in words: no Qt function name, not again in the status line.
        QVERIFY2(banner->text().contains(QLatin1String("no socket at /nonexistent/docker.sock")),
                 qPrintable(banner->text()));
        QVERIFY2(!banner->text().contains(QLatin1String("QLocalSocket")), qPrintable(banner->text()));
        int saying = 0;
        for (QLabel *label : window.findChildren<QLabel *>())
            saying += label->isVisible() && label->text().contains(QLatin1String("no socket"));
        QCOMPARE(saying, 1);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
