#include "peerdirectory.h"

#include "services/agent/agentpolicy.h"
#include "services/core/hostport.h"
#include "services/docker/dockerclient.h"

#include <QDateTime>
#include <QHostInfo>
#include <QPointer>

namespace cape {

namespace {
constexpr int RefreshEveryMs = 60000;
constexpr int RefreshAtMostEveryMs = 3000;
constexpr int AskTimeoutMs = 3000;
} // namespace

PeerDirectory::PeerDirectory(QString dnsName, QStringList explicitPeers, quint16 port, QByteArray token,
                             QString selfAddress, QObject *parent)
    : QObject(parent)
    , m_dnsName(std::move(dnsName))
    , m_explicit(std::move(explicitPeers))
    , m_port(port)
    , m_token(std::move(token))
    , m_self(std::move(selfAddress))
{
    m_timer.setInterval(RefreshEveryMs);
    connect(&m_timer, &QTimer::timeout, this, [this] { refresh(); });
    m_timer.start();
}

const PeerDirectory::Peer *PeerDirectory::lookup(const QString &node) const
{
    for (const Peer &peer : m_peers) {
        if (!peer.nodeId.isEmpty() && (peer.hostname == node || peer.nodeId == node ||
                                       (node.size() >= 12 && peer.nodeId.startsWith(node))))
            return &peer;
    }
    return nullptr;
}

void PeerDirectory::find(const QString &node, QObject *context,
                         std::function<void(const Peer *peer, const QString &why)> done)
{
    if (const Peer *peer = lookup(node); peer && peer->answers()) {
        done(peer, {});
        return;
    }
    const auto answer = [this, node, context = QPointer<QObject>(context), done] {
        if (!context)
            return;
        const Peer *peer = lookup(node);
        if (!peer)
            done(nullptr, QStringLiteral("no agent serves node %1 (agents answering: %2)")
                              .arg(node)
                              .arg(m_peers.size()));
        else if (!peer->answers())
            done(nullptr,
                 QStringLiteral("the agent of node %1 does not answer: %2").arg(node, peer->problem));
        else
            done(peer, {});
    };
    // Not known (or not answering): look again, but not more than every few seconds.
    if (QDateTime::currentMSecsSinceEpoch() - m_lastRefreshMs < RefreshAtMostEveryMs && !m_refreshing) {
        answer();
        return;
    }
    refresh(answer);
}

void PeerDirectory::noteUnreachable(const QString &host, quint16 port, const QString &why)
{
    if (const auto peer = m_peers.find(HostPort{host, port}.toString()); peer != m_peers.end())
        peer->problem = why;
}

void PeerDirectory::refresh(std::function<void()> done)
{
    if (done)
        m_waiting.append(std::move(done));
    if (m_refreshing)
        return;
    m_refreshing = true;
    m_lastRefreshMs = QDateTime::currentMSecsSinceEpoch();
    const auto finish = [this] {
        m_refreshing = false;
        const auto waiting = std::exchange(m_waiting, {});
        for (const auto &callback : waiting)
            callback();
    };
    if (m_dnsName.isEmpty()) {
        askEach(m_explicit, finish);
        return;
    }
    QHostInfo::lookupHost(m_dnsName, this, [this, finish](const QHostInfo &info) {
        QStringList addresses;
        for (const QHostAddress &address : info.addresses()) {
            if (address.toString() != m_self)
                addresses << HostPort{address.toString(), m_port}.toString();
        }
        askEach(addresses, finish);
    });
}

void PeerDirectory::askEach(const QStringList &addresses, std::function<void()> done)
{
    QHash<QString, Peer> found;
    for (const QString &address : addresses) {
        const auto where = HostPort::parse(address);
        if (!where)
            continue;
        Peer peer = m_peers.value(address);
        peer.address = where->host;
        peer.port = where->port;
        found.insert(address, peer);
    }
    m_peers = found;
    if (found.isEmpty()) {
        done();
        return;
    }
    auto pending = std::make_shared<int>(int(found.size()));
    for (auto it = found.cbegin(); it != found.cend(); ++it) {
        const QString key = it.key();
        DockerEndpoint endpoint;
        QString error;
        DockerEndpoint::parse(QStringLiteral("tcp://") + key, &endpoint, &error);
        DockerClient::Options options;
        options.connectTimeoutMs = AskTimeoutMs;
        options.responseTimeoutMs = AskTimeoutMs;
        auto *client = new DockerClient(endpoint, options, this);
        DockerRequest request = DockerRequest::get(QStringLiteral("/cape/agent"));
        request.versioned = false;
        request.headers.append({AgentPolicy::TokenHeader, m_token});
        client->send(request)->then(this, [this, key, client, pending, done](DockerReply *reply) {
            client->deleteLater();
            auto peer = m_peers.find(key);
            if (peer != m_peers.end()) {
                if (reply->error()) {
                    peer->problem = reply->error().message;
                } else {
                    peer->problem.clear();
                    peer->nodeId = reply->object().value(QLatin1String("nodeId")).toString();
                    peer->hostname = reply->object().value(QLatin1String("hostname")).toString();
                }
            }
            if (--*pending == 0)
                done();
        });
    }
}

} // namespace cape
