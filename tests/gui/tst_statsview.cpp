#include "../integration/sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/statscollector.h"
#include "models/statstablemodel.h"
#include "models/tablefilterproxymodel.h"
#include "services/docker/dockerclient.h"
#include "ui/charts/timeserieschart.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/stats/statsview.h"
#include "ui/style/capestyle.h"
#include "ui/views/resourceview.h"

#include <QApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QLineEdit>
#include <QTableView>
#include <QTest>
#include <QTimer>

using namespace cape;
using Group = StatsCollector::Group;

namespace {

QJsonObject busyService(const QString &name, const QString &image)
{
    return QJsonObject{
        {QStringLiteral("Name"), name},
        {QStringLiteral("TaskTemplate"),
         QJsonObject{
             {QStringLiteral("ContainerSpec"),
              QJsonObject{{QStringLiteral("Image"), image},
                          {QStringLiteral("Command"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                                                 QStringLiteral("while :; do :; done")}},
                          {QStringLiteral("StopGracePeriod"), 1000000000}}},
             {QStringLiteral("Resources"),
              QJsonObject{
                  {QStringLiteral("Limits"), QJsonObject{{QStringLiteral("NanoCPUs"), 300000000},
                                                         {QStringLiteral("MemoryBytes"), 64 << 20}}}}},
             {QStringLiteral("Placement"), QJsonObject{{QStringLiteral("MaxReplicas"), 1}}}}},
        {QStringLiteral("Mode"),
         QJsonObject{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), 2}}}}},
    };
}

} // namespace

// The stats view in the real window, offscreen, against the sandbox swarm.
class TestStatsView : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;

private slots:
    void initTestCase()
    {
        applyCapeStyle(*qApp);
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
    }

    void chartsAServicesTotalAndEachReplica()
    {
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        MainWindow window(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        window.resize(1440, 900);
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);

        DockerClient *client = window.store()->client();
        DockerReply *created = test::await(client->createService(
            busyService(QStringLiteral("gui-stats"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        const QString id = created->object().value(QLatin1String("ID")).toString();
        auto cleanup = qScopeGuard([&] { test::removeService(client, id); });

        QVERIFY(window.showView(QStringLiteral("stats")));
        auto *view = qobject_cast<StatsView *>(window.view(QStringLiteral("stats")));
        QVERIFY(view);
        QVERIFY(view->collector()->isRunning()); // opened by showing the view
        // Nothing selected: the whole cluster, a line per node.
        QTRY_COMPARE_WITH_TIMEOUT(view->chart(StatsView::Cpu)->seriesCount(), 1 + 3, 30000);
        QCOMPARE(view->detailTitle(), QStringLiteral("Whole cluster"));

        // Both replicas measured, each for a few seconds.
        const auto sampled = [&] {
            const auto members = view->collector()->members(Group::Service, id);
            return members.size() == 2 && std::all_of(members.begin(), members.end(), [](const auto *c) {
                       return c->series.rawCount() >= 3;
                   });
        };
        QTRY_VERIFY_WITH_TIMEOUT(sampled(), 60000);

        view->setGrouping(Group::Service);
        QVERIFY(view->table()->table()->isColumnHidden(StatsTableModel::Service));
        QVERIFY(!view->table()->table()->isColumnHidden(StatsTableModel::Count));
        QTRY_VERIFY_WITH_TIMEOUT(view->select(id), 5000);
        QCOMPARE(view->detailTitle(), QStringLiteral("gui-stats"));
        view->updateCharts();
        TimeSeriesChart *cpu = view->chart(StatsView::Cpu);
        QCOMPARE(cpu->seriesCount(), 3);
        QCOMPARE(cpu->seriesName(0), QStringLiteral("Total"));
        QCOMPARE(QStringList({cpu->seriesName(1), cpu->seriesName(2)}),
                 QStringList({QStringLiteral("gui-stats.1"), QStringLiteral("gui-stats.2")}));
        // Two loops held to 0.3 CPU each: the total line ends near 60 %.
        QTRY_VERIFY_WITH_TIMEOUT((view->updateCharts(), cpu->seriesPoints(0).last().y() > 40.0), 20000);
        QVERIFY2(cpu->headline().endsWith(QLatin1String(" %")), qPrintable(cpu->headline()));
        QVERIFY(cpu->seriesPoints(0).last().x() > -3.0); // seconds back from now
        // Two 64 MiB limits: the memory headline names their sum.
        TimeSeriesChart *memory = view->chart(StatsView::Memory);
        QVERIFY2(memory->headline().contains(QLatin1String("128.0 MiB")), qPrintable(memory->headline()));

        // The hour: 10-s averages, the time axis in minutes.
        view->setWindow(3600);
        QVERIFY(!cpu->seriesPoints(0).isEmpty());
        QVERIFY(cpu->seriesPoints(0).first().x() >= -60.0);
        view->setWindow(60);

        // '/' filtering: the service alone.
        view->table()->filterEdit()->setText(QStringLiteral("gui-stats"));
        QCOMPARE(view->table()->proxy()->rowCount(), 1);
        view->table()->filterEdit()->clear();

        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            // A minute of history first, so the charts show a shape.
            QTest::qWait(qEnvironmentVariableIntValue("CAPE_STATS_HISTORY_SECONDS") * 1000);
            view->setGrouping(Group::Container);
            view->select(QString());
            view->updateCharts();
            QTest::qWait(300);
            window.grab().save(dir + QStringLiteral("/stats.png"));
            view->setGrouping(Group::Service);
            view->select(id);
            view->updateCharts();
            QTest::qWait(300);
            window.grab().save(dir + QStringLiteral("/stats-service.png"));
        }

        view->setGrouping(Group::Node);
        QTRY_COMPARE_WITH_TIMEOUT(view->model()->rowCount(), 3, 5000);
        QCOMPARE(view->detailTitle(), QStringLiteral("Whole cluster"));

        // A selected container that goes away hands the charts back to the cluster.
        view->setGrouping(Group::Container);
        const QString container = view->collector()->members(Group::Service, id).first()->id;
        QTRY_VERIFY_WITH_TIMEOUT(view->select(container), 5000);
        QVERIFY(view->detailTitle().startsWith(QLatin1String("gui-stats.")));
        cleanup.dismiss();
        QVERIFY(test::await(client->removeService(id))->ok());
        QTRY_COMPARE_WITH_TIMEOUT(view->detailTitle(), QStringLiteral("Whole cluster"), 30000);
    }
};

QTEST_MAIN(TestStatsView)
#include "tst_statsview.moc"
