#include "services/eventsource/indexbatch.h"

#include <QTest>

using namespace cape;

namespace {

IndexBatch::QueueEntry entry(const char *id, const char *pid, const char *ppid = "null",
                             const char *broadcast = "true")
{
    return {QByteArray(id),
            {{"domain", "\"Shop\""},
             {"pid", QByteArray(pid)},
             {"ppid", QByteArray(ppid)},
             {"name", "\"placed\""},
             {"timestamp", "\"2026-01-01T00:00:01.000Z\""},
             {"broadcast", QByteArray(broadcast)}},
            false};
}

const IndexBatch::Command *commandOn(const IndexBatch &batch, const QByteArray &key)
{
    for (const IndexBatch::Command &command : batch.index()) {
        if (command.key == key)
            return &command;
    }
    return nullptr;
}

} // namespace

// A batch's writes gathered per key: what one MULTI (or, on a cluster, one
// stage) sends for a batch, checked without a Redis (the integration tests
// check what Redis ends up holding, against the reference server).
class TestIndexBatch : public QObject
{
    Q_OBJECT

private slots:
    void gathersTheWritesToOneKeyIntoOneCommand()
    {
        const IndexBatch batch(
            {entry("1-0", "\"o-1\""), entry("2-0", "\"o-1\"", "\"cart-7\""), entry("3-0", "\"o-2\"")}, 0);
        QCOMPARE(batch.indexed(), 3);
        // One HSET of pd with every event, first (the event before its indexes).
        QCOMPARE(batch.index().first().key, QByteArray("pd"));
        QCOMPARE(batch.index().first().args.size(), 2 + 3 * 2);
        QCOMPARE(batch.index().first().events, 3);
        // One ZADD per set, a score and a member (the id as JSON) per event.
        const IndexBatch::Command *byName = commandOn(batch, "phon:placed");
        QVERIFY(byName);
        QCOMPARE(byName->args, (QList<QByteArray>{"ZADD", "phon:placed", "1767225601000", "\"1-0\"",
                                                  "1767225601000", "\"2-0\"", "1767225601000", "\"3-0\""}));
        QCOMPARE(commandOn(batch, "ph:shop:o-1")->events, 2);
        QCOMPARE(commandOn(batch, "ph:shop:o-2")->events, 1);
        QCOMPARE(commandOn(batch, "phopp:cart-7")->events, 1); // only the event with a ppid
        QCOMPARE(commandOn(batch, "phpp:Shop:cart-7")->events, 1);
        QVERIFY(!commandOn(batch, "phopp:"));
        // Keys: pd, ph ×2, phn ×2, phon, phop ×2, phopp, phpp.
        QCOMPARE(batch.index().size(), 10);
        // Per event, in queue order: the persisted stream's entry and its three channels.
        QCOMPARE(batch.appends().size(), 3);
        QCOMPARE(batch.appends().at(1).stream, QByteArray("process-shop-placed-persisted"));
        QCOMPARE(batch.appends().at(1).fields, (QList<QByteArray>{"id", "\"2-0\""}));
        QCOMPARE(batch.appends().at(1).message, QByteArray("{\"id\":\"2-0\"}"));
        QCOMPARE(batch.appends().at(1).channels,
                 (QList<QByteArray>{"process-shop-placed-persisted", "process-shop-o-1-persisted-pid",
                                    "process-shop-o-1-placed-persisted-pid-name"}));
        QCOMPARE(batch.persistedStreams(), QList<QByteArray>{"process-shop-placed-persisted"});
        QCOMPARE(batch.deleteCommand(),
                 (QList<QByteArray>{"XDEL", "process-event-queued", "1-0", "2-0", "3-0"}));
        QCOMPARE(
            batch.acknowledgeCommand(),
            (QList<QByteArray>{"XACK", "process-event-queued", "process-event-queued", "1-0", "2-0", "3-0"}));
    }

    void badEntriesGoToTheErrorStreamAndDeletedOnesAreOnlyAcknowledged()
    {
        IndexBatch::QueueEntry gone{"4-0", {}, true};
        IndexBatch::QueueEntry broken{
            "5-0", {{"domain", "{broken"}, {"pid", "\"p\""}, {"name", "\"n\""}}, false};
        const IndexBatch batch({gone, broken, entry("6-0", "\"o-3\"", "null", "false")}, 0);
        QCOMPARE(batch.indexed(), 1);
        QCOMPARE(batch.invalid(), 1);
        // Not broadcast: indexed, but nothing persisted or published.
        QCOMPARE(batch.appends().size(), 1);
        const IndexBatch::Append &error = batch.appends().first();
        QCOMPARE(error.stream, QByteArray("process-error-queued"));
        QCOMPARE(error.queueId, QByteArray("5-0"));
        QVERIFY(error.fields.contains("\"E_EVENTSOURCE_INVALID_EVENT\""));
        QCOMPARE(error.channels, QList<QByteArray>{"process-error-queued"});
        QVERIFY(batch.persistedStreams().isEmpty());
        // What is no longer in the stream is not deleted again; all are acknowledged.
        QCOMPARE(batch.deleteCommand(), (QList<QByteArray>{"XDEL", "process-event-queued", "5-0", "6-0"}));
        QCOMPARE(batch.acknowledgeCommand().mid(3), (QList<QByteArray>{"4-0", "5-0", "6-0"}));
        const IndexBatch onlyGone({gone}, 0);
        QVERIFY(onlyGone.deleteCommand().isEmpty());
        QVERIFY(onlyGone.index().isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestIndexBatch)
#include "tst_indexbatch.moc"
