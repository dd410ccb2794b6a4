#include "models/tasktally.h"

#include <QTest>

using cape::TaskRecord;
using cape::TaskTally;

// The figures services, nodes and stacks show, from tasks alone.
class TestTaskTally : public QObject
{
    Q_OBJECT

    static TaskRecord task(const QString &service, const QString &node, const QString &desired,
                           const QString &state)
    {
        static int next = 0;
        TaskRecord t;
        t.id = QStringLiteral("t%1").arg(++next);
        t.serviceId = service;
        t.nodeId = node;
        t.desiredState = desired;
        t.state = state;
        return t;
    }

private slots:
    void countsWhatRunsAndWhatIsWanted()
    {
        const QString running = QStringLiteral("running");
        const QString shutdown = QStringLiteral("shutdown");
        const QList<TaskRecord> tasks{
            task(QStringLiteral("web"), QStringLiteral("n1"), running, running),
            task(QStringLiteral("web"), QStringLiteral("n2"), running, QStringLiteral("starting")),
            task(QStringLiteral("web"), QString(), running, QStringLiteral("pending")), // no node takes it
            task(QStringLiteral("web"), QStringLiteral("n1"), shutdown, running),       // on its way out
            task(QStringLiteral("web"), QStringLiteral("n2"), shutdown, shutdown),      // history
            task(QStringLiteral("db"), QStringLiteral("n3"), running, running),
        };
        const TaskTally tally = TaskTally::of(tasks, {});
        QCOMPARE(tally.services.value(QStringLiteral("web")), (TaskTally::Replicas{1, 3}));
        QCOMPARE(tally.services.value(QStringLiteral("db")), (TaskTally::Replicas{1, 1}));
        QCOMPARE(tally.nodes.value(QStringLiteral("n1")), (TaskTally::NodeLoad{1, 1}));
        QCOMPARE(tally.nodes.value(QStringLiteral("n2")), (TaskTally::NodeLoad{0, 1}));
        QCOMPARE(tally.nodes.value(QStringLiteral("n3")), (TaskTally::NodeLoad{1, 1}));
        QVERIFY(!tally.nodes.contains(QString())); // a pending task is on no node
    }

    void aDownNodesTasksDoNotRun()
    {
        const QString running = QStringLiteral("running");
        const QList<TaskRecord> tasks{task(QStringLiteral("web"), QStringLiteral("n1"), running, running),
                                      task(QStringLiteral("web"), QStringLiteral("n3"), running, running)};
        const TaskTally tally = TaskTally::of(tasks, {QStringLiteral("n3")});
        QCOMPARE(tally.services.value(QStringLiteral("web")), (TaskTally::Replicas{1, 2}));
        QCOMPARE(tally.nodes.value(QStringLiteral("n3")), (TaskTally::NodeLoad{0, 1}));
    }
};

QTEST_GUILESS_MAIN(TestTaskTally)
#include "tst_tasktally.moc"
