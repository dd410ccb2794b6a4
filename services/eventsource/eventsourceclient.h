#pragma once

#include "services/redis/redisconnection.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QStringList>

#include <functional>
#include <optional>

namespace cape {

// The Superhero eventsource client (@superhero/core.eventsource 3.x,
// src/client) for Qt: writes and schedules events as that client writes
// them, reads what a server (cape-eventd or the reference) indexed, and
// follows what it persists. For the desktop app and cape-deployd.
//
// Asynchronous throughout: every call answers through its callback, on the
// event loop, with an error message when it failed (a callback is never
// dropped). Reads take one round trip per index plus one for the events
// (HMGET), not one per event.
class EventsourceClient : public QObject
{
    Q_OBJECT

public:
    struct Event
    {
        QString id; // the queue's stream id, under which pd holds it
        QString domain, pid, ppid, name, rid;
        QString timestamp;      // as stored: 2026-01-02T03:04:05.000Z
        qint64 timestampMs = 0; // the same, read once (views sort by it)
        QJsonValue data;

        static std::optional<Event> fromJson(const QString &id, const QByteArray &json);
    };
    // What to write: domain, pid and name are required.
    struct Input
    {
        QString domain, pid, name;
        QString ppid, rid;   // optional
        QDateTime timestamp; // default: now
        QJsonValue data = QJsonObject{};
    };
    // The indexes readEventlog reads (the reference's readEventlog* calls).
    enum class Index { DomainAndPid, Pid, Ppid, DomainAndPpid, Name };

    using Written = std::function<void(const QString &id, const QString &error)>;
    using Done = std::function<void(const QString &error)>;
    using EventRead = std::function<void(const std::optional<Event> &event, const QString &error)>;
    using EventsRead = std::function<void(const QList<Event> &events, const QString &error)>;
    using StateRead = std::function<void(const QJsonObject &state, const QString &error)>;
    using Found = std::function<void(bool found, const QString &error)>;
    using Observer = std::function<void(const Event &event)>;
    using Counted = std::function<void(qint64 count, const QString &error)>;
    using Scanned =
        std::function<void(const QByteArray &nextCursor, const QList<Event> &events, const QString &error)>;
    using Waited = std::function<void(const std::optional<Event> &event, bool happy, const QString &error)>;

    explicit EventsourceClient(QObject *parent = nullptr);

    void open(const RedisConnection::Options &options);
    void close();
    bool isReady() const { return m_commands.isReady(); }

    // As the client's write(input, chain, broadcast): a chain (the event this
    // one follows) lends its domain, pid, ppid, name and its id as rid,
    // unless the input says otherwise.
    void write(const Input &input, Written done, bool broadcast = true,
               const std::optional<Event> &chain = {});
    void schedule(const QDateTime &due, const Input &input, Done done);

    void readEventById(const QString &id, EventRead done);
    // key: the pid (DomainAndPid, Pid) or ppid (Ppid, DomainAndPpid); from
    // and to in ms (inclusive; nullopt for open ends).
    void readEventlog(Index index, const QString &domain, const QString &key, EventsRead done,
                      std::optional<qint64> fromMs = {}, std::optional<qint64> toMs = {});
    // For browsing: how many an index holds, and a page of it, newest first
    // (between fromMs and toMs, inclusive, when given).
    void countEventlog(Index index, const QString &domain, const QString &key, Counted done,
                       std::optional<qint64> fromMs = {}, std::optional<qint64> toMs = {});
    void readEventlogPage(Index index, const QString &domain, const QString &key, qint64 offset, int count,
                          EventsRead done, std::optional<qint64> fromMs = {},
                          std::optional<qint64> toMs = {});
    // Every event: how many, and a page of pd at a time (HSCAN; "0" starts
    // and, as nextCursor, ends; pages come in no particular order).
    void countEvents(Counted done);
    void scanEvents(const QByteArray &cursor, int count, Scanned done);
    void readEventlogByName(const QString &domain, const QString &pid, const QString &name, EventsRead done);
    // The data of the newest event of that name (at timestampMs, when given).
    void readEvent(const QString &domain, const QString &pid, const QString &name, EventRead done,
                   std::optional<qint64> timestampMs = {});
    void hasEvent(const QString &domain, const QString &pid, const QString &name, Found done);
    // Every event's data deep-merged in order, as the reference intends
    // (without its chunking, which drops the 11th, 21st… event's data).
    void readState(const QString &domain, const QString &pid, StateRead done);

    // Causality through rid links (a chained write's rid is the id of the
    // event it follows). The causes: rid, its rid, … oldest first, at most
    // maxDepth; a link to an event no longer in pd ends the chain.
    void readCauses(const Event &event, EventsRead done, int maxDepth = 50);
    // The events whose rid is this event's id. The layout has no rid index,
    // so they are looked for where chained writes put them: in the event's
    // process and in the processes whose ppid is its pid.
    void readConsequences(const Event &event, EventsRead done);

    // Events persisted under a domain and name, or of one process, as the
    // server publishes them; until unsubscribed (or close()).
    using SubscriptionId = quint64;
    SubscriptionId subscribe(const QString &domain, const QString &name, Observer observer);
    SubscriptionId subscribeByPid(const QString &domain, const QString &pid, Observer observer);
    // Every event the server persists and broadcasts, whatever its domain.
    SubscriptionId followAll(Observer observer);
    // Nothing more reaches that observer or consumer, from the next message
    // on (also within a message being handed out).
    void unsubscribe(SubscriptionId id);
    // Competing consumers, as the reference's consume: every event persisted
    // under a domain and name goes to one of the clients consuming it (the
    // persisted stream's group), and is acknowledged once the handler
    // returns true; false leaves it pending (so does unsubscribing while
    // events are being handed out).
    using Consumer = std::function<bool(const Event &event)>;
    SubscriptionId consume(const QString &domain, const QString &name, Consumer consumer);

    // The first persisted event of the process named in happy or failure, or
    // a timeout error.
    void wait(const QString &domain, const QString &pid, const QStringList &happy, const QStringList &failure,
              int timeoutMs, Waited done);

    // The deep merge of the reference's DeepMerge.merge: objects merge key by
    // key, anything else replaces.
    static QJsonValue deepMerge(const QJsonValue &into, const QJsonValue &from);

signals:
    void ready();
    void disconnected(const QString &reason);

private:
    void readIds(const QByteArray &key, std::optional<qint64> fromMs, std::optional<qint64> toMs,
                 EventsRead done);
    void readEvents(const QStringList &ids, EventsRead done);
    static QByteArray indexKey(Index index, const QString &domain, const QString &key);
    SubscriptionId listen(const QByteArray &channel, std::function<void(const QByteArray &message)> handler);
    void dispatch(const QByteArray &channel, const QByteArray &message);
    bool isSubscribed(SubscriptionId id) const;
    SubscriptionId followEvents(const QByteArray &channel, Observer observer);
    void drain(const QByteArray &stream, SubscriptionId id, const Consumer &consumer);
    void failLater(const std::function<void(const QString &)> &done, const QString &error);

    RedisConnection m_commands;
    RedisConnection m_subscriber; // opened with the first subscription
    RedisConnection::Options m_options;
    QHash<QByteArray, QList<std::pair<SubscriptionId, std::function<void(const QByteArray &)>>>> m_listeners;
    QList<std::pair<SubscriptionId, Observer>> m_followers; // followAll(): one PSUBSCRIBE for all
    bool m_followingAll = false;
    SubscriptionId m_lastSubscription = 0;
    bool m_queueGroupMade = false;
    QSet<QByteArray> m_draining; // persisted streams being read for consume()
};

} // namespace cape
