// EventIndexer on a Redis Cluster.
//
// A batch's keys (the queue, pd, the ph… sets, the persisted streams) live on
// several masters, so no MULTI can hold the batch. The promise of the
// standalone path (a kill -9 at any moment loses no event and doubles none)
// is kept by order and idempotence instead:
//   1. the index: HSET pd and the ZADDs (writing them twice changes nothing);
//   2. what may not be written twice (the persisted stream's entry with its
//      PUBLISHes, an error stream's entry) through AddOnceScript: a marker
//      beside the stream, in the stream's slot, says it is done;
//   3. XDEL and XACK on the queue;
//   4. the markers removed. A crash just before leaves them behind; each
//      script call drops a stream's markers of entries older than the
//      oldest still pending (the group says which), or, without that, a day.
// A crash between steps leaves the entries pending; whoever takes them over
// repeats the steps and doubles nothing. Scheduled events move the same
// way: queued once per member through a marker beside the queue, then
// removed from the schedule.

#include "eventindexer.h"

#include "eventkeys.h"

#include "services/redis/redisslot.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QHash>

namespace cape {

namespace {

// KEYS: the stream, its marker (a sorted set in the stream's slot).
// ARGV: the marker's member and score, the score below which markers are
// obsolete, the count n of field/value arguments, those n, then a message
// and the channels to PUBLISH it on. 1 if added, 0 if it had been.
const char AddOnceScript[] = R"(
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
if redis.call('ZADD', KEYS[2], 'NX', ARGV[2], ARGV[1]) == 0 then return 0 end
local n = tonumber(ARGV[4])
redis.call('XADD', KEYS[1], '*', unpack(ARGV, 5, 4 + n))
for i = 6 + n, #ARGV do redis.call('PUBLISH', ARGV[i], ARGV[5 + n]) end
return 1
)";

constexpr qint64 LeftMarkerKeepMs = 24 * 3600 * 1000; // when the queue's state is not known yet
constexpr qint64 ScheduledMarkerKeepMs = 3600 * 1000; // replicas racing over one due event

QByteArray markerOf(const QByteArray &stream)
{
    return RedisSlot::companionKey(QByteArrayLiteral("cape-eventd-added"), stream);
}

QList<QByteArray> addOnce(const QByteArray &stream, const QByteArray &member, qint64 score,
                          qint64 obsoleteBelow, const QList<QByteArray> &fields, const QByteArray &message,
                          const QList<QByteArray> &channels)
{
    QList<QByteArray> args{QByteArrayLiteral("EVAL"),
                           QByteArray(AddOnceScript),
                           QByteArrayLiteral("2"),
                           stream,
                           markerOf(stream),
                           member,
                           QByteArray::number(score),
                           QByteArray::number(obsoleteBelow),
                           QByteArray::number(fields.size())};
    args << fields << message << channels;
    return args;
}

// Commands sent through the router at once; then(first error, or empty)
// once every reply is in.
struct Stage
{
    int outstanding = 0;
    RedisValue failure;
    std::function<void(const RedisValue &failure)> then;
};

void runStage(RedisCluster &router, const QList<std::pair<QByteArray, QList<QByteArray>>> &commands,
              std::function<void(const RedisValue &failure)> then,
              const std::function<bool(const RedisValue &)> &harmless = {})
{
    if (commands.isEmpty()) {
        then({});
        return;
    }
    auto stage = std::make_shared<Stage>();
    stage->outstanding = int(commands.size());
    stage->then = std::move(then);
    for (const auto &[key, args] : commands) {
        router.command(key, args, [stage, harmless](const RedisValue &reply) {
            if (reply.isError() && !stage->failure.isError() && !(harmless && harmless(reply)))
                stage->failure = reply;
            if (--stage->outstanding == 0)
                stage->then(stage->failure);
        });
    }
}

} // namespace

void EventIndexer::writeBatchAcrossSlots(const QList<Entry> &entries)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto batch = std::make_shared<const IndexBatch>(entries, now);
    // A queue entry's marker is scored by the entry's time (its id's first
    // part), so that the group's oldest pending entry says which are obsolete.
    const qint64 obsoleteBelow = m_settledBeforeMs > 0 ? m_settledBeforeMs : now - LeftMarkerKeepMs;
    QList<std::pair<QByteArray, QList<QByteArray>>> index, once;
    for (const QByteArray &persisted : batch->persistedStreams()) {
        if (!m_knownGroups.contains(persisted)) {
            index.append({persisted,
                          {QByteArrayLiteral("XGROUP"), QByteArrayLiteral("CREATE"), persisted, persisted,
                           QByteArrayLiteral("$"), QByteArrayLiteral("MKSTREAM")}});
            m_knownGroups.insert(persisted);
        }
    }
    for (const IndexBatch::Command &command : batch->index())
        index.append({command.key, command.args});
    for (const IndexBatch::Append &append : batch->appends()) {
        const qint64 score = append.queueId.split('-').value(0).toLongLong();
        once.append({append.stream, addOnce(append.stream, append.queueId, score, obsoleteBelow,
                                            append.fields, append.message, append.channels)});
    }

    ++m_inFlight;
    const auto giveUp = [this, batch](const RedisValue &failure) {
        --m_inFlight;
        if (!failure.isConnectionError())
            report(tr("A batch of %1 was not indexed (%2); it stays pending and is retried")
                       .arg(batch->size())
                       .arg(failure.errorMessage()));
        onBatchWritten();
    };
    const auto harmless = [](const RedisValue &reply) { return reply.isErrorCode("BUSYGROUP"); };
    runStage(
        m_router, index,
        [=, this](const RedisValue &failure) {
            if (failure.isError()) {
                giveUp(failure);
                return;
            }
            runStage(m_router, once, [=, this](const RedisValue &onceFailure) {
                if (onceFailure.isError())
                    giveUp(onceFailure);
                else
                    acknowledgeAcrossSlots(batch);
            });
        },
        harmless);
}

