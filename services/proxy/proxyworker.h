#pragma once

#include "epollloop.h"
#include "proxystate.h"

#include <QHash>
#include <QString>

#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
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

    // One request and its answer, for the access log and /metrics.
    struct Exchange
    {
        QByteArray client;
        QString host;
        QByteArray path;
        QString route; // host/path of the route, empty when none matched
        QString upstream;
        int status = 0; // 499: the client left before its answer
        qint64 bytes = 0;
        qint64 durationUs = 0;
    };
    // Request latency buckets, in seconds (Prometheus "le").
    static constexpr std::array<double, 11> LatencyBounds{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                          0.1,   0.25,   0.5,   1,    5};
    struct RouteStats
    {
        QHash<int, quint64> byStatus;
        std::array<quint64, LatencyBounds.size() + 1> latency{}; // per bucket, the last one above them all
        double latencySeconds = 0;
        quint64 count = 0;
    };
    struct Stats
    {
        QHash<QString, RouteStats> routes;
        QHash<QString, quint64> upstreamErrors;
    };

    ProxyWorker(StateSource state, const Limits &limits);
    ~ProxyWorker();

    // This worker's sockets for each listener; false with the reason.
    bool listen(const QList<ProxyConfig::Listener> &listeners, QString *error);
    void start();
    void stop(); // returns when the thread has ended and every socket is closed
    // Stops accepting, closes idle connections, and ends the others after
    // their current answer; openConnections() says when all are gone.
    void drain();
    bool isDraining() const { return m_draining; }

    int openConnections() const { return m_openConnections.load(std::memory_order_relaxed); }
    Stats stats() const;
    // Before start(): JSON lines of every exchange to this file descriptor
    // (written in whole lines, at most every 250 ms per worker); -1: none.
    void setAccessLog(int fd) { m_accessLogFd = fd; }

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
    void recordExchange(const Exchange &exchange);
    void recordUpstreamError(const QString &endpoint);
    void flushAccessLog();

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
    mutable std::mutex m_statsMutex; // the worker writes, /metrics reads
    Stats m_stats;
    int m_accessLogFd = -1;
    bool m_draining = false; // the loop's thread only
    QByteArray m_accessLog;  // whole lines not yet written
};

} // namespace cape
