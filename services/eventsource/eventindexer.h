#pragma once

#include "indexbatch.h"
#include "queuedevent.h"

#include "services/core/hostport.h"
#include "services/redis/rediscluster.h"
#include "services/redis/redisconnection.h"

#include <QObject>
#include <QSet>
#include <QTimer>

namespace cape {

// cape-eventd's work: indexes the events the Superhero eventsource clients
// queue, exactly as the reference server (@superhero/core.eventsource 3.x,
// src/server/process.js) lays them out in Redis, and moves scheduled events
// into the queue when due.
//
// Unlike the reference it reads in batches (XREADGROUP COUNT) and writes
// each batch as one MULTI/EXEC, pipelined: a batch is indexed and
// acknowledged entirely or not at all, so a kill -9 at any moment loses no
// event and indexes none twice. What a crashed replica had read is taken
// over with XAUTOCLAIM; several replicas share the queue through its group.
// An entry that cannot be indexed goes to process-error-queued with the
// reason and its fields, and is acknowledged. Scheduled events move with
// WATCH/MULTI, so that two replicas never queue one twice. Redis lost:
// reconnects with back-off and carries on where the group says.
//
// On a Redis Cluster a batch's keys live on several nodes and no MULTI can
// hold them: there, order and idempotence keep the same promise (see
// eventindexercluster.cpp).
class EventIndexer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        RedisConnection::Options redis; // the server; password and timeouts on a cluster too
        QList<HostPort> cluster;        // a Redis Cluster's nodes (some): routes by slot
        QByteArray consumer;            // this replica's name in the queue's group
        int batchSize = 1000;           // entries per XREADGROUP
        int blockMs = 2000;             // XREADGROUP BLOCK
        int reclaimIdleMs = 30000;      // pending this long elsewhere: taken over
        int reclaimIntervalMs = 10000;
        int statsIntervalMs = 5000; // pending, lag and scheduled, for /metrics
    };
    enum class State { Idle, Connecting, Running, Stopping, Stopped };
    Q_ENUM(State)

    struct Counters
    {
        quint64 indexed = 0;
        quint64 failed = 0;    // sent to process-error-queued
        quint64 reclaimed = 0; // taken over from a consumer that went quiet
        quint64 scheduledQueued = 0;
        quint64 batches = 0;
        quint64 reconnects = 0;
        qint64 pending = -1; // the group's, as of the last look; -1 unknown
        qint64 lag = -1;
        qint64 scheduled = -1;
    };

    explicit EventIndexer(const Options &options, QObject *parent = nullptr);
    ~EventIndexer() override;

    void start();
    // Lets the batches in flight finish (at most timeoutMs), then stops.
    void stop(int timeoutMs = 10000);
    State state() const { return m_state; }
    bool isHealthy() const;
    const Counters &counters() const { return m_counters; }
    QString lastProblem() const { return m_lastProblem; }
    // Prometheus text exposition.
    QByteArray metrics() const;

signals:
    void stateChanged(cape::EventIndexer::State state);
    void batchIndexed(int events);
    void problem(const QString &message);
    void stopped();

private:
    using Entry = IndexBatch::QueueEntry;
    enum class ReadMode { OwnPending, New };

    void setState(State state);
    void connectAll();
    void onConnectionReady();
    void onConnectionLost(const QString &reason);
    void onConnected();
    void read();
    void onRead(const RedisValue &reply);
    void reclaim();
    void writeBatch(const QList<Entry> &entries);
    void writeBatchAcrossSlots(const QList<Entry> &entries);
    void acknowledgeAcrossSlots(const std::shared_ptr<const IndexBatch> &batch);
    void onBatchWritten();
    void checkSchedule();
    void scheduleCommand(const QList<QByteArray> &args, RedisConnection::Callback callback);
    void moveDueEvents();
    void moveDueEventsAcrossSlots();
    bool isCluster() const { return !m_options.cluster.isEmpty(); }
    // The connections to the queue's node this mode opens.
    QList<RedisConnection *> queueConnections();
    void openQueueConnections(const RedisConnection::Options &where);
    void refreshStats();
    void report(const QString &message);
    void finishStop();
    static QList<Entry> entriesOf(const RedisValue &list);
    // A scheduled member's queue fields (name, value, …); empty, with the
    // reason, when it is no event.
    static QList<QByteArray> queueFieldsOfScheduled(const QByteArray &member, qint64 movedAt,
                                                    QString *reason);
    static QList<QByteArray> invalidScheduledFields(const QByteArray &member, const QString &reason);

    Options m_options;
    State m_state = State::Idle;
    RedisCluster m_router;        // on a cluster: the index's keys, wherever they live
    RedisConnection m_reader;     // XREADGROUP, blocking
    RedisConnection m_writer;     // batches (the queue's side on a cluster), reclaiming, stats
    RedisConnection m_scheduler;  // WATCH/MULTI of due scheduled events
    RedisConnection m_subscriber; // wake-ups
    int m_ready = 0;
    int m_attempt = 0;
    QTimer m_reconnect;
    QTimer m_reclaimTimer;
    QTimer m_scheduleTimer;
    QTimer m_statsTimer;
    QTimer m_stopDeadline;
    ReadMode m_readMode = ReadMode::OwnPending;
    QByteArray m_pendingCursor = QByteArrayLiteral("0");
    bool m_reading = false;
    bool m_reclaiming = false;
    bool m_moving = false;
    int m_inFlight = 0;             // batches sent, EXEC not yet answered
    QSet<QByteArray> m_knownGroups; // persisted streams whose group exists
    Counters m_counters;
    qint64 m_lastDeliveredMs = 0; // the group's, as of the last look
    qint64 m_settledBeforeMs = 0; // queue entries older than this are acknowledged for good
    QString m_lastProblem;
};

} // namespace cape
