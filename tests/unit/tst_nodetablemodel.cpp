#include "models/nodetablemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTest>

using cape::NodeTableModel;

class TestNodeTableModel : public QObject
{
    Q_OBJECT

    static QJsonObject node(const QString &id, const QString &host, const QString &state,
                            const QString &availability = QStringLiteral("active"), bool leader = false)
    {
        QJsonObject n = QJsonDocument::fromJson(QStringLiteral(R"({"ID": "%1",
            "Description": {"Hostname": "%2", "Engine": {"EngineVersion": "20.10.24"}},
            "Spec": {"Role": "%3", "Availability": "%4"}, "Status": {"State": "%5", "Addr": "10.0.0.1"}})")
                                                    .arg(id, host, leader ? QStringLiteral("manager") : QStringLiteral("worker"),
                                                         availability, state)
                                                    .toUtf8())
                            .object();
        if (leader)
            n.insert(QLatin1String("ManagerStatus"), QJsonObject{{QStringLiteral("Leader"), true},
                                                                 {QStringLiteral("Reachability"), QStringLiteral("reachable")}});
        return n;
    }

private slots:
    void updatesInPlaceById()
    {
        NodeTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

        model.setNodes({node(QStringLiteral("a"), QStringLiteral("node1"), QStringLiteral("ready"), QStringLiteral("active"), true),
                        node(QStringLiteral("b"), QStringLiteral("node2"), QStringLiteral("ready")),
                        node(QStringLiteral("c"), QStringLiteral("node3"), QStringLiteral("ready"))});
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.index(0, NodeTableModel::ManagerStatus).data().toString(), QStringLiteral("leader"));
        QCOMPARE(model.index(1, NodeTableModel::Role).data().toString(), QStringLiteral("worker"));

        // node3 drained, node2 gone: one change, one removal, nothing else.
        model.setNodes({node(QStringLiteral("a"), QStringLiteral("node1"), QStringLiteral("ready"), QStringLiteral("active"), true),
                        node(QStringLiteral("c"), QStringLiteral("node3"), QStringLiteral("ready"), QStringLiteral("drain"))});
        QCOMPARE(resets.size(), 0);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(1, NodeTableModel::Availability).data().toString(), QStringLiteral("drain"));
        QCOMPARE(model.index(1, 0).data(cape::IdRole).toString(), QStringLiteral("c"));
    }

    void olderAnswersNeverWin()
    {
        NodeTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QJsonObject drained = node(QStringLiteral("a"), QStringLiteral("node1"), QStringLiteral("ready"), QStringLiteral("drain"));
        drained.insert(QStringLiteral("Version"), QJsonObject{{QStringLiteral("Index"), 20}});
        QJsonObject active = node(QStringLiteral("a"), QStringLiteral("node1"), QStringLiteral("ready"));
        active.insert(QStringLiteral("Version"), QJsonObject{{QStringLiteral("Index"), 12}});
        QVERIFY(model.upsert(cape::NodeRecord::fromJson(drained)));
        // A listing sent before the drain arrives after it: ignored.
        QVERIFY(!model.upsert(cape::NodeRecord::fromJson(active)));
        model.setNodes({active});
        QCOMPARE(model.index(0, NodeTableModel::Availability).data().toString(), QStringLiteral("drain"));
    }
};

QTEST_GUILESS_MAIN(TestNodeTableModel)
#include "tst_nodetablemodel.moc"
