#include "proxyupstreamconnection.h"

#include "proxyclientconnection.h"
#include "proxyworker.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace cape {

namespace {
constexpr qsizetype ReadChunk = 64 * 1024;
}

ProxyUpstreamConnection *ProxyUpstreamConnection::connectTo(ProxyWorker &worker,
                                                            const ProxyState::Endpoint &endpoint)
{
    const int fd = ::socket(endpoint.address.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return nullptr;
    const int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(fd, reinterpret_cast<const sockaddr *>(&endpoint.address), endpoint.length) < 0 &&
        errno != EINPROGRESS) {
        ::close(fd);
        return nullptr;
    }
    return new ProxyUpstreamConnection(worker, fd, endpoint.label);
}

ProxyUpstreamConnection::ProxyUpstreamConnection(ProxyWorker &worker, int fd, const QString &endpoint)
    : m_worker(worker)
    , m_fd(fd)
    , m_endpoint(endpoint)
{
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.connectTimeoutMs;
    m_events = EPOLLOUT | EPOLLRDHUP;
    m_worker.m_loop.watch(m_fd, m_events, this);
}

ProxyUpstreamConnection::~ProxyUpstreamConnection()
{
    if (m_fd >= 0) {
        m_worker.m_loop.unwatch(m_fd);
        ::close(m_fd);
    }
}

void ProxyUpstreamConnection::attach(ProxyClientConnection *client, bool headRequest)
{
    m_client = client;
    m_response.reset();
    if (headRequest)
        m_response.expectNoBody();
    m_answered = false;
    m_tunnel = false;
    m_reading = true;
    if (!m_connecting)
        m_deadline = m_worker.m_loop.now() + m_worker.m_limits.upstreamTimeoutMs;
    watch();
}

void ProxyUpstreamConnection::send(const char *data, qsizetype size)
{
    if (m_closed)
        return;
    m_out.append(data, size);
    if (!m_connecting)
        flush();
}

void ProxyUpstreamConnection::setReading(bool reading)
{
    if (m_reading == reading)
        return;
    m_reading = reading;
    watch();
    if (reading)
        readSome(); // what came while paused is waiting in the socket
}

void ProxyUpstreamConnection::watch()
{
    if (m_closed)
        return;
    std::uint32_t events = 0;
    if (m_connecting || !m_out.isEmpty())
        events |= EPOLLOUT;
    if (!m_connecting && m_reading)
        events |= EPOLLIN | EPOLLRDHUP;
    if (events != m_events) {
        m_events = events;
        m_worker.m_loop.change(m_fd, events, this);
    }
}

void ProxyUpstreamConnection::onEvents(std::uint32_t events)
{
    if (m_closed)
        return;
    if (m_connecting) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(m_fd, SOL_SOCKET, SO_ERROR, &error, &length);
        if (error != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            fail(error == ECONNREFUSED ? "connection refused" : "could not connect");
            return;
        }
        if (!(events & EPOLLOUT))
            return;
        m_connecting = false;
        m_deadline = m_worker.m_loop.now() + m_worker.m_limits.upstreamTimeoutMs;
    }
    if (events & EPOLLOUT)
        flush();
    if (!m_closed && (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
        readSome();
    if (!m_closed)
        watch();
}

void ProxyUpstreamConnection::flush()
{
    if (m_out.writeTo(m_fd) == SocketOutput::Result::Failed) {
        fail("the connection broke while sending");
        return;
    }
    watch();
}

void ProxyUpstreamConnection::readSome()
{
    if (!m_reading && m_client)
        return;
    char buffer[ReadChunk];
    const ssize_t got = ::read(m_fd, buffer, sizeof buffer);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        fail("the connection was reset");
        return;
    }
    if (!m_client) {
        // Idle in the pool: the upstream closed it, or sent what nobody asked.
        close();
        return;
    }
    if (got == 0) {
        if (m_tunnel) {
            fail("the upstream closed the tunnel");
            return;
        }
        // A response that ends with the connection ends here; any other is cut.
        if (m_response.headComplete() && m_response.finish() == HttpMessageParser::Stop::MessageComplete) {
            ProxyClientConnection *client = std::exchange(m_client, nullptr);
            client->onResponseComplete(false);
            close();
            return;
        }
        fail(m_answered ? "the upstream closed the connection mid-response"
                        : "the upstream closed the connection without answering");
        return;
    }
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.upstreamTimeoutMs;
    if (m_tunnel) {
        m_answered = true;
        m_client->onResponseBytes(buffer, got);
        m_client->flushResponse();
        return;
    }
    qsizetype at = 0;
    while (at < got && m_client) {
        const auto result = m_response.feed(buffer + at, size_t(got - at));
        if (result.stop == HttpMessageParser::Stop::Error) {
            fail("the upstream's response is not HTTP");
            return;
        }
        m_answered = true;
        ProxyClientConnection *client = m_client;
        if (result.stop == HttpMessageParser::Stop::HeadComplete) {
            client->onResponseHead(m_response); // rewritten for the client's hop
            at += qsizetype(result.consumed);
            continue;
        }
        // The body, as it came (its framing included).
        if (const auto body = qsizetype(result.consumed - result.bodyFrom); body > 0)
            client->onResponseBytes(buffer + at + qsizetype(result.bodyFrom), body);
        at += qsizetype(result.consumed);
        if (!m_client)
            return; // the client went while taking the bytes
        if (result.stop != HttpMessageParser::Stop::MessageComplete)
            continue;
        const int status = m_response.status();
        if (status == 101) {
            m_tunnel = true;
            client->onUpgraded();
            if (at < got && m_client) {
                m_client->onResponseBytes(buffer + at, got - at);
                m_client->flushResponse();
            }
            return;
        }
        if (status >= 100 && status < 200) {
            m_response.reset(); // 100 Continue and friends: the real response follows
            continue;
        }
        // Bytes after the response: nothing was asked, so the connection is not trusted again.
        const bool reusable = at == got && m_response.keepAlive();
        m_client = nullptr;
        client->onResponseComplete(reusable);
        return;
    }
    if (m_client)
        m_client->flushResponse(); // a response that goes on in the next read
}

void ProxyUpstreamConnection::fail(const char *reason)
{
    ProxyClientConnection *client = m_client;
    if (!client) {
        close();
        return;
    }
    // The client decides: another endpoint, an error status, or closing.
    client->onUpstreamFailed(reason);
}

void ProxyUpstreamConnection::close()
{
    if (m_closed)
        return;
    m_closed = true;
    m_client = nullptr;
    m_worker.forgetIdle(this);
    m_worker.m_loop.unwatch(m_fd);
    ::close(m_fd);
    m_fd = -1;
    m_worker.m_loop.retire(this);
}

} // namespace cape
