// A service's logs against the real sandbox swarm: three replicas on three
// nodes merged in timestamp order and labelled with their tasks, and one
// node's engine stopped mid-follow (the others keep streaming, the panel
// says so, and the node's lines come back when it does).

#include "sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/logfeed.h"
#include "models/logmodel.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tasktablemodel.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

using namespace cape;

namespace {

// Three replicas, one per node, each writing a numbered line every 100 ms
// on stdout and every tenth on stderr.
QJsonObject tickerSpec(const QString &name, const QString &image)
{
    const QString script = QStringLiteral(
        "i=0; while true; do i=$((i+1)); echo \"tick $i from $(hostname)\"; "
        "[ $((i % 10)) -eq 0 ] && echo \"warn $i\" >&2; sleep 0.1; done");
    return QJsonObject{
        {QStringLiteral("Name"), name},
        {QStringLiteral("TaskTemplate"),
         QJsonObject{{QStringLiteral("ContainerSpec"),
                      QJsonObject{{QStringLiteral("Image"), image},
                                  {QStringLiteral("Command"), QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), script}},
                                  {QStringLiteral("StopGracePeriod"), 1000000000}}},
                     {QStringLiteral("Placement"), QJsonObject{{QStringLiteral("MaxReplicas"), 1}}}}},
        {QStringLiteral("Mode"), QJsonObject{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), 3}}}}}};
}

QString sourceLabel(const LogModel &model, int row)
{
    return model.sources().value(model.sourceAt(row)).label;
}

} // namespace

