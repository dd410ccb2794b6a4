// The Deploy panel, real widgets offscreen: the template editor's errors at
// their lines, a dry run against the sandbox swarm showing per service and
// field what would change, and the history of a real cape-deployd (the
// binary, deploying a git repository made here to the sandbox) with
// "deploy now" and "roll back to this".
#include "../integration/gitcommand.h"
#include "../integration/proxy/loopbackport.h"
#include "../integration/sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/deploymenttablemodel.h"
#include "models/servicetablemodel.h"
#include "services/deploy/deploydclient.h"
#include "ui/deploy/codeeditor.h"
#include "ui/deploy/deployview.h"
#include "ui/deploy/historypanel.h"
#include "ui/deploy/templatepanel.h"
#include "ui/style/messagelabel.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace cape;

class TestDeployView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    const QString m_prefix = QStringLiteral("cape-test-deployview");

    // A file of a working copy (one folder per test: a dry run runs every template beside the edited one).
    QString write(const QString &repository, const QString &relative, const QByteArray &content)
    {
        const QString path = m_dir.filePath(repository + u'/' + relative);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        [&] { QVERIFY(file.open(QIODevice::WriteOnly)); }();
        file.write(content);
        return path;
    }

    static QTreeWidgetItem *planItem(QTreeWidget *tree, const QString &name)
    {
        for (int i = 0; i < tree->topLevelItemCount(); ++i) {
            if (tree->topLevelItem(i)->text(0) == name)
                return tree->topLevelItem(i);
        }
        return nullptr;
    }

    static QString git(const QString &directory, const QStringList &arguments)
    {
        return test::git(directory, arguments).output;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void theEditorShowsATemplatesErrorAtItsLine()
    {
        const QString path = write(QStringLiteral("shop"), QStringLiteral("deploy/web.js"),
                                   "// the shop\n"
                                   "module.exports = function (ctx) {\n"
                                   "    const replicas = ctx.env.REPLICAS;\n"
                                   "    throw new Error('REPLICAS is ' + replicas);\n"
                                   "};\n");
        TemplatePanel panel(nullptr);
        panel.resize(1200, 700);
        panel.show();
        QVERIFY(panel.openFile(path));
        QCOMPARE(TemplatePanel::repositoryRoot(path), m_dir.filePath(QStringLiteral("shop")));
        panel.setEnvironment({{QStringLiteral("REPLICAS"), 0}});
        QSignalSpy finished(&panel, &TemplatePanel::dryRunFinished);
        panel.dryRun();
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().first().toBool(), false);
        QCOMPARE(panel.editor()->errorLine(), 4);
        QCOMPARE(panel.editor()->errorMessage(), QStringLiteral("Error: REPLICAS is 0"));
        QCOMPARE(panel.messageLabel()->shownText(), QStringLiteral("deploy/web.js:4: Error: REPLICAS is 0"));
        QCOMPARE(panel.editor()->textCursor().blockNumber(), 3); // the cursor went to it
        QVERIFY(panel.editor()->gutterWidth() > 0);

        // A syntax error, found before anything runs; an edit clears the mark.
        panel.editor()->setPlainText(
            QStringLiteral("module.exports = function () {\n  return [{name: 'x'}\n};\n"));
        QCOMPARE(panel.editor()->errorLine(), 0);
        finished.clear();
        panel.dryRun();
        QVERIFY(finished.wait(10000));
        QCOMPARE(panel.editor()->errorLine(), 3);

        // A template that never returns is stopped (after 5 s), and says so.
        panel.editor()->setPlainText(QStringLiteral("module.exports = () => { for (;;) {} };\n"));
        finished.clear();
        panel.dryRun();
        QVERIFY(finished.wait(15000));
        QVERIFY2(panel.messageLabel()->text().contains(QLatin1String("stopped")),
                 qPrintable(panel.messageLabel()->text()));
    }

    void aDryRunShowsWhatWouldChangePerServiceAndField()
    {
        const test::SandboxEnvironment sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox);
        ClusterStore cluster;
        cluster.connectTo(test::SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")));
        QTRY_COMPARE_WITH_TIMEOUT(cluster.state(), ClusterStore::State::Live, 30000);
        const QString web = m_prefix + QStringLiteral("-web");
        std::unique_ptr<DockerReply>(test::await(cluster.client()->removeService(web)));
        std::unique_ptr<DockerReply>(
            test::await(cluster.client()->removeService(m_prefix + QStringLiteral("-new"))));
        const QString id =
            test::expectOk(
                cluster.client()->createService(QJsonObject{
                    {QStringLiteral("Name"), web},
                    {QStringLiteral("TaskTemplate"),
                     QJsonObject{
                         {QStringLiteral("ContainerSpec"),
                          QJsonObject{
                              {QStringLiteral("Image"), sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                              {QStringLiteral("Command"),
                               QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}},
                              {QStringLiteral("Env"), QJsonArray{QStringLiteral("GREETING=hello")}}}}}}}))
                .object()[QLatin1String("ID")]
                .toString();
        cluster.refresh();
        const auto listed = [&cluster, &id] {
            const QList<ServiceRecord> &records = cluster.services()->records();
            return std::any_of(records.cbegin(), records.cend(),
                               [&id](const ServiceRecord &r) { return r.id == id; });
        };
        QTRY_VERIFY_WITH_TIMEOUT(listed(), 20000);
        const QString path = write(QStringLiteral("store"), QStringLiteral("deploy/shop.js"), R"(
module.exports = ctx => [
    {name: ctx.env.PREFIX + '-web', image: ctx.env.IMAGE, command: ['sleep', '3600'], env: {GREETING: 'bonjour'}},
    {name: ctx.env.PREFIX + '-new', image: ctx.env.IMAGE, replicas: 2}
];
)");
        DeployView view(&cluster);
        view.resize(1400, 800);
        view.show();
        TemplatePanel *panel = view.templates();
        view.setCurrentWidget(panel);
        QVERIFY(panel->openFile(path));
        panel->setEnvironment({{QStringLiteral("PREFIX"), m_prefix},
                               {QStringLiteral("IMAGE"), sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")}});
        QSignalSpy finished(panel, &TemplatePanel::dryRunFinished);
        panel->dryRun();
        QVERIFY(finished.wait(15000));
        QVERIFY2(finished.first().first().toBool(), qPrintable(panel->messageLabel()->text()));
        QTreeWidgetItem *updated = planItem(panel->planTree(), web);
        QVERIFY(updated);
        QCOMPARE(updated->text(1), QStringLiteral("update"));
        QTreeWidgetItem *envChange = nullptr;
        for (int i = 0; i < updated->childCount(); ++i) {
            if (updated->child(i)->text(0) == QLatin1String("TaskTemplate.ContainerSpec.Env"))
                envChange = updated->child(i);
        }
        QVERIFY(envChange);
        QCOMPARE(envChange->text(1), QStringLiteral("[\"GREETING=hello\"]"));
        QCOMPARE(envChange->text(2), QStringLiteral("[\"GREETING=bonjour\"]"));
        QTreeWidgetItem *created = planItem(panel->planTree(), m_prefix + QStringLiteral("-new"));
        QVERIFY(created);
        QCOMPARE(created->text(1), QStringLiteral("create"));
        // Nothing was applied.
        QCOMPARE(test::expectOk(cluster.client()->inspectService(id))
                     .object()[QLatin1String("Spec")][QLatin1String("TaskTemplate")]
                              [QLatin1String("ContainerSpec")][QLatin1String("Env")]
                     .toArray(),
                 QJsonArray{QStringLiteral("GREETING=hello")});
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(300);
            view.grab().save(dir + QStringLiteral("/deploy-dry-run.png"));
        }
        test::removeService(cluster.client(), id);
    }

    void theHistoryDeploysNowAndRollsBack()
    {
        const test::SandboxEnvironment sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox);
        // A repository and a cape-deployd for it.
        const QString origin = m_dir.filePath(QStringLiteral("origin"));
        QDir().mkpath(origin + QStringLiteral("/deploy"));
        git(origin,
            {QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")});
        const auto commit = [&](const QByteArray &greeting) {
            QFile file(origin + QStringLiteral("/deploy/worker.js"));
            [&] { QVERIFY(file.open(QIODevice::WriteOnly)); }();
            file.write("module.exports = ctx => ({name: ctx.env.NAME, image: ctx.env.IMAGE, command: "
                       "['sleep', '3600'],\n"
                       "    env: {GREETING: '" +
                       greeting + "'}, stopGracePeriod: '1s'});\n");
            file.close();
            git(origin, {QStringLiteral("add"), QStringLiteral("-A")});
            git(origin, {QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"),
                         QString::fromUtf8(greeting)});
        };
        commit("hello");
        const quint16 port = test::freePort();
        const QString worker = m_prefix + QStringLiteral("-worker");
        QFile config(m_dir.filePath(QStringLiteral("deployd.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            QJsonDocument(
                QJsonObject{
                    {QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(port)},
                    {QStringLiteral("docker"), sandbox.value("DOCKER_HOST")},
                    {QStringLiteral("apiToken"), QStringLiteral("t0ken")},
                    {QStringLiteral("cacheDirectory"), m_dir.filePath(QStringLiteral("cache"))},
                    {QStringLiteral("repositories"),
                     QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("panel")},
                                            {QStringLiteral("url"), QStringLiteral("file://") + origin},
                                            {QStringLiteral("pollIntervalSeconds"), 0},
                                            {QStringLiteral("env"),
                                             QJsonObject{{QStringLiteral("NAME"), worker},
                                                         {QStringLiteral("IMAGE"),
                                                          sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")}}}}}}})
                .toJson());
        config.close();
        QProcess deployd;
        deployd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        deployd.start(QStringLiteral(CAPE_DEPLOYD_BINARY), {QStringLiteral("--config"), config.fileName()});
        QVERIFY(deployd.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(test::isListening(port), 10000);

        DeployView view(nullptr);
        view.resize(1400, 800);
        view.show();
        HistoryPanel *history = view.history();
        view.setCurrentWidget(history);
        QSignalSpy finished(history, &HistoryPanel::finished);
        // A wrong token is refused, and said so.
        history->connectTo(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), "wrong", false);
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 10000);
        QCOMPARE(finished.first().first().toBool(), false);
        QVERIFY2(finished.first().at(1).toString().contains(QLatin1String("401")),
                 qPrintable(finished.first().at(1).toString()));

        history->connectTo(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)), "t0ken", false);
        finished.clear();
        history->deployNow(QStringLiteral("panel"), {});
        QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty() && finished.last().first().toBool(), 10000);
        DeploymentTableModel *model = history->model();
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, DeploymentTableModel::Status).data().toString(),
                                  QStringLiteral("succeeded"), 90000);
        const QString first = model->index(0, 0).data(Qt::UserRole + 1).toString();
        QVERIFY(model->index(0, DeploymentTableModel::Commit)
                    .data()
                    .toString()
                    .endsWith(QLatin1String(" hello")));

        commit("bonjour");
        history->deployNow(QStringLiteral("panel"), QStringLiteral("main"));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 2, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, DeploymentTableModel::Status).data().toString(),
                                  QStringLiteral("succeeded"), 90000);
        history->rollBackTo(first);
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 3, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(0, DeploymentTableModel::Status).data().toString(),
                                  QStringLiteral("succeeded"), 90000);
        QVERIFY2(model->index(0, DeploymentTableModel::Trigger)
                     .data()
                     .toString()
                     .startsWith(QLatin1String("rollback to")),
                 qPrintable(model->index(0, DeploymentTableModel::Trigger).data().toString()));
        history->selectId(model->index(1, 0).data(Qt::UserRole + 1).toString());
        QTest::qWait(1000); // the whole record comes for the details
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            view.grab().save(dir + QStringLiteral("/deploy-history.png"));

        deployd.terminate();
        deployd.waitForFinished(5000);
        DockerClient client(test::SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")));
        std::unique_ptr<DockerReply>(test::await(client.removeService(worker)));
    }
};

QTEST_MAIN(TestDeployView)
#include "tst_deployview.moc"
