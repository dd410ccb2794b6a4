#include "guitest.h"

#include "models/clusterstore.h"
#include "models/eventlogmodel.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/overview/overviewview.h"
#include "ui/overview/statcard.h"
#include "ui/palette/commandpalette.h"
#include "ui/services/serviceeditor.h"
#include "ui/style/capestyle.h"
#include "ui/style/messagelabel.h"
#include "ui/views/nodesview.h"
#include "ui/views/resourceview.h"
#include "ui/views/servicesview.h"

#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPointer>
#include <QRegularExpression>
#include <QTableView>
#include <QTemporaryDir>
#include <QTextBrowser>

using namespace cape;
using test::actionNamed;
using test::clickButton;
using test::whenModal;

// Every failure said, in the user's terms, and every notice true for as
// long as it is shown: the other half of the issue "never a wrong number".
class TestNotices : public test::SandboxWindowTest
{
    Q_OBJECT

    QJsonObject engineService(const QString &id) const
    {
        return test::expectOk(engine()->inspectService(id)).object();
    }
    static QString visibleBanner(QWidget *window)
    {
        auto *banner = window->findChild<QLabel *>(QStringLiteral("banner"));
        return banner && banner->isVisible() ? banner->text() : QString();
    }
    static bool tilesSay(MainWindow &window, const QString &severity)
    {
        auto *overview = qobject_cast<OverviewView *>(window.view(QStringLiteral("overview")));
        for (StatCard *card : {overview->nodesCard(), overview->managersCard(), overview->servicesCard(),
                               overview->tasksCard()}) {
            if (card->severity() != severity)
                return false;
        }
        return true;
    }

private slots:
    // 6. A worker's engine is named as one within seconds, with the
    // managers to use instead; nothing reads as healthy, nothing can be created.
    void aWorkerIsNamedAsOne()
    {
        QElapsedTimer clock;
        clock.start();
        MainWindow window(test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().at(1)));
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(window.store()->state(), ClusterStore::State::Refused, 5000);
        QVERIFY2(clock.elapsed() < 5000, qPrintable(QString::number(clock.elapsed())));
        QCOMPARE(window.store()->refusal().verdict, ManagerCheck::Verdict::Worker);
        const QString banner = visibleBanner(&window);
        QVERIFY2(banner.contains(QLatin1String("node2")) && banner.contains(QLatin1String("is a worker")),
                 qPrintable(banner));
        // The way out: the manager's address, as the worker knows it.
        QVERIFY2(banner.contains(m_sandbox.value("CAPE_SANDBOX_NODE_IPS").section(u' ', 0, 0)),
                 qPrintable(banner));
        QTRY_VERIFY(tilesSay(window, QStringLiteral("bad")));
        auto *services = qobject_cast<ResourceView *>(window.view(QStringLiteral("services")));
        QVERIFY(!actionNamed(services, QStringLiteral("Create…"))->isEnabled());
        QCOMPARE(window.store()->nodes()->rowCount(), 0);
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            window.grab().save(dir + QStringLiteral("/connected-to-a-worker.png"));
    }

    // 7. A socket where something else answers is named as not an engine.
    void aSocketThatIsNoEngineIsNamed()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("web.sock"));
        // An HTTP server that is not Docker: 404 for /_ping, as a web app's socket would.
        QProcess server;
        server.start(QStringLiteral("python3"),
                     {QStringLiteral("-c"),
                      QStringLiteral("import http.server, socketserver, sys\n"
                                     "class H(http.server.BaseHTTPRequestHandler):\n"
                                     "    def do_GET(self):\n"
                                     "        self.send_response(404); self.send_header('Content-Length', "
                                     "'9'); self.end_headers(); self.wfile.write(b'not found')\n"
                                     "    def address_string(self): return 'local'\n"
                                     "class S(socketserver.UnixStreamServer):\n"
                                     "    def get_request(self):\n"
                                     "        r, _ = super().get_request(); return r, ('local', 0)\n"
                                     "S(sys.argv[1], H).serve_forever()\n"),
                      path});
        QVERIFY(server.waitForStarted());
        auto stop = qScopeGuard([&] {
            server.kill();
            server.waitForFinished();
        });
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(path), 5000);
        QElapsedTimer clock;
        clock.start();
        MainWindow window(test::SandboxEnvironment::endpoint(QStringLiteral("unix://") + path));
        window.show();
        QTRY_COMPARE_WITH_TIMEOUT(window.store()->state(), ClusterStore::State::Refused, 5000);
        QVERIFY(clock.elapsed() < 5000);
        QCOMPARE(window.store()->refusal().verdict, ManagerCheck::Verdict::NotAnEngine);
        QVERIFY2(visibleBanner(&window).contains(QLatin1String("not as a Docker engine")),
                 qPrintable(visibleBanner(&window)));
        QTRY_VERIFY(tilesSay(window, QStringLiteral("bad")));
    }

    // 8. Cape keeps the session's events, from every engine it follows,
    // after the manager's own record (its last 256) has moved on.
    void eventsOfTheSessionStay()
    {
        const QString image = m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE");
        const qint64 since = QDateTime::currentSecsSinceEpoch();
        // One replica per node, so that each engine has container events.
        const QString spread = create(test::busyboxService(QStringLiteral("notice-spread"), 3, image));
        QVERIFY(!spread.isEmpty());
        auto removeSpread = qScopeGuard([&] { test::removeService(engine(), spread); });
        // Health checks every 200 ms on the manager: three exec events each, which fill its record.
        QJsonObject noisy = test::busyboxService(QStringLiteral("notice-health"), 3, image,
                                                 {QStringLiteral("sleep"), QStringLiteral("3600")}, 0);
        QJsonObject task = noisy.value(QLatin1String("TaskTemplate")).toObject();
        QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
        container.insert(
            QStringLiteral("Healthcheck"),
            QJsonObject{{QStringLiteral("Test"), QJsonArray{QStringLiteral("CMD"), QStringLiteral("true")}},
                        {QStringLiteral("Interval"), 200000000LL},
                        {QStringLiteral("Timeout"), 1000000000LL}});
        task.insert(QStringLiteral("ContainerSpec"), container);
        task.insert(
            QStringLiteral("Placement"),
            QJsonObject{{QStringLiteral("Constraints"), QJsonArray{QStringLiteral("node.role==manager")}}});
        noisy.insert(QStringLiteral("TaskTemplate"), task);
        const QString health = create(noisy);
        QVERIFY(!health.isEmpty());
        auto removeHealth = qScopeGuard([&] { test::removeService(engine(), health); });

        const auto capeHas = [&](const QString &type, const QString &action, const QString &object,
                                 const QString &node) {
            EventLogModel *events = store()->events();
            for (int row = 0; row < events->rowCount(); ++row) {
                const EventLogModel::Entry &e = events->at(row);
                if (e.type == type && e.action == action && e.object.startsWith(object) &&
                    (node.isEmpty() || e.node == node))
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(
            capeHas(QStringLiteral("service"), QStringLiteral("create"), QStringLiteral("notice-spread"), {}),
            20000);
        for (const QString &node :
             {QStringLiteral("node1"), QStringLiteral("node2"), QStringLiteral("node3")})
            QTRY_VERIFY2_WITH_TIMEOUT(capeHas(QStringLiteral("container"), QStringLiteral("start"),
                                              QStringLiteral("notice-spread."), node),
                                      qPrintable(node), 60000);
        // Until the manager no longer remembers the service's creation.
        const auto engineRemembers = [&] {
            DockerClient::EventOptions options;
            options.since = QString::number(since);
            options.until = QString::number(QDateTime::currentSecsSinceEpoch());
            options.filters.insert(QStringLiteral("type"), {QStringLiteral("service")});
            DockerEventStream *history = engine()->events(options);
            bool found = false;
            QObject::connect(history, &DockerEventStream::event, history, [&](const QJsonObject &event) {
                found = found || event[QLatin1String("Actor")][QLatin1String("ID")].toString() == spread;
            });
            QSignalSpy finished(history, &DockerExchange::finished);
            finished.wait(10000);
            history->deleteLater();
            return found;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!engineRemembers(), 120000);
        QVERIFY(capeHas(QStringLiteral("service"), QStringLiteral("create"), QStringLiteral("notice-spread"),
                        {}));
        for (const QString &node : {QStringLiteral("node2"), QStringLiteral("node3")})
            QVERIFY2(capeHas(QStringLiteral("container"), QStringLiteral("start"),
                             QStringLiteral("notice-spread."), node),
                     qPrintable(node));
        // The Events view says from when it holds them.
        auto *events = qobject_cast<ResourceView *>(m_window->view(QStringLiteral("events")));
        QVERIFY(events->findChild<QLabel *>(QStringLiteral("viewNote"))
                    ->text()
                    .contains(QLatin1String("when Cape connected")));
    }

    // 10. A rollback's notice says so while it runs, then how it ended,
    // then goes.
    void aRollbackNoticeEndsWithTheRollback()
    {
        QJsonObject spec = test::busyboxService(QStringLiteral("notice-rollback"), 2,
                                                m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"));
        spec.insert(QStringLiteral("UpdateConfig"),
                    QJsonObject{{QStringLiteral("Parallelism"), 1}, {QStringLiteral("Delay"), 500000000LL}});
        spec.insert(QStringLiteral("RollbackConfig"),
                    QJsonObject{{QStringLiteral("Parallelism"), 1}, {QStringLiteral("Delay"), 500000000LL}});
        const QString id = create(spec);
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        test::expectOk(engine()->updateService(id, [](QJsonObject &s) {
            QJsonObject task = s.value(QLatin1String("TaskTemplate")).toObject();
            QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
            container.insert(QStringLiteral("Env"), QJsonArray{QStringLiteral("GENERATION=2")});
            task.insert(QStringLiteral("ContainerSpec"), container);
            s.insert(QStringLiteral("TaskTemplate"), task);
            return QString();
        }));
        const auto engineState = [&] {
            return engineService(id)[QLatin1String("UpdateStatus")][QLatin1String("State")].toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(engineState(), QStringLiteral("completed"), 60000);

        m_window->showView(QStringLiteral("services"));
        auto *services = qobject_cast<ServicesView *>(m_window->view(QStringLiteral("services")));
        QTRY_VERIFY_WITH_TIMEOUT(services->selectId(id), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(store()->services()->find(id)->updateState, QStringLiteral("completed"),
                                  10000);
        whenModal([](QWidget *box) { clickButton(box, QStringLiteral("Roll back")); });
        actionNamed(services, QStringLiteral("Roll back"))->trigger();
        MessageLabel *message = services->messageLabel();
        QTRY_VERIFY2_WITH_TIMEOUT(
            message->shownText().contains(QLatin1String("Rolling notice-rollback back")),
            qPrintable(message->shownText()), 10000);
        // True while it is: it says "rolling back" until the engine says done, then says so.
        QElapsedTimer clock;
        clock.start();
        while (clock.elapsed() < 60000 && engineState() != QLatin1String("rollback_completed")) {
            const QString shown = message->shownText();
            QVERIFY2(shown.contains(QLatin1String("Rolling")) || shown.contains(QLatin1String("rolled back")),
                     qPrintable(shown));
            QTest::qWait(200);
        }
        QCOMPARE(engineState(), QStringLiteral("rollback_completed"));
        QTRY_VERIFY2_WITH_TIMEOUT(message->shownText().contains(QLatin1String("notice-rollback rolled back")),
                                  qPrintable(message->shownText()), 10000);
        // News, not a banner: it goes.
        QTRY_VERIFY_WITH_TIMEOUT(message->shownText().isEmpty(), MessageLabel::NewsMs + 3000);
    }

    // 11. The palette offers what can be done to each object it finds.
    void thePaletteActsOnObjects()
    {
        const QString id = create(test::busyboxService(QStringLiteral("notice-palette"), 1,
                                                       m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")));
        QVERIFY(!id.isEmpty());
        auto cleanup = qScopeGuard([&] { test::removeService(engine(), id); });
        QTRY_VERIFY_WITH_TIMEOUT(store()->services()->find(id), 10000);

        QPointer<CommandPalette> palette = m_window->openPalette();
        palette->setQuery(QStringLiteral("scale notice-palette"));
        QVERIFY2(palette->visibleTexts().contains(QStringLiteral("Scale notice-palette…")),
                 qPrintable(palette->visibleTexts().join(u'|')));
        palette->setQuery(QStringLiteral("restart notice-palette"));
        QCOMPARE(palette->visibleTexts().value(0), QStringLiteral("Restart notice-palette"));
        palette->setQuery(QStringLiteral("zzqqxx"));
        QVERIFY(palette->visibleTexts().isEmpty());
        auto *list = palette->findChild<QListWidget *>();
        QCOMPARE(list->count(), 1);
        QVERIFY(list->item(0)->text().contains(QLatin1String("No matches")));

        const QString node3 = nodeIdOf(QStringLiteral("node3"));
        auto restore =
            qScopeGuard([&] { test::await(engine()->setNodeAvailability(node3, QStringLiteral("active"))); });
        palette->setQuery(QStringLiteral("drain node3"));
        QCOMPARE(palette->visibleTexts().value(0), QStringLiteral("Drain node3"));
        whenModal([](QWidget *box) { clickButton(box, QStringLiteral("Drain")); });
        palette->activateCurrent();
        const auto availability = [&] {
            return test::expectOk(engine()->inspectNode(node3))
                .object()[QLatin1String("Spec")][QLatin1String("Availability")]
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(availability(), QStringLiteral("drain"), 10000);
        // 12: said in words, not "node3 is now drain."
        auto *nodes = qobject_cast<NodesView *>(m_window->view(QStringLiteral("nodes")));
        QTRY_VERIFY2_WITH_TIMEOUT(
            nodes->messageLabel()->shownText().contains(QLatin1String("node3 is drained")),
            qPrintable(nodes->messageLabel()->shownText()), 10000);
        palette = m_window->openPalette();
        palette->setQuery(QStringLiteral("activate node3"));
        QCOMPARE(palette->visibleTexts().value(0), QStringLiteral("Activate node3"));
        palette->activateCurrent();
        QTRY_COMPARE_WITH_TIMEOUT(availability(), QStringLiteral("active"), 10000);
    }

    // 12. The engine's refusals in the user's terms: names, not IDs; what
    // to do; its own words one click away. Field labels, local times.
    void messagesSpeakTheUsersTerms()
    {
        m_window->showView(QStringLiteral("nodes"));
        auto *nodes = qobject_cast<NodesView *>(m_window->view(QStringLiteral("nodes")));
        const QString node2 = nodeIdOf(QStringLiteral("node2"));
        QVERIFY(nodes->selectId(node2));
        whenModal([](QWidget *box) { clickButton(box, QStringLiteral("Remove")); });
        actionNamed(nodes, QStringLiteral("Remove"))->trigger();
        MessageLabel *message = nodes->messageLabel();
        QTRY_COMPARE_WITH_TIMEOUT(message->severity(), MessageLabel::Severity::Error, 10000);
        QTRY_VERIFY2_WITH_TIMEOUT(message->shownText().contains(QLatin1String("node2 is still up")),
                                  qPrintable(message->shownText()), 10000);
        QVERIFY2(!message->shownText().contains(node2.left(12)), qPrintable(message->shownText()));
        QVERIFY(!message->shownText().contains(QLatin1String("rpc error")));
        emit message->linkActivated(QStringLiteral("#details")); // the engine's own words, on request
        QVERIFY2(message->shownText().contains(QLatin1String("DELETE /v")), qPrintable(message->shownText()));
        emit message->linkActivated(QStringLiteral("#dismiss"));
        QVERIFY(message->shownText().isEmpty());

        // The window's title names the cluster once; Qt adds "Cape".
        QVERIFY2(!m_window->windowTitle().contains(QLatin1String("Cape")),
                 qPrintable(m_window->windowTitle()));

        // The Swarm page's times in the reader's words, not RFC 3339.
        m_window->showView(QStringLiteral("swarm"));
        const QString swarm =
            m_window->view(QStringLiteral("swarm"))->findChild<QTextBrowser *>()->toPlainText();
        QVERIFY2(swarm.contains(QLatin1String("Created")), qPrintable(swarm));
        QVERIFY2(!QRegularExpression(QStringLiteral("\\d{4}-\\d\\d-\\d\\dT\\d")).match(swarm).hasMatch(),
                 qPrintable(swarm));

        // The service form names a field as it labels it.
        m_window->showView(QStringLiteral("services"));
        auto *services = qobject_cast<ServicesView *>(m_window->view(QStringLiteral("services")));
        services->openEditor({});
        QPointer<ServiceEditor> editor = services->findChild<ServiceEditor *>();
        QVERIFY(editor);
        editor->findChild<QLineEdit *>(QStringLiteral("name"))->setText(QStringLiteral("notice-form"));
        editor->findChild<QLineEdit *>(QStringLiteral("image"))
            ->setText(m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"));
        editor->findChild<QLineEdit *>(QStringLiteral("limitCpus"))->setText(QStringLiteral("lots"));
        editor->submit();
        QVERIFY2(editor->problemText().contains(QLatin1String("CPU limit")),
                 qPrintable(editor->problemText()));
        QVERIFY2(!editor->problemText().contains(QLatin1String("limitCpus")),
                 qPrintable(editor->problemText()));
        editor->reject();
    }

    // 13. At 1440×900 every column of the busy tables is on screen, and an
    // empty table says what would be there.
    void tablesFitAndEmptyOnesSaySo()
    {
        for (const char *name : {"nodes", "services", "tasks", "events", "networks", "stacks"}) {
            m_window->showView(QLatin1String(name));
            auto *view = qobject_cast<ResourceView *>(m_window->view(QLatin1String(name)));
            QTest::qWait(100);
            view->fitColumns();
            QTableView *table = view->table();
            int right = 0;
            for (int column = 0; column < table->model()->columnCount(); ++column) {
                if (!table->isColumnHidden(column))
                    right =
                        std::max(right, table->columnViewportPosition(column) + table->columnWidth(column));
            }
            QVERIFY2(right <= table->viewport()->width() + 1,
                     qPrintable(QStringLiteral("%1: columns end at %2, the table at %3")
                                    .arg(QLatin1String(name))
                                    .arg(right)
                                    .arg(table->viewport()->width())));
        }
        for (const char *name : {"configs", "secrets"}) {
            auto *view = qobject_cast<ResourceView *>(m_window->view(QLatin1String(name)));
            const bool empty = view->table()->model()->rowCount() == 0;
            QCOMPARE(!view->placeholderShown().isEmpty(), empty);
        }
    }
};

QTEST_MAIN(TestNotices)
#include "tst_notices.moc"
