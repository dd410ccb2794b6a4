#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/taskboard.h"
#include "models/tasktablemodel.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace cape;

// Where the Visualizer puts each task: the whole board compared at once.
class TestTaskBoard : public QObject
{
    Q_OBJECT

    NodeTableModel m_nodes;
    ServiceTableModel m_services;
    TaskTableModel m_tasks{&m_services, &m_nodes};

    static QJsonObject node(const QString &id, const QString &host, const QString &role, const QString &state)
    {
        return QJsonDocument::fromJson(QStringLiteral(R"({"ID": "%1", "Description": {"Hostname": "%2"},
            "Spec": {"Role": "%3", "Availability": "active"}, "Status": {"State": "%4"}})")
                                           .arg(id, host, role, state)
                                           .toUtf8())
            .object();
    }
    static TaskRecord task(const QString &id, int slot, const QString &node, const QString &desired,
                           const QString &state, const QString &error = {})
    {
        TaskRecord t;
        t.id = id;
        t.version = 1;
        t.serviceId = QStringLiteral("s-web");
        t.slot = slot;
        t.nodeId = node;
        t.desiredState = desired;
        t.state = state;
        t.error = error;
        t.image = QStringLiteral("busybox:latest");
        return t;
    }
    // "title: state" per lane, lanes by title.
    static QStringList describe(const TaskBoard &board)
    {
        QStringList lanes;
        for (const TaskBoard::Lane &lane : board.lanes) {
            QStringList cards;
            for (const TaskBoard::Card &card : lane.cards)
                cards << card.title + QStringLiteral(": ") + card.state +
                             (card.leaving ? QStringLiteral(" (leaving)") : QString());
            lanes << lane.title + QStringLiteral(" [") + cards.join(QStringLiteral(", ")) + u']';
        }
        return lanes;
    }

private slots:
    void init()
    {
        m_nodes.setNodes({node(QStringLiteral("n2"), QStringLiteral("node2"), QStringLiteral("worker"),
                               QStringLiteral("ready")),
                          node(QStringLiteral("n1"), QStringLiteral("node1"), QStringLiteral("manager"),
                               QStringLiteral("ready")),
                          node(QStringLiteral("n3"), QStringLiteral("node3"), QStringLiteral("worker"),
                               QStringLiteral("ready"))});
        ServiceRecord web;
        web.id = QStringLiteral("s-web");
        web.version = 1;
        web.name = QStringLiteral("web");
        m_services.upsert(web);
    }

    void pendingTasksHaveTheirOwnLane()
    {
        const QString running = QStringLiteral("running");
        m_tasks.replaceAll(
            {task(QStringLiteral("a"), 1, QStringLiteral("n1"), running, running),
             task(QStringLiteral("b"), 2, QString(), running, QStringLiteral("pending"),
                  QStringLiteral("no suitable node (scheduling constraints not satisfied on 3 nodes)")),
             task(QStringLiteral("c"), 3, QStringLiteral("n2"), QStringLiteral("shutdown"), running)});
        const TaskBoard board = TaskBoard::of(m_nodes, m_tasks, m_services);
        QCOMPARE(
            describe(board),
            (QStringList{QStringLiteral("Pending [web.2: pending]"), QStringLiteral("node1 [web.1: running]"),
                         QStringLiteral("node2 [web.3: running (leaving)]"), QStringLiteral("node3 []")}));
        QCOMPARE(board.lanes.first().cards.first().subtitle,
                 QStringLiteral("no suitable node (scheduling constraints not satisfied on 3 nodes)"));
        QVERIFY(board.lanes.first().isPending());
    }

    void aDownNodesTasksAreUnknownAndShownOnce()
    {
        m_nodes.setNodes({node(QStringLiteral("n1"), QStringLiteral("node1"), QStringLiteral("manager"),
                               QStringLiteral("ready")),
                          node(QStringLiteral("n3"), QStringLiteral("node3"), QStringLiteral("worker"),
                               QStringLiteral("down"))});
        const QString running = QStringLiteral("running");
        // web.1 was on node3 and has been replaced on node1; web.2 stays wanted on node3.
        m_tasks.replaceAll(
            {task(QStringLiteral("old"), 1, QStringLiteral("n3"), QStringLiteral("shutdown"), running),
             task(QStringLiteral("new"), 1, QStringLiteral("n1"), running, running),
             task(QStringLiteral("two"), 2, QStringLiteral("n3"), running, running)});
        const TaskBoard board = TaskBoard::of(m_nodes, m_tasks, m_services);
        QCOMPARE(describe(board), (QStringList{QStringLiteral("node1 [web.1: running]"),
                                               QStringLiteral("node3 [web.2: unknown]")}));
    }
};

QTEST_GUILESS_MAIN(TestTaskBoard)
#include "tst_taskboard.moc"
