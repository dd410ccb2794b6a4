#pragma once

#include "redisconnection.h"
#include "redisslot.h"

#include "services/core/hostport.h"

#include <QHash>
#include <QObject>
#include <QTimer>

#include <array>
#include <memory>

namespace cape {

// A Redis Cluster, as one pipelined command sink: each command goes to the
// master that owns its key's hash slot, over one connection per master.
// The slot map comes from CLUSTER SLOTS of the first seed that answers; a
// MOVED reply updates it and resends the command to the new owner (and a
// full refresh follows), an ASK reply sends ASKING and the command to the
// importing node once, TRYAGAIN (keys of a slot mid-migration) retries a
// little later. Commands keep their order per node, not across nodes.
//
// Ready when every master is connected; disconnected() when the map cannot
// be had, or a master's connection is lost (the owner reopens; commands in
// flight get connection errors, as with RedisConnection).
class RedisCluster : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QList<HostPort> seeds;
        RedisConnection::Options connection; // password and timeouts for every node
    };
    using Callback = RedisConnection::Callback;

    explicit RedisCluster(QObject *parent = nullptr);
    ~RedisCluster() override;

    void open(const Options &options);
    void close();
    bool isReady() const { return m_ready; }

    // The command, sent to the owner of key's slot.
    void command(const QByteArray &key, const QList<QByteArray> &args, Callback callback = {});
    // The master that owns key's slot now: for connections of one's own
    // (blocking reads, WATCH/MULTI within one slot).
    HostPort masterOf(const QByteArray &key) const;
    QList<HostPort> masters() const;
    // Redirects followed since open() (MOVED, ASK), for tests and metrics.
    int redirects() const { return m_redirects; }

signals:
    void ready();
    void disconnected(const QString &reason);

private:
    struct Node;
    struct Request;

    void askForSlots(int seedIndex);
    bool applySlots(const RedisValue &reply, const QString &askedHost);
    void refreshSlots();
    Node *nodeAt(const QString &address);
    void send(const std::shared_ptr<Request> &request, const QString &address, bool asking);
    void onReply(const std::shared_ptr<Request> &request, const RedisValue &reply);
    void onNodeReady();
    void onNodeLost(const QString &reason);
    void fail(const QString &reason);

    Options m_options;
    std::array<QString, RedisSlot::Count> m_owners; // host:port of each slot's master
    QHash<QString, Node *> m_nodes;
    std::unique_ptr<RedisConnection> m_probe; // CLUSTER SLOTS
    bool m_ready = false;
    bool m_refreshing = false;
    int m_redirects = 0;
};

} // namespace cape
