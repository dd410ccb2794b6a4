#include "rediscluster.h"

#include <QSet>
#include <QTimer>

namespace cape {

namespace {
constexpr int MaxRedirects = 5; // per command: a map that keeps moving is an error
constexpr int MaxTryAgain = 40;
constexpr int TryAgainDelayMs = 50;
} // namespace

struct RedisCluster::Node
{
    // Deleted later: a node may go while its connection is signalling.
    std::unique_ptr<RedisConnection, void (*)(RedisConnection *)> owned{
        new RedisConnection, [](RedisConnection *c) { c->deleteLater(); }};
    RedisConnection &connection = *owned;
    // Commands for a node found through MOVED or ASK, until it connects.
    QList<std::pair<std::shared_ptr<Request>, bool>> waiting;
};

struct RedisCluster::Request
{
    QByteArray key;
    QList<QByteArray> args;
    Callback callback;
    int redirects = 0;
    int tries = 0;
};

RedisCluster::RedisCluster(QObject *parent)
    : QObject(parent)
{}

RedisCluster::~RedisCluster()
{
    // Now, and without calling back: the owners of the callbacks may be gone.
    for (Node *node : std::as_const(m_nodes)) {
        delete node->owned.release();
        delete node;
    }
}

void RedisCluster::open(const Options &options)
{
    close();
    m_options = options;
    m_redirects = 0;
    if (m_options.seeds.isEmpty()) {
        QMetaObject::invokeMethod(
            this, [this] { fail(tr("no Redis Cluster node given")); }, Qt::QueuedConnection);
        return;
    }
    askForSlots(0);
}

void RedisCluster::close()
{
    m_ready = false;
    m_refreshing = false;
    m_owners.fill(QString());
    if (m_probe) {
        m_probe->disconnect(this);
        m_probe.release()->deleteLater();
    }
    const QHash<QString, Node *> nodes = std::exchange(m_nodes, {});
    for (Node *node : nodes) {
        node->connection.disconnect(this);
        // Callbacks of commands in flight hear of the closing, then go.
        node->connection.close();
        for (const auto &[request, asking] : std::as_const(node->waiting)) {
            if (request->callback)
                request->callback(RedisValue::error("the Redis Cluster connection was closed", true));
        }
        delete node;
    }
}

void RedisCluster::askForSlots(int seedIndex)
{
    if (seedIndex >= m_options.seeds.size()) {
        fail(tr("no node of the Redis Cluster answered (%1 tried)").arg(m_options.seeds.size()));
        return;
    }
    if (m_probe)
        m_probe.release()->deleteLater();
    m_probe = std::make_unique<RedisConnection>();
    RedisConnection *probe = m_probe.get();
    const HostPort seed = m_options.seeds.at(seedIndex);
    connect(probe, &RedisConnection::disconnected, this, [this, probe, seedIndex](const QString &reason) {
        if (m_probe.get() != probe || m_ready)
            return;
        if (seedIndex + 1 < m_options.seeds.size())
            QMetaObject::invokeMethod(
                this, [this, seedIndex] { askForSlots(seedIndex + 1); }, Qt::QueuedConnection);
        else
            fail(reason);
    });
    connect(probe, &RedisConnection::ready, this, [this, probe, seed] {
        probe->command({QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("SLOTS")},
                       [this, probe, seed](const RedisValue &reply) {
                           if (m_probe.get() != probe || reply.isConnectionError())
                               return;
                           if (reply.isError()) {
                               fail(tr("Redis at %1 is not a cluster node: %2")
                                        .arg(seed.toString(), reply.errorMessage()));
                               return;
                           }
                           if (!applySlots(reply, seed.host))
                               return;
                           probe->disconnect(this);
                           probe->close();
                           m_probe.release()->deleteLater();
                       });
    });
    RedisConnection::Options options = m_options.connection;
    options.host = seed.host;
    options.port = seed.port;
    probe->open(options);
}

bool RedisCluster::applySlots(const RedisValue &reply, const QString &askedHost)
{
    // [[first slot, last slot, [host, port, id, …], replicas…], …]
    QSet<QString> masters;
    for (const RedisValue &range : reply.elements) {
        const qint64 first = range.at(0).integer;
        const qint64 last = range.at(1).integer;
        const RedisValue &master = range.at(2);
        QString host = QString::fromUtf8(master.at(0).text);
        if (host.isEmpty() || host == u'?')
            host = askedHost; // "the node you asked", as Redis 7 may say
        const qint64 port = master.at(1).integer;
        if (first < 0 || last >= RedisSlot::Count || first > last || port <= 0 || port > 65535)
            continue;
        const QString address = HostPort{host, quint16(port)}.toString();
        masters.insert(address);
        for (qint64 slot = first; slot <= last; ++slot)
            m_owners[size_t(slot)] = address;
    }
    if (masters.isEmpty()) {
        fail(tr("the Redis Cluster serves no slot yet"));
        return false;
    }
    for (const QString &address : std::as_const(masters))
        nodeAt(address);
    onNodeReady(); // all may be connected already (a refresh)
    return true;
}

void RedisCluster::refreshSlots()
{
    if (m_refreshing || !m_ready)
        return;
    Node *asked = nullptr;
    for (Node *node : std::as_const(m_nodes)) {
        if (node->connection.isReady()) {
            asked = node;
            break;
        }
    }
    if (!asked)
        return;
    m_refreshing = true;
    const QString host = asked->connection.address().section(u':', 0, -2);
    asked->connection.command({QByteArrayLiteral("CLUSTER"), QByteArrayLiteral("SLOTS")},
                              [this, host](const RedisValue &reply) {
                                  m_refreshing = false;
                                  if (!reply.isError())
                                      applySlots(reply, host);
                              });
}

RedisCluster::Node *RedisCluster::nodeAt(const QString &address)
{
    if (Node *node = m_nodes.value(address))
        return node;
    const auto where = HostPort::parse(address);
    auto *node = new Node;
    m_nodes.insert(address, node);
    connect(&node->connection, &RedisConnection::ready, this, &RedisCluster::onNodeReady);
    connect(&node->connection, &RedisConnection::disconnected, this, &RedisCluster::onNodeLost);
    RedisConnection::Options options = m_options.connection;
    if (where) {
        options.host = where->host;
        options.port = where->port;
    }
    node->connection.open(options);
    return node;
}

void RedisCluster::onNodeReady()
{
    for (Node *node : std::as_const(m_nodes)) {
        if (node->connection.isReady()) {
            for (const auto &[request, asking] : std::exchange(node->waiting, {}))
                send(request, node->connection.address(), asking);
        }
    }
    if (m_ready)
        return;
    for (Node *node : std::as_const(m_nodes)) {
        if (!node->connection.isReady())
            return;
    }
    m_ready = true;
    emit ready();
}

void RedisCluster::onNodeLost(const QString &reason)
{
    fail(reason);
}

void RedisCluster::fail(const QString &reason)
{
    close();
    emit disconnected(reason);
}

HostPort RedisCluster::masterOf(const QByteArray &key) const
{
    return HostPort::parse(m_owners[size_t(RedisSlot::of(key))]).value_or(HostPort{});
}

QList<HostPort> RedisCluster::masters() const
{
    QList<HostPort> masters;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        if (const auto where = HostPort::parse(it.key()))
            masters.append(*where);
    }
    return masters;
}

