#include "redisclusterservers.h"

#include "services/redis/rediscluster.h"

#include <QSignalSpy>
#include <QTest>

using namespace cape;

namespace {

QList<HostPort> seedsOf(const QStringList &addresses)
{
    QList<HostPort> seeds;
    for (const QString &address : addresses)
        seeds << *HostPort::parse(address);
    return seeds;
}

// The reply of one command sent through the router, waited for.
RedisValue commandAndWait(RedisCluster &cluster, const QByteArray &key, const QList<QByteArray> &args)
{
    std::optional<RedisValue> answer;
    cluster.command(key, args, [&answer](const RedisValue &reply) { answer = reply; });
    if (!QTest::qWaitFor([&answer] { return answer.has_value(); }, 10000))
        return RedisValue::error("no answer within 10 s");
    return *answer;
}

} // namespace

// RedisCluster against a real local cluster of three masters: slots as the
// servers compute them, routing, and the redirects of a slot in migration.
class TestRedisCluster : public QObject
{
    Q_OBJECT

    test::RedisClusterServers m_cluster;

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_cluster.start(&error), qPrintable(error));
    }

    void slotsAreTheServersSlots()
    {
        const QList<QByteArray> keys{"process-event-queued",
                                     "{process-event-queued}process-event-scheduled",
                                     "pd",
                                     "ph:shop:p1",
                                     "process-shop-order placed-persisted",
                                     "{user1000}.following",
                                     "foo{}{bar}",
                                     "foo{{bar}}zap",
                                     "foo{bar}{zap}",
                                     "{}",
                                     "}{",
                                     "a",
                                     "",
                                     "ключ-日本語"};
        for (const QByteArray &key : keys) {
            const QByteArray expected = m_cluster.node(0).cli(
                {QStringLiteral("CLUSTER"), QStringLiteral("KEYSLOT"), QString::fromUtf8(key)});
            QCOMPARE(QByteArray::number(RedisSlot::of(key)), expected);
            // A marker beside the key shares its slot, whatever braces the key has.
            QCOMPARE(RedisSlot::of(RedisSlot::companionKey("cape-marker", key)), RedisSlot::of(key));
        }
    }

    void discoversEveryMasterFromOneSeedAndRoutesEachKeyToItsOwner()
    {
        RedisCluster cluster;
        QSignalSpy ready(&cluster, &RedisCluster::ready);
        cluster.open({seedsOf({m_cluster.addresses().at(1)}), {}});
        QVERIFY(ready.wait(10000));
        QCOMPARE(cluster.masters().size(), test::RedisClusterServers::Masters);

        constexpr int Keys = 300;
        int answered = 0, ok = 0;
        for (int i = 0; i < Keys; ++i) {
            const QByteArray key = "routed:" + QByteArray::number(i);
            cluster.command(key, {"SET", key, "value-" + QByteArray::number(i)},
                            [&](const RedisValue &reply) {
                                ++answered;
                                ok += reply.text == "OK";
                            });
        }
        QTRY_COMPARE_WITH_TIMEOUT(answered, Keys, 10000);
        QCOMPARE(ok, Keys);
        QCOMPARE(cluster.redirects(), 0); // the map was right: no key went astray
        qint64 total = 0;
        for (int node = 0; node < test::RedisClusterServers::Masters; ++node) {
            const qint64 held = m_cluster.node(node).cli({QStringLiteral("DBSIZE")}).toLongLong();
            QVERIFY2(held > 0, "every master holds some of the keys");
            total += held;
        }
        QCOMPARE(total, qint64(Keys));
        QCOMPARE(m_cluster.cli({QStringLiteral("GET"), QStringLiteral("routed:123")}),
                 QByteArray("value-123"));
        QCOMPARE(commandAndWait(cluster, "routed:7", {"GET", "routed:7"}).text, QByteArray("value-7"));
    }

    void followsAskDuringAMigrationAndMovedAfterIt()
    {
        RedisCluster cluster;
        QSignalSpy ready(&cluster, &RedisCluster::ready);
        cluster.open({seedsOf(m_cluster.addresses()), {}});
        QVERIFY(ready.wait(10000));

        const QByteArray key = "migrating-key";
        QCOMPARE(commandAndWait(cluster, key, {"SET", key, "still here"}).text, QByteArray("OK"));
        const QString slot = QString::number(RedisSlot::of(key));
        int source = -1;
        for (int node = 0; node < test::RedisClusterServers::Masters; ++node) {
            if (HostPort::parse(m_cluster.addresses().at(node))->port == cluster.masterOf(key).port)
                source = node;
        }
        QVERIFY(source >= 0);
        const int target = (source + 1) % test::RedisClusterServers::Masters;
        const QString sourceId = QString::fromUtf8(m_cluster.nodeId(source));
        const QString targetId = QString::fromUtf8(m_cluster.nodeId(target));

        // Mid-migration: the key already moved, the slot not yet. The source
        // answers ASK; the target serves it only after ASKING.
        const auto setSlot = [&](int node, const QStringList &how) {
            return m_cluster.node(node).cli(
                QStringList{QStringLiteral("CLUSTER"), QStringLiteral("SETSLOT"), slot} + how);
        };
        QCOMPARE(setSlot(target, {QStringLiteral("IMPORTING"), sourceId}), QByteArray("OK"));
        QCOMPARE(setSlot(source, {QStringLiteral("MIGRATING"), targetId}), QByteArray("OK"));
        QCOMPARE(m_cluster.node(source).cli({QStringLiteral("MIGRATE"), QStringLiteral("127.0.0.1"),
                                             QString::number(m_cluster.node(target).port()), QString(),
                                             QStringLiteral("0"), QStringLiteral("5000"),
                                             QStringLiteral("KEYS"), QString::fromUtf8(key)}),
                 QByteArray("OK"));
        QCOMPARE(commandAndWait(cluster, key, {"GET", key}).text, QByteArray("still here"));
        QCOMPARE(cluster.redirects(), 1);
        QCOMPARE(cluster.masterOf(key).port, m_cluster.node(source).port()); // ASK moves no slot

        // The slot is the target's now: the old owner answers MOVED.
        for (int node : {target, source, (target + 1) % test::RedisClusterServers::Masters})
            QCOMPARE(setSlot(node, {QStringLiteral("NODE"), targetId}), QByteArray("OK"));
        QCOMPARE(commandAndWait(cluster, key, {"GET", key}).text, QByteArray("still here"));
        QCOMPARE(cluster.redirects(), 2);
        QCOMPARE(cluster.masterOf(key).port, m_cluster.node(target).port());
        QCOMPARE(commandAndWait(cluster, key, {"GET", key}).text, QByteArray("still here"));
        QCOMPARE(cluster.redirects(), 2); // learnt: no more redirects
    }

    void saysSoWhenTheServerIsNoClusterOrNobodyAnswers()
    {
        test::RedisServer plain;
        QString error;
        QVERIFY2(plain.start(&error), qPrintable(error));
        RedisCluster cluster;
        QSignalSpy lost(&cluster, &RedisCluster::disconnected);
        cluster.open({seedsOf({plain.address()}), {}});
        QVERIFY(lost.wait(10000));
        QVERIFY2(lost.first().first().toString().contains(QStringLiteral("not a cluster node")),
                 qPrintable(lost.first().first().toString()));

        plain.stop();
        lost.clear();
        cluster.open({seedsOf({plain.address()}), {}});
        QVERIFY(lost.wait(10000));
        QVERIFY(!cluster.isReady());
        std::optional<RedisValue> answer;
        cluster.command("k", {"GET", "k"}, [&answer](const RedisValue &reply) { answer = reply; });
        QTRY_VERIFY(answer.has_value());
        QVERIFY(answer->isConnectionError());
    }
};

QTEST_GUILESS_MAIN(TestRedisCluster)
#include "tst_rediscluster.moc"
