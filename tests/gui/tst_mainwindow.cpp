#include "../integration/sandboxenvironment.h"

#include "ui/mainwindow/mainwindow.h"

#include <QAbstractItemModel>
#include <QLabel>
#include <QStatusBar>
#include <QTableView>
#include <QTest>

using namespace cape;

// The real window, offscreen, against the sandbox swarm.
class TestMainWindow : public QObject
{
    Q_OBJECT

private slots:
    void showsTheSwarmsNodes()
    {
        const auto sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox);
        MainWindow window(test::SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);
        auto *table = window.findChild<QTableView *>();
        QVERIFY(table);
        QAbstractItemModel *model = table->model();
        QCOMPARE(model->rowCount(), 3);
        QStringList hosts;
        for (int row = 0; row < 3; ++row)
            hosts << model->index(row, 0).data().toString();
        hosts.sort();
        QCOMPARE(hosts, (QStringList{QStringLiteral("node1"), QStringLiteral("node2"), QStringLiteral("node3")}));
        QVERIFY(window.statusBar()->findChild<QLabel *>()->text().contains(QLatin1String("Connected to")));
    }

    void unreachableEngineIsNamed()
    {
        MainWindow window(test::SandboxEnvironment::endpoint(QStringLiteral("unix:///nonexistent/docker.sock")));
        window.show();
        QTRY_VERIFY_WITH_TIMEOUT(window.isLoaded(), 30000);
        const QString status = window.statusBar()->findChild<QLabel *>()->text();
        QVERIFY2(status.contains(QLatin1String("unix:///nonexistent/docker.sock")), qPrintable(status));
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