void RedisCluster::command(const QByteArray &key, const QList<QByteArray> &args, Callback callback)
{
    auto request = std::make_shared<Request>(Request{key, args, std::move(callback)});
    const QString owner = m_owners[size_t(RedisSlot::of(key))];
    if (!m_ready || owner.isEmpty()) {
        const QByteArray reason = m_ready ? "no node of the Redis Cluster serves the slot of " + key
                                          : QByteArrayLiteral("not connected to the Redis Cluster");
        if (request->callback)
            QMetaObject::invokeMethod(
                this, [request, reason] { request->callback(RedisValue::error(reason, true)); },
                Qt::QueuedConnection);
        return;
    }
    send(request, owner, false);
}

void RedisCluster::send(const std::shared_ptr<Request> &request, const QString &address, bool asking)
{
    Node *node = nodeAt(address);
    if (!node->connection.isReady()) {
        node->waiting.append({request, asking});
        return;
    }
    if (asking)
        node->connection.command({QByteArrayLiteral("ASKING")});
    node->connection.command(request->args,
                             [this, request](const RedisValue &reply) { onReply(request, reply); });
}

void RedisCluster::onReply(const std::shared_ptr<Request> &request, const RedisValue &reply)
{
    const bool moved = reply.isErrorCode("MOVED");
    if (moved || reply.isErrorCode("ASK")) {
        // "MOVED 3999 127.0.0.1:6381"
        const QList<QByteArray> parts = reply.text.split(' ');
        const int slot = parts.value(1).toInt();
        const QString target = QString::fromUtf8(parts.value(2));
        if (++request->redirects > MaxRedirects || target.isEmpty() || slot < 0 || slot >= RedisSlot::Count) {
            if (request->callback)
                request->callback(RedisValue::error("the Redis Cluster keeps redirecting: " + reply.text));
            return;
        }
        ++m_redirects;
        if (moved) {
            m_owners[size_t(slot)] = target;
            refreshSlots(); // one moved slot seldom comes alone
        }
        send(request, target, !moved);
        return;
    }
    if (reply.isErrorCode("TRYAGAIN") && ++request->tries <= MaxTryAgain) {
        // A multi-key command over a slot in migration: the keys will settle.
        QTimer::singleShot(TryAgainDelayMs, this, [this, request] {
            const QString owner = m_owners[size_t(RedisSlot::of(request->key))];
            if (m_ready && !owner.isEmpty())
                send(request, owner, false);
            else if (request->callback)
                request->callback(RedisValue::error("not connected to the Redis Cluster", true));
        });
        return;
    }
    if (request->callback)
        request->callback(reply);
}

} // namespace cape
