#pragma once

#include "epollloop.h"
#include "proxystate.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <unordered_set>

namespace cape {

class ProxyClientConnection;
class ProxyUpstreamConnection;

// One of cape-proxyd's worker threads: its own sockets on every listener
// (SO_REUSEPORT: the kernel spreads new connections over the workers), its
// own epoll loop, its own idle upstream connections. A request is routed
// when its head is complete, then its body and the response are forwarded
// as they come, never buffered whole. Routes come from the current
// ProxyState, read at each request, so that a reload applies to the next
// request while those in flight finish on the state they began with.
class ProxyWorker
{
public:
    struct Limits
    {
        int headerBytes = 16 * 1024;
        qint64 bodyBytes = 1024LL * 1024 * 1024;
        int headerTimeoutMs = 10000;   // the whole head, from the first byte or the previous response
        int idleTimeoutMs = 60000;     // a kept-alive client with nothing to say
        int connectTimeoutMs = 5000;   // an upstream's TCP connect
        int upstreamTimeoutMs = 60000; // silence from an upstream while a response is due
        int maxConnections = 10000;
        int upstreamDownMs = 10000; // an endpoint that refused: left out this long
        int idleUpstreamMs = 30000; // pooled upstream connections
    };
    using StateSource = std::function<std::shared_ptr<const ProxyState>()>;

    ProxyWorker(StateSource state, const Limits &limits);
    ~ProxyWorker();

    // This worker's sockets for each listener; false with the reason.
    bool listen(const QList<ProxyConfig::Listener> &listeners, QString *error);
    void start();
    void stop(); // returns when the thread has ended and every socket is closed

    int openConnections() const { return m_openConnections.load(std::memory_order_relaxed); }

private:
    friend class ProxyClientConnection;
    friend class ProxyUpstreamConnection;
    class Listener;

    void tick();
    void accept(int listenFd, bool tls);
    ProxyUpstreamConnection *takeIdle(const QString &endpoint);
    void keepIdle(ProxyUpstreamConnection *upstream);
    void forgetIdle(ProxyUpstreamConnection *upstream);
    void closeClient(ProxyClientConnection *client);
    // The next endpoint of a route, round robin, skipping those marked
    // down and those tried already; nullptr when none is left.
    const ProxyState::Endpoint *pickEndpoint(const ProxyState &state, int route, const QList<QString> &tried);
    void markDown(const QString &endpoint);

    StateSource m_state;
    Limits m_limits;
    EpollLoop m_loop;
    std::thread m_thread;
    QList<Listener *> m_listeners;
    std::unordered_set<ProxyClientConnection *> m_clients;
    QHash<QString, QList<ProxyUpstreamConnection *>> m_idle;
    QHash<QString, qint64> m_downUntil;
    const ProxyState *m_roundRobinState = nullptr; // whose routes m_nextEndpoint counts
    QHash<int, unsigned> m_nextEndpoint;
    std::atomic<int> m_openConnections{0};
};

} // namespace cape
