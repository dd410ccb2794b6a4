#include "proxyworker.h"

#include "proxyclientconnection.h"
#include "proxyupstreamconnection.h"

#include "services/core/isotime.h"
#include "services/core/jsontext.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace cape {

// A listening socket of this worker's.
class ProxyWorker::Listener : public EpollLoop::Watcher
{
public:
    Listener(ProxyWorker &worker, int fd, bool tls)
        : m_worker(worker)
        , m_fd(fd)
        , m_tls(tls)
    {}
    ~Listener() override { ::close(m_fd); }
    int fd() const { return m_fd; }
    void onEvents(std::uint32_t) override { m_worker.accept(m_fd, m_tls); }

private:
    ProxyWorker &m_worker;
    int m_fd;
    bool m_tls;
};

ProxyWorker::ProxyWorker(StateSource state, const Limits &limits)
    : m_state(std::move(state))
    , m_limits(limits)
{}

ProxyWorker::~ProxyWorker()
{
    stop();
}

bool ProxyWorker::listen(const QList<ProxyConfig::Listener> &listeners, QString *error)
{
    if (!m_loop.isValid()) {
        *error = QStringLiteral("no epoll: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    for (const ProxyConfig::Listener &listener : listeners) {
        addrinfo hints{};
        hints.ai_family = AF_UNSPEC;
        hints.ai_socktype = SOCK_STREAM;
        hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
        addrinfo *found = nullptr;
        const QByteArray host = listener.address.host.toUtf8();
        const QByteArray port = QByteArray::number(listener.address.port);
        if (const int status =
                getaddrinfo(host.isEmpty() ? nullptr : host.constData(), port.constData(), &hints, &found);
            status != 0) {
            *error = QStringLiteral("%1: %2").arg(listener.address.toString(),
                                                  QString::fromLocal8Bit(gai_strerror(status)));
            return false;
        }
        const int fd = ::socket(found->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        const int one = 1;
        bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) == 0 &&
                  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) == 0;
        if (ok && found->ai_family == AF_INET6) {
            const int zero = 0; // ":443" takes IPv4 too
            setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
        }
        ok = ok && ::bind(fd, found->ai_addr, found->ai_addrlen) == 0 && ::listen(fd, 4096) == 0;
        freeaddrinfo(found);
        if (!ok) {
            *error = QStringLiteral("cannot listen on %1: %2")
                         .arg(listener.address.toString(), QString::fromLocal8Bit(std::strerror(errno)));
            if (fd >= 0)
                ::close(fd);
            return false;
        }
        auto *watcher = new Listener(*this, fd, listener.tls);
        m_listeners << watcher;
        m_loop.watch(fd, EPOLLIN, watcher);
    }
    return true;
}

void ProxyWorker::start()
{
    m_thread = std::thread([this] { m_loop.run(250, [this] { tick(); }); });
}

void ProxyWorker::stop()
{
    if (m_thread.joinable()) {
        m_loop.quit();
        m_thread.join();
    }
    if (!m_accessLog.isEmpty())
        flushAccessLog();
    // The loop has ended: what is left is closed here.
    for (ProxyClientConnection *client : std::exchange(m_clients, {}))
        delete client;
    for (const QList<ProxyUpstreamConnection *> &idle : std::exchange(m_idle, {})) {
        for (ProxyUpstreamConnection *upstream : idle)
            delete upstream;
    }
    qDeleteAll(std::exchange(m_listeners, {}));
}

void ProxyWorker::drain()
{
    m_loop.post([this] {
        m_draining = true;
        for (Listener *listener : std::exchange(m_listeners, {})) {
            m_loop.unwatch(listener->fd());
            // Retired, not deleted: the batch of events this runs in may still hold one for the
            // listener (a connection that came with the SIGTERM). It is deleted, and its socket
            // closed (new connections refused, or taken by another process), after the batch.
            m_loop.retire(listener);
        }
        const std::vector<ProxyClientConnection *> clients(m_clients.begin(), m_clients.end());
        for (ProxyClientConnection *client : clients)
            client->drain();
    });
}

void ProxyWorker::accept(int listenFd, bool tls)
{
    for (int i = 0; i < 64; ++i) { // a fair share, then the other sockets' turn
        sockaddr_storage address{};
        socklen_t length = sizeof address;
        const int fd = ::accept4(listenFd, reinterpret_cast<sockaddr *>(&address), &length,
                                 SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        if (openConnections() >= m_limits.maxConnections) {
            ::close(fd); // over the limit: refused at once rather than queued
            continue;
        }
        const int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char text[INET6_ADDRSTRLEN] = {};
        if (address.ss_family == AF_INET)
            inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in *>(&address)->sin_addr, text, sizeof text);
        else if (address.ss_family == AF_INET6)
            inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6 *>(&address)->sin6_addr, text, sizeof text);
        QByteArray peer(text);
        if (peer.startsWith("::ffff:"))
            peer = peer.mid(7); // an IPv4 client on a dual-stack socket
        std::shared_ptr<const TlsContexts> contexts;
        if (tls) {
            const auto state = m_state();
            contexts = state ? state->tls : nullptr;
            if (!contexts) {
                ::close(fd); // no certificate to speak TLS with
                continue;
            }
        }
        m_clients.insert(new ProxyClientConnection(*this, fd, peer, contexts));
    }
}