void EventIndexer::acknowledgeAcrossSlots(const std::shared_ptr<const IndexBatch> &batch)
{
    if (const QList<QByteArray> xdel = batch->deleteCommand(); !xdel.isEmpty())
        m_writer.command(xdel);
    m_writer.command(batch->acknowledgeCommand(), [this, batch](const RedisValue &reply) {
        --m_inFlight;
        if (reply.isError()) {
            // Indexed already; the entries stay pending and their next
            // round only acknowledges them.
            if (!reply.isConnectionError())
                report(tr("Acknowledging a batch failed: %1").arg(reply.errorMessage()));
            onBatchWritten();
            return;
        }
        // The markers have done their work.
        QHash<QByteArray, QList<QByteArray>> byMarker;
        for (const IndexBatch::Append &append : batch->appends())
            byMarker[markerOf(append.stream)] << append.queueId;
        for (auto it = byMarker.cbegin(); it != byMarker.cend(); ++it)
            m_router.command(it.key(), QList<QByteArray>{QByteArrayLiteral("ZREM"), it.key()} + it.value());
        m_counters.indexed += quint64(batch->indexed());
        m_counters.failed += quint64(batch->invalid());
        ++m_counters.batches;
        m_attempt = 0;
        emit batchIndexed(batch->indexed());
        onBatchWritten();
    });
}

void EventIndexer::moveDueEventsAcrossSlots()
{
    m_moving = true;
    const QByteArray scheduled(EventKeys::Scheduled);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_router.command(
        scheduled,
        {QByteArrayLiteral("ZRANGEBYSCORE"), scheduled, QByteArrayLiteral("-inf"), QByteArray::number(now),
         QByteArrayLiteral("WITHSCORES"), QByteArrayLiteral("LIMIT"), QByteArrayLiteral("0"),
         QByteArray::number(m_options.batchSize)},
        [this, scheduled, now](const RedisValue &due) {
            if (due.isError() || m_state != State::Running || due.elements.isEmpty()) {
                m_moving = false;
                if (due.isError() && !due.isConnectionError())
                    report(tr("Reading due scheduled events failed: %1").arg(due.errorMessage()));
                else if (!due.isError())
                    checkSchedule();
                return;
            }
            // Queued once per member and due time, whichever replica gets
            // there first (the member is the event's JSON: its digest names it).
            const QByteArray queue(EventKeys::Queue), errors(EventKeys::ErrorScheduled);
            QList<std::pair<QByteArray, QList<QByteArray>>> moves;
            QList<QByteArray> zrem{QByteArrayLiteral("ZREM"), scheduled};
            int queued = 0, invalid = 0;
            for (qsizetype i = 0; i + 1 < due.elements.size(); i += 2) {
                const RedisValue &member = due.at(i);
                const QByteArray digest =
                    QCryptographicHash::hash(member.text, QCryptographicHash::Sha1).toHex() + '@' +
                    due.at(i + 1).text;
                QString reason;
                const QList<QByteArray> fields = queueFieldsOfScheduled(member.text, now, &reason);
                if (!fields.isEmpty()) {
                    moves.append({queue, addOnce(queue, digest, now, now - ScheduledMarkerKeepMs, fields,
                                                 QByteArrayLiteral("null"), {queue})});
                    ++queued;
                } else {
                    moves.append({errors, addOnce(errors, digest, now, now - ScheduledMarkerKeepMs,
                                                  invalidScheduledFields(member.text, reason),
                                                  QByteArrayLiteral("null"), {errors})});
                    ++invalid;
                }
                zrem << member.text;
            }
            runStage(m_router, moves, [this, scheduled, zrem, queued, invalid](const RedisValue &failure) {
                if (failure.isError()) {
                    m_moving = false;
                    if (!failure.isConnectionError())
                        report(tr("Queueing scheduled events failed: %1").arg(failure.errorMessage()));
                    return;
                }
                m_router.command(scheduled, zrem, [this, queued, invalid](const RedisValue &reply) {
                    m_moving = false;
                    if (reply.isError()) {
                        if (!reply.isConnectionError())
                            report(tr("Removing queued events from the schedule failed: %1")
                                       .arg(reply.errorMessage()));
                        return;
                    }
                    m_counters.scheduledQueued += quint64(queued);
                    m_counters.failed += quint64(invalid);
                    moveDueEvents();
                });
            });
        });
}

} // namespace cape