class TestLogFeed : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    ClusterStore *m_store = nullptr;
    QString m_serviceId;

    // The sandbox's own script stops and starts a node's dockerd.
    bool sandbox(const QString &action, int node)
    {
        return test::SandboxEnvironment::nodeAction(action, node);
    }

    bool allNodesReady() const
    {
        for (const NodeRecord &node : m_store->nodes()->records()) {
            if (!node.isReady())
                return false;
        }
        return m_store->nodes()->rowCount() == 3;
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        m_store = new ClusterStore(this);
        QList<DockerEndpoint> nodes;
        for (const QString &node : m_sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        m_store->connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")), nodes);
        QTRY_VERIFY_WITH_TIMEOUT(m_store->isLoaded(), 30000);
        DockerReply *created = test::await(m_store->client()->createService(
            tickerSpec(QStringLiteral("logfeed-ticker"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))));
        QVERIFY2(created->ok(), qPrintable(created->error().toString()));
        m_serviceId = created->object().value(QLatin1String("ID")).toString();
        QTRY_COMPARE_WITH_TIMEOUT(m_store->services()->replicas(m_serviceId).running, 3, 60000);
        QTest::qWait(1500); // some history to merge
    }

    void cleanupTestCase()
    {
        if (!m_store)
            return;
        if (!m_serviceId.isEmpty())
            test::await(m_store->client()->removeService(m_serviceId));
        // Leave the swarm as the next test expects it: every node up.
        if (!allNodesReady()) {
            sandbox(QStringLiteral("node-start"), 3);
            QTRY_VERIFY_WITH_TIMEOUT(allNodesReady(), 60000);
        }
    }

    void mergesThreeReplicasInTimestampOrder()
    {
        LogModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        LogFeed feed(m_store, {LogFeed::Kind::Service, m_serviceId, QStringLiteral("logfeed-ticker"), {}, false}, &model);
        LogFeed::Window window;
        window.tail = -1;
        feed.start(window);
        QTRY_COMPARE_WITH_TIMEOUT(feed.state(), LogFeed::State::Streaming, 10000);

        // Each replica's lines, labelled with its task and node.
        QSet<QString> taskIds;
        for (const TaskRecord &task : m_store->tasks()->records()) {
            if (task.serviceId == m_serviceId && task.isRunning())
                taskIds.insert(task.id);
        }
        QCOMPARE(taskIds.size(), 3);
        const auto replicasSeen = [&] {
            QSet<QString> seen;
            for (int row = 0; row < model.rowCount(); ++row) {
                if (model.streamAt(row) != LogFrameDecoder::Stream::System)
                    seen.insert(model.sources().at(model.sourceAt(row)).id);
            }
            return seen;
        };
        QTRY_COMPARE_WITH_TIMEOUT(replicasSeen(), taskIds, 15000);
        QTest::qWait(1000);
        QVERIFY(model.rowCount() > 30);

        QSet<QString> nodes;
        const QRegularExpression label(QStringLiteral("^logfeed-ticker\\.[123]@node[123]$"));
        for (int row = 0; row < model.rowCount(); ++row) {
            if (row > 0)
                QVERIFY2(model.timestampAt(row - 1) <= model.timestampAt(row), qPrintable(QStringLiteral("row %1 out of order").arg(row)));
            if (model.streamAt(row) == LogFrameDecoder::Stream::System)
                continue;
            const LogSource &source = model.sources().at(model.sourceAt(row));
            QVERIFY2(label.match(source.label).hasMatch(), qPrintable(source.label));
            QVERIFY(taskIds.contains(source.id));
            nodes.insert(source.nodeId);
            const QString text = QString::fromUtf8(model.textAt(row));
            if (model.streamAt(row) == LogFrameDecoder::Stream::Stderr)
                QVERIFY2(text.startsWith(QStringLiteral("warn ")), qPrintable(text));
            else
                QVERIFY2(text.startsWith(QStringLiteral("tick ")), qPrintable(text));
        }
        QCOMPARE(nodes.size(), 3); // spread over the three nodes
        // Every replica's own lines are complete and in order: no gap, no repeat.
        QHash<int, int> last;
        for (int row = 0; row < model.rowCount(); ++row) {
            const QString text = QString::fromUtf8(model.textAt(row));
            if (!text.startsWith(QStringLiteral("tick ")))
                continue;
            const int n = text.section(u' ', 1, 1).toInt();
            const int source = model.sourceAt(row);
            if (last.contains(source))
                QCOMPARE(n, last.value(source) + 1);
            last[source] = n;
        }
    }

    void keepsStreamingWhenANodeGoesDown()
    {
        LogModel model;
        LogFeed feed(m_store, {LogFeed::Kind::Service, m_serviceId, QStringLiteral("logfeed-ticker"), {}, false}, &model);
        LogFeed::Window window;
        window.tail = 5;
        feed.start(window);
        QTRY_COMPARE_WITH_TIMEOUT(feed.state(), LogFeed::State::Streaming, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(model.sources().size() >= 4, 15000); // cape + three replicas

        const auto linesFrom = [&](const QString &host, int fromRow) {
            int count = 0;
            for (int row = fromRow; row < model.rowCount(); ++row) {
                if (model.streamAt(row) != LogFrameDecoder::Stream::System && sourceLabel(model, row).endsWith(u'@' + host))
                    ++count;
            }
            return count;
        };
        const auto noticeRow = [&](const QString &needle) {
            for (int row = 0; row < model.rowCount(); ++row) {
                if (model.streamAt(row) == LogFrameDecoder::Stream::System && QString::fromUtf8(model.textAt(row)).contains(needle))
                    return row;
            }
            return -1;
        };

        QVERIFY(sandbox(QStringLiteral("node-stop"), 3));
        auto restart = qScopeGuard([this] { sandbox(QStringLiteral("node-start"), 3); });
        // The manager notices within its heartbeat period; the panel says so in a line.
        QTRY_VERIFY_WITH_TIMEOUT(noticeRow(QStringLiteral("Node node3 is down")) >= 0, 60000);
        const int down = noticeRow(QStringLiteral("Node node3 is down"));
        QVERIFY2(QString::fromUtf8(model.textAt(down)).contains(QStringLiteral("logfeed-ticker.")),
                 qPrintable(QString::fromUtf8(model.textAt(down))));
        // The other replicas keep streaming.
        const int node1Before = linesFrom(QStringLiteral("node1"), down);
        const int node2Before = linesFrom(QStringLiteral("node2"), down);
        QTRY_VERIFY_WITH_TIMEOUT(linesFrom(QStringLiteral("node1"), down) > node1Before + 20, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(linesFrom(QStringLiteral("node2"), down) > node2Before + 20, 10000);
        QCOMPARE(feed.state(), LogFeed::State::Streaming);

        // Back: the panel says so, and node3's replica writes into it again.
        restart.dismiss();
        QVERIFY(sandbox(QStringLiteral("node-start"), 3));
        QTRY_VERIFY_WITH_TIMEOUT(noticeRow(QStringLiteral("Node node3 is back")) >= 0, 60000);
        const int back = noticeRow(QStringLiteral("Node node3 is back"));
        QTRY_VERIFY_WITH_TIMEOUT(linesFrom(QStringLiteral("node3"), back) > 5, 60000);
        for (int row = 1; row < model.rowCount(); ++row)
            QVERIFY(model.timestampAt(row - 1) <= model.timestampAt(row));
    }
};

QTEST_GUILESS_MAIN(TestLogFeed)
#include "tst_logfeed.moc"