void ProxyWorker::closeClient(ProxyClientConnection *client)
{
    if (m_clients.erase(client) > 0)
        m_loop.retire(client);
}

ProxyWorker::Stats ProxyWorker::stats() const
{
    std::lock_guard lock(m_statsMutex);
    return m_stats;
}

void ProxyWorker::recordExchange(const Exchange &exchange)
{
    {
        std::lock_guard lock(m_statsMutex);
        RouteStats &route = m_stats.routes[exchange.route];
        ++route.byStatus[exchange.status];
        const double seconds = double(exchange.durationUs) / 1e6;
        size_t bucket = 0;
        while (bucket < LatencyBounds.size() && seconds > LatencyBounds[bucket])
            ++bucket;
        ++route.latency[bucket];
        route.latencySeconds += seconds;
        ++route.count;
    }
    if (m_accessLogFd < 0)
        return;
    const auto text = [](const QString &value) { return JsonText::quote(value); };
    m_accessLog +=
        "{\"time\":\"" + IsoTime::format(IsoTime::nowMs()) + "\",\"client\":\"" + exchange.client +
        "\",\"host\":" + text(exchange.host) + ",\"path\":" + text(QString::fromUtf8(exchange.path)) +
        ",\"route\":" + text(exchange.route) + ",\"upstream\":" + text(exchange.upstream) +
        ",\"status\":" + QByteArray::number(exchange.status) +
        ",\"bytes\":" + QByteArray::number(exchange.bytes) +
        ",\"durationMs\":" + QByteArray::number(double(exchange.durationUs) / 1000, 'f', 3) + "}\n";
    if (m_accessLog.size() > 3500)
        flushAccessLog();
}

void ProxyWorker::flushAccessLog()
{
    // Lines stay whole: each write() below PIPE_BUF is not interleaved with
    // another worker's on a pipe, and O_APPEND keeps them whole in a file.
    qsizetype at = 0;
    while (at < m_accessLog.size()) {
        qsizetype end = std::min(m_accessLog.size(), at + 4000);
        if (end < m_accessLog.size())
            end = m_accessLog.lastIndexOf('\n', end - 1) + 1;
        if (end <= at)
            end = m_accessLog.indexOf('\n', at) + 1; // one line longer than the page
        [[maybe_unused]] const ssize_t written =
            ::write(m_accessLogFd, m_accessLog.constData() + at, size_t(end - at));
        at = end;
    }
    m_accessLog.clear();
}

void ProxyWorker::recordUpstreamError(const QString &endpoint)
{
    std::lock_guard lock(m_statsMutex);
    ++m_stats.upstreamErrors[endpoint];
}

void ProxyWorker::tick()
{
    if (!m_accessLog.isEmpty())
        flushAccessLog();
    const qint64 now = m_loop.now();
    // Copied: a deadline may close the client.
    const std::vector<ProxyClientConnection *> clients(m_clients.begin(), m_clients.end());
    for (ProxyClientConnection *client : clients) {
        if (m_clients.count(client))
            client->checkDeadline(now);
    }
    for (auto it = m_idle.begin(); it != m_idle.end(); ++it) {
        const QList<ProxyUpstreamConnection *> idle = *it;
        for (ProxyUpstreamConnection *upstream : idle) {
            if (upstream->deadline() + m_limits.idleUpstreamMs < now)
                upstream->close();
        }
    }
}

ProxyUpstreamConnection *ProxyWorker::takeIdle(const QString &endpoint)
{
    auto it = m_idle.find(endpoint);
    if (it == m_idle.end() || it->isEmpty())
        return nullptr;
    return it->takeLast(); // the most recent: the least likely to have been closed
}

void ProxyWorker::keepIdle(ProxyUpstreamConnection *upstream)
{
    m_idle[upstream->endpoint()].append(upstream);
}

void ProxyWorker::forgetIdle(ProxyUpstreamConnection *upstream)
{
    const auto it = m_idle.find(upstream->endpoint());
    if (it != m_idle.end())
        it->removeOne(upstream);
}

void ProxyWorker::markDown(const QString &endpoint)
{
    m_downUntil.insert(endpoint, m_loop.now() + m_limits.upstreamDownMs);
}

const ProxyState::Endpoint *ProxyWorker::pickEndpoint(const ProxyState &state, int route,
                                                      const QList<QString> &tried)
{
    if (m_roundRobinState != &state) {
        m_roundRobinState = &state;
        m_nextEndpoint.clear();
    }
    const QList<ProxyState::Endpoint> &endpoints = state.upstreams.value(route);
    if (endpoints.isEmpty())
        return nullptr;
    const qint64 now = m_loop.now();
    unsigned &next = m_nextEndpoint[route];
    const ProxyState::Endpoint *fallback = nullptr; // all are down: try one anyway
    for (qsizetype i = 0; i < endpoints.size(); ++i) {
        const ProxyState::Endpoint &endpoint =
            endpoints.at(qsizetype((next + unsigned(i)) % unsigned(endpoints.size())));
        if (tried.contains(endpoint.label))
            continue;
        if (m_downUntil.value(endpoint.label) > now ||
            state.unhealthy.value(route).contains(endpoint.label)) {
            if (!fallback)
                fallback = &endpoint;
            continue;
        }
        next = unsigned((next + unsigned(i) + 1) % unsigned(endpoints.size()));
        return &endpoint;
    }
    return fallback;
}

} // namespace cape
