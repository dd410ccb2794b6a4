#pragma once

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <functional>

namespace cape {

// The other nodes' agents, and which node each serves: their addresses from
// Swarm DNS (`tasks.<the agent's service>`, one address per task on the
// overlay) or given outright (--peers), and their node from asking each
// (GET /cape/agent, with the token). Looked up again when a node is asked
// for that is not known, at most every few seconds, and every minute.
class PeerDirectory : public QObject
{
    Q_OBJECT

public:
    struct Peer
    {
        QString address;
        quint16 port = 0;
        QString nodeId;
        QString hostname;
        QString problem; // why it does not answer, when it does not
        bool answers() const { return !nodeId.isEmpty() && problem.isEmpty(); }
    };

    // dnsName: e.g. tasks.cape_agent (empty with explicit peers); self: this
    // agent's own address, left out.
    PeerDirectory(QString dnsName, QStringList explicitPeers, quint16 port, QByteArray token,
                  QString selfAddress, QObject *parent = nullptr);

    QList<Peer> peers() const { return m_peers.values(); }
    // The peer serving this node (its ID, a prefix of 12 or more, or its
    // hostname), looked up again first if it is not known.
    void find(const QString &node, QObject *context,
              std::function<void(const Peer *peer, const QString &why)> done);
    void refresh(std::function<void()> done = {});
    // A peer could not be reached (its task gone, its node down): not used
    // again until a lookup finds it answering, so that the next request for
    // its node looks again (its new task has another address).
    void noteUnreachable(const QString &host, quint16 port, const QString &why);

private:
    void askEach(const QStringList &addresses, std::function<void()> done);
    const Peer *lookup(const QString &node) const;

    QString m_dnsName;
    QStringList m_explicit; // host:port
    quint16 m_port;
    QByteArray m_token;
    QString m_self;
    QHash<QString, Peer> m_peers; // by address
    QTimer m_timer;
    qint64 m_lastRefreshMs = 0;
    QList<std::function<void()>> m_waiting; // finds waiting on a refresh in flight
    bool m_refreshing = false;
};

} // namespace cape
