#include "proxyclientconnection.h"

#include "appendbytes.h"

#include "proxyupstreamconnection.h"
#include "proxyworker.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

namespace cape {

namespace {

constexpr qsizetype ReadChunk = 64 * 1024;
constexpr qsizetype ReplayLimit = 64 * 1024;       // a request larger than this is not retried elsewhere
constexpr qsizetype OutputHighWater = 1024 * 1024; // the other side pauses above this
constexpr int MaxAttempts = 3;

qint64 monotonicUs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

} // namespace

ProxyClientConnection::ProxyClientConnection(ProxyWorker &worker, int fd, QByteArray peer,
                                             std::shared_ptr<const TlsContexts> tls)
    : m_worker(worker)
    , m_fd(fd)
    , m_peer(std::move(peer))
    , m_tls(tls != nullptr)
    , m_tlsContexts(std::move(tls))
{
    if (m_tlsContexts)
        m_ssl = m_tlsContexts->newConnection(m_fd);
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.headerTimeoutMs;
    m_events = EPOLLIN | EPOLLRDHUP;
    m_worker.m_loop.watch(m_fd, m_events, this);
    m_worker.m_openConnections.fetch_add(1, std::memory_order_relaxed);
}

ProxyClientConnection::~ProxyClientConnection()
{
    if (m_upstream) {
        m_upstream->detach();
        m_upstream->close();
    }
    if (m_ssl) {
        SSL_shutdown(m_ssl); // a close_notify if the socket takes it; no waiting for the peer's
        SSL_free(m_ssl);
    }
    if (m_fd >= 0) {
        m_worker.m_loop.unwatch(m_fd);
        ::close(m_fd);
        m_worker.m_openConnections.fetch_sub(1, std::memory_order_relaxed);
    }
}

void ProxyClientConnection::onEvents(std::uint32_t events)
{
    if (m_tls && !m_ssl) {
        close(); // OpenSSL could not make the connection's state
        return;
    }
    if (events & EPOLLOUT) {
        flush();
        if (std::exchange(m_tlsWantsWrite, false) && m_phase != Phase::Closing) {
            readSome();
            return;
        }
    }
    if (m_phase == Phase::Closing)
        return;
    if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
        readSome();
}

void ProxyClientConnection::readSome()
{
    if (m_readingPaused)
        return;
    char buffer[ReadChunk];
    const ssize_t got = receive(buffer, sizeof buffer);
    if (got < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
            return;
        close();
        return;
    }
    if (got == 0) {
        // The client is gone (or only half-closed its side: either way it
        // sends nothing more; what is owed to it is not deliverable after a
        // full close, and a half-close is rare enough to treat alike).
        close();
        return;
    }
    m_in.append(buffer, got);
    process();
    // TLS may hold decrypted bytes the socket no longer signals.
    if (m_ssl && m_phase != Phase::Closing && !m_readingPaused && SSL_pending(m_ssl) > 0)
        readSome();
}

ssize_t ProxyClientConnection::receive(char *buffer, size_t size)
{
    if (!m_ssl)
        return ::read(m_fd, buffer, size);
    ERR_clear_error();
    const int got = SSL_read(m_ssl, buffer, int(size));
    if (got > 0)
        return got;
    switch (SSL_get_error(m_ssl, got)) {
    case SSL_ERROR_WANT_READ:
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_WANT_WRITE:
        m_tlsWantsWrite = true;
        updateEvents();
        errno = EAGAIN;
        return -1;
    case SSL_ERROR_ZERO_RETURN:
        return 0; // close_notify
    default:
        errno = ECONNRESET; // a failed handshake (no shared version, a bad record): nothing to answer
        return -1;
    }
}

void ProxyClientConnection::process()
{
    while (m_phase != Phase::Closing) {
        if (m_phase == Phase::Tunnel) {
            if (!m_in.isEmpty()) {
                sendUpstream(m_in.constData(), m_in.size());
                m_in.clear();
            }
            return;
        }
        if (m_phase == Phase::AwaitResponse || m_in.isEmpty())
            return;
        if (m_phase == Phase::Body && m_upstream && m_upstream->pendingOutput() > OutputHighWater) {
            m_readingPaused = true; // the upstream takes it slower than the client sends
            updateEvents();
            return;
        }
        const auto result = m_request.feed(m_in.constData(), size_t(m_in.size()));
        const auto consumed = qsizetype(result.consumed);
        if (m_phase == Phase::Head) {
            m_headBytes += consumed;
            if (result.stop == HttpMessageParser::Stop::Error) {
                respond(400, "Bad Request",
                        "The request is not HTTP/1.1: " + QByteArray(m_request.errorName()), true);
                return;
            }
            if (m_headBytes > m_worker.m_limits.headerBytes) {
                respond(431, "Request Header Fields Too Large", "The request's head is too large.", true);
                return;
            }
            m_in.remove(0, consumed);
            if (result.stop == HttpMessageParser::Stop::HeadComplete)
                startRequest();
            continue;
        }
        // Body: forwarded as it came, framing included.
        const qsizetype body = consumed - qsizetype(result.bodyFrom);
        m_bodyBytes += body;
        if (body > 0)
            sendUpstream(m_in.constData() + result.bodyFrom, body);
        m_in.remove(0, consumed);
        if (result.stop == HttpMessageParser::Stop::Error) {
            if (!m_responseStarted)
                respond(400, "Bad Request", "The request's body is malformed.", true);
            else
                close();
            return;
        }
        if (m_bodyBytes > m_worker.m_limits.bodyBytes) {
            if (!m_responseStarted)
                respond(413, "Content Too Large", "The request's body is too large.", true);
            else
                close();
            return;
        }
        if (result.stop == HttpMessageParser::Stop::MessageComplete) {
            m_requestComplete = true;
            m_phase = Phase::AwaitResponse;
        }
    }
}

void ProxyClientConnection::startRequest()
{
    m_state = m_worker.m_state();
    m_tried.clear();
    m_replay.resize(0);
    m_replayable = true;
    m_requestComplete = false;
    m_responseStarted = false;
    m_closeAfterResponse = !m_request.keepAlive() || m_worker.isDraining();
    m_bodyBytes = 0;
    m_recording = true;
    m_startedUs = monotonicUs();
    m_status = 0;
    m_sentBytes = 0;
    m_upstreamLabel.clear();

    // The host: Host, or an absolute-form request target.
    QByteArray url = m_request.url().toByteArray();
    QByteArray host = m_request.header("host").toByteArray();
    if (url.startsWith("http://") || url.startsWith("https://")) {
        const qsizetype start = url.indexOf("//") + 2;
        const qsizetype slash = url.indexOf('/', start);
        host = url.mid(start, slash < 0 ? -1 : slash - start);
        url = slash < 0 ? QByteArrayLiteral("/") : url.mid(slash);
    }
    if (host.isEmpty()) {
        respond(400, "Bad Request", "The request names no host.", true);
        return;
    }
    if (!url.startsWith('/')) {
        respond(400, "Bad Request", "The request's target is not a path.", true);
        return;
    }
    const qsizetype question = url.indexOf('?');
    m_logPath = question < 0 ? url : url.left(question);
    const QString path = QString::fromUtf8(m_logPath);
    const QByteArray query = question < 0 ? QByteArray() : url.mid(question);
    m_hostBytes = host;
    m_host = QString::fromUtf8(host);

    const bool hasBody = m_request.hasBody();
    // An answer without reading the body ends the connection: the body's
    // bytes would be taken for the next request.
    const bool closeAfterAnswer = hasBody || m_closeAfterResponse;
    if (!m_state) {
        respond(503, "Service Unavailable", "The proxy has no configuration yet.", closeAfterAnswer);
        return;
    }
    m_route = m_state->routes.match(m_host, path);
    if (m_route < 0) {
        respond(404, "Not Found", "No route for " + host + path.toUtf8() + '.', closeAfterAnswer);
        return;
    }
    const ProxyConfig::Route &route = m_state->config.routes.at(m_route);
    if (route.redirectToHttps && !m_tls) {
        const QByteArray location =
            "https://" +
            host.left(host.lastIndexOf(':') > host.lastIndexOf(']') ? host.lastIndexOf(':') : host.size()) +
            url;
        respond(308, "Permanent Redirect", "Moved to " + location + '.', closeAfterAnswer,
                "Location: " + location + "\r\n");
        return;
    }
    if (qint64(m_request.contentLength()) > m_worker.m_limits.bodyBytes) {
        respond(413, "Content Too Large", "The request's body is too large.", true);
        return;
    }
    m_path = RouteTable::upstreamPath(route, path).toUtf8() + query;
    if (!connectUpstream())
        return;
    m_phase = Phase::Body;
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.upstreamTimeoutMs;
    m_head.resize(0);
    appendUpstreamHead(m_head);
    sendUpstream(m_head.constData(), m_head.size());
}

bool ProxyClientConnection::connectUpstream()
{
    const ProxyConfig::Route &route = m_state->config.routes.at(m_route);
    while (m_tried.size() < MaxAttempts) {
        const ProxyState::Endpoint *endpoint = m_worker.pickEndpoint(*m_state, m_route, m_tried);
        if (!endpoint)
            break;
        m_tried << endpoint->label;
        ProxyUpstreamConnection *upstream = m_worker.takeIdle(endpoint->label);
        if (!upstream)
            upstream = ProxyUpstreamConnection::connectTo(m_worker, *endpoint);
        if (!upstream) {
            m_worker.markDown(endpoint->label);
            continue;
        }
        m_upstream = upstream;
        m_upstreamLabel = endpoint->label;
        m_upstream->attach(this, m_request.method() == "HEAD");
        return true;
    }
    const QString problem = m_state->problems.value(m_route);
    if (m_tried.isEmpty())
        respond(503, "Service Unavailable",
                "No endpoint of " +
                    (route.service.isEmpty() ? QByteArrayLiteral("the route") : route.service.toUtf8()) +
                    " is available" + (problem.isEmpty() ? QByteArray() : ": " + problem.toUtf8()) + '.',
                true);
    else
        respond(502, "Bad Gateway", "No upstream answered (" + m_tried.join(u", ").toUtf8() + ").", true);
    return false;
}

void ProxyClientConnection::appendUpstreamHead(QByteArray &out) const
{
    for (const QByteArrayView piece :
         {m_request.method(), QByteArrayView(" "), QByteArrayView(m_path), QByteArrayView(" HTTP/1.1\r\n")})
        appendBytes(out, piece);
    m_request.appendEndToEndHeaders(out);
    // The entry point of the swarm: what clients say of themselves in
    // X-Forwarded-* is not passed on, the proxy says it.
    for (const QByteArrayView piece :
         {QByteArrayView("X-Forwarded-For: "), QByteArrayView(m_peer),
          QByteArrayView(m_tls ? "\r\nX-Forwarded-Proto: https\r\n" : "\r\nX-Forwarded-Proto: http\r\n"),
          QByteArrayView("X-Forwarded-Host: "), QByteArrayView(m_hostBytes), QByteArrayView("\r\n")})
        appendBytes(out, piece);
    if (m_request.isUpgrade()) {
        appendBytes(out, "Connection: upgrade\r\nUpgrade: ");
        appendBytes(out, m_request.header("upgrade"));
        appendBytes(out, "\r\n\r\n");
    } else {
        appendBytes(out, "Connection: keep-alive\r\n\r\n");
    }
}

void ProxyClientConnection::sendUpstream(const char *data, qsizetype size)
{
    if (!m_upstream)
        return;
    if (m_replayable && m_phase != Phase::Tunnel) {
        if (m_replay.size() + size <= ReplayLimit)
            appendBytes(m_replay, QByteArrayView(data, size));
        else {
            m_replayable = false;
            m_replay.clear();
        }
    }
    m_upstream->send(data, size);
}

void ProxyClientConnection::upstreamActive()
{
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.upstreamTimeoutMs;
}

void ProxyClientConnection::onResponseHead(const HttpMessageParser &response)
{
    const int status = response.status();
    if (status >= 200 || status == 101)
        m_status = status;
    QByteArray &head = m_head;
    head.resize(0);
    char number[8];
    const int digits = std::snprintf(number, sizeof number, "%d ", status);
    appendBytes(head, "HTTP/1.1 ");
    appendBytes(head, QByteArrayView(number, digits));
    appendBytes(head, response.reason());
    appendBytes(head, "\r\n");
    response.appendEndToEndHeaders(head);
    if (status == 101) {
        appendBytes(head, "Connection: upgrade\r\nUpgrade: ");
        appendBytes(head, response.header("upgrade"));
        appendBytes(head, "\r\n");
    } else if (status >= 200) {
        // A response that ends with its connection ends this one too.
        if (!response.isFramed())
            m_closeAfterResponse = true;
        appendBytes(head, m_closeAfterResponse ? "Connection: close\r\n" : "Connection: keep-alive\r\n");
    }
    appendBytes(head, "\r\n");
    onResponseBytes(head.constData(), head.size());
}

void ProxyClientConnection::onResponseBytes(const char *data, qsizetype size)
{
    // Queued: the upstream flushes once per read (head and body in one send).
    m_responseStarted = true;
    upstreamActive();
    m_sentBytes += size;
    m_out.append(data, size);
    if (m_upstream && pendingOutput() > OutputHighWater)
        m_upstream->setReading(false); // the client takes it slower than the upstream sends
}

void ProxyClientConnection::flushResponse()
{
    flush();
}

void ProxyClientConnection::onUpgraded()
{
    record(101); // the tunnel's life is no request's duration
    m_phase = Phase::Tunnel;
    m_deadline = m_worker.m_loop.now() + m_worker.m_limits.idleTimeoutMs;
    flush();
    if (m_phase == Phase::Tunnel)
        process(); // what the client sent after its request already
}

void ProxyClientConnection::onResponseComplete(bool upstreamReusable)
{
    ProxyUpstreamConnection *upstream = std::exchange(m_upstream, nullptr);
    record(m_status);
    flush();
    if (m_phase == Phase::Closing) { // the client went
        if (upstream) {
            upstream->detach();
            upstream->close();
        }
        return;
    }
    if (upstream) {
        upstream->detach();
        // Reusable only if the whole request went out too.
        if (upstreamReusable && m_requestComplete)
            m_worker.keepIdle(upstream);
        else
            upstream->close();
    }
    if (!m_requestComplete || m_closeAfterResponse) {
        // A response before the whole request (an error, say): the rest of
        // the request would be read as the next one.
        m_phase = Phase::Closing;
        flush();
        return;
    }
    finishExchange();
}

void ProxyClientConnection::finishExchange()
{
    m_request.reset();
    m_headBytes = 0;
    m_state.reset();
    m_route = -1;
    m_replay.resize(0);
    m_phase = Phase::Head;
    m_deadline = m_worker.m_loop.now() +
                 (m_in.isEmpty() ? m_worker.m_limits.idleTimeoutMs : m_worker.m_limits.headerTimeoutMs);
    if (m_worker.isDraining() && m_in.isEmpty()) {
        close();
        return;
    }
    process(); // a pipelined next request
}

void ProxyClientConnection::onUpstreamFailed(const char *reason)
{
    ProxyUpstreamConnection *upstream = std::exchange(m_upstream, nullptr);
    const bool answered = m_responseStarted || (upstream && upstream->hasAnswered());
    const bool refused = upstream && upstream->isConnecting();
    if (upstream)
        m_worker.recordUpstreamError(upstream->endpoint());
    if (upstream) {
        if (refused)
            m_worker.markDown(upstream->endpoint());
        upstream->detach();
        upstream->close();
    }
    if (m_phase == Phase::Tunnel || answered) {
        close(); // the response is cut: the client must see that
        return;
    }
    // Nothing reached the client yet: another endpoint, if the request can
    // be sent again whole.
    if (m_replayable && m_tried.size() < MaxAttempts && m_phase != Phase::Closing) {
        const QByteArray replay = m_replay;
        if (connectUpstream()) {
            m_replay.clear();
            sendUpstream(replay.constData(), replay.size());
            return;
        }
        return; // connectUpstream answered 502/503
    }
    respond(502, "Bad Gateway", "The upstream failed: " + QByteArray(reason) + '.', true);
}

void ProxyClientConnection::drain()
{
    if (m_phase == Phase::Head && m_headBytes == 0 && m_in.isEmpty()) {
        close(); // between requests: nothing is lost
        return;
    }
    m_closeAfterResponse = true; // told so in the answer's head, if it is not written yet
}

void ProxyClientConnection::checkDeadline(qint64 now)
{
    if (m_phase == Phase::Closing)
        return;
    // An endpoint that takes no connection (a replica gone with its
    // address): another one, long before the answer's own deadline.
    if (m_upstream && m_upstream->isConnecting() && now >= m_upstream->deadline()) {
        onUpstreamFailed("no connection in time");
        return;
    }
    if (now < m_deadline)
        return;
    switch (m_phase) {
    case Phase::Head:
        if (m_headBytes > 0 || !m_in.isEmpty())
            respond(408, "Request Timeout", "The request's head did not come in time.", true);
        else
            close(); // an idle kept-alive connection
        break;
    case Phase::Body:
    case Phase::AwaitResponse:
        if (m_upstream && m_upstream->isConnecting()) {
            onUpstreamFailed("no connection in time");
            break;
        }
        if (!m_responseStarted)
            respond(504, "Gateway Timeout", "The upstream did not answer in time.", true);
        else
            close();
        break;
    case Phase::Tunnel:
        close();
        break;
    case Phase::Closing:
        break;
    }
}

void ProxyClientConnection::respond(int status, const QByteArray &reason, const QByteArray &body, bool close,
                                    const QByteArray &extraHeaders)
{
    if (m_upstream) {
        m_upstream->detach();
        m_upstream->close();
        m_upstream = nullptr;
    }
    const QByteArray text = body + '\n';
    QByteArray response =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
        "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " + QByteArray::number(text.size()) +
        "\r\n" + extraHeaders + (close ? "Connection: close\r\n\r\n" : "\r\n");
    if (m_request.method() != "HEAD")
        response += text;
    m_responseStarted = true;
    m_sentBytes += response.size();
    if (!m_recording) { // an answer before any routing: a request all the same
        m_recording = true;
        m_startedUs = monotonicUs();
        m_upstreamLabel.clear();
        m_host.clear();
        m_hostBytes.clear();
        m_logPath.clear();
    }
    record(status);
    write(response.constData(), response.size());
    if (close) {
        m_phase = Phase::Closing;
        ::shutdown(m_fd, SHUT_RD);
        flush();
        return;
    }
    // The request had no body: the connection serves the next one.
    m_requestComplete = true;
    // Its head's last byte is still to be fed; a bodyless request ends there.
    m_phase = Phase::Body;
    process();
    if (m_phase == Phase::AwaitResponse)
        finishExchange();
}

void ProxyClientConnection::write(const char *data, qsizetype size)
{
    m_out.append(data, size);
    flush();
}

void ProxyClientConnection::flush()
{
    const SocketOutput::Result result = m_out.writeTo(m_fd, m_ssl);
    if (result == SocketOutput::Result::Failed) {
        close();
        return;
    }
    if (result == SocketOutput::Result::Written && m_phase == Phase::Closing) {
        close();
        return;
    }
    if (m_upstream && pendingOutput() < OutputHighWater / 4)
        m_upstream->setReading(true);
    updateEvents();
}

void ProxyClientConnection::updateEvents()
{
    if (m_fd < 0)
        return;
    if (m_readingPaused && (!m_upstream || m_upstream->pendingOutput() < OutputHighWater / 4))
        m_readingPaused = false;
    std::uint32_t events = 0;
    if (!m_readingPaused && m_phase != Phase::Closing)
        events |= EPOLLIN | EPOLLRDHUP;
    if (!m_out.isEmpty() || m_tlsWantsWrite)
        events |= EPOLLOUT;
    if (events != m_events) {
        m_events = events;
        m_worker.m_loop.change(m_fd, events, this);
    }
}

void ProxyClientConnection::record(int status)
{
    if (!m_recording)
        return;
    m_recording = false;
    ProxyWorker::Exchange exchange;
    exchange.client = m_peer;
    exchange.host = m_host;
    exchange.path = m_logPath;
    if (m_state && m_route >= 0)
        exchange.route = m_state->labels.at(m_route);
    exchange.upstream = m_upstreamLabel;
    exchange.status = status;
    exchange.bytes = m_sentBytes;
    exchange.durationUs = monotonicUs() - m_startedUs;
    m_worker.recordExchange(exchange);
}

void ProxyClientConnection::close()
{
    // Left before its answer was whole: nginx's 499, or the status already sent.
    record(m_status != 0 ? m_status : 499);
    if (m_upstream) {
        m_upstream->detach();
        m_upstream->close();
        m_upstream = nullptr;
    }
    m_phase = Phase::Closing;
    m_worker.closeClient(this);
}

} // namespace cape
