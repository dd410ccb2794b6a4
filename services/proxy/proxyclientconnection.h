#pragma once

#include "epollloop.h"
#include "httpmessageparser.h"
#include "proxystate.h"
#include "socketoutput.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <memory>

namespace cape {

class ProxyUpstreamConnection;
class ProxyWorker;

// One client of cape-proxyd: reads a request's head, routes it, sends it on
// to an upstream (another endpoint if the first refuses or drops it before
// answering), forwards the body and the response as they come, and keeps
// the connection for the next request when both sides allow. Bad requests
// get their status (400, 404, 408, 413, 431, 502, 503, 504), never a hang.
class ProxyClientConnection : public EpollLoop::Watcher
{
public:
    // tls: the certificates to speak TLS with (nullptr: plain HTTP).
    ProxyClientConnection(ProxyWorker &worker, int fd, QByteArray peer,
                          std::shared_ptr<const TlsContexts> tls);
    ~ProxyClientConnection() override;

    void onEvents(std::uint32_t events) override;
    void checkDeadline(qint64 now);
    // The proxy is stopping: closed now if idle, else after its answer.
    void drain();

    // From its upstream connection.
    void onResponseHead(const HttpMessageParser &response);
    void onResponseBytes(const char *data, qsizetype size); // queued until flushResponse()
    void flushResponse();
    void onResponseComplete(bool upstreamReusable);
    void onUpstreamFailed(const char *reason);
    void onUpgraded();
    qsizetype pendingOutput() const { return m_out.pending(); }
    void upstreamActive();

private:
    enum class Phase { Head, Body, AwaitResponse, Tunnel, Closing };

    void readSome();
    // read(2), or SSL_read: bytes, 0 at the end, -1 with errno (EAGAIN: later).
    ssize_t receive(char *buffer, size_t size);
    void process();
    void startRequest();
    bool connectUpstream();
    void sendUpstream(const char *data, qsizetype size);
    void respond(int status, const QByteArray &reason, const QByteArray &body, bool close,
                 const QByteArray &extraHeaders = {});
    void finishExchange();
    void write(const char *data, qsizetype size);
    void flush();
    void updateEvents();
    void close();
    void appendUpstreamHead(QByteArray &out) const;
    // The exchange in progress, to the worker's log and counters (once).
    void record(int status);

    ProxyWorker &m_worker;
    int m_fd;
    QByteArray m_peer; // the client's address, for X-Forwarded-For
    bool m_tls;
    std::shared_ptr<const TlsContexts> m_tlsContexts; // kept: its SNI callback runs during the handshake
    SSL *m_ssl = nullptr;
    bool m_tlsWantsWrite = false; // a TLS read that must write first (the handshake)
    Phase m_phase = Phase::Head;
    QByteArray m_in;
    QByteArray m_head; // a head being written, its memory kept from request to request
    SocketOutput m_out;
    HttpMessageParser m_request{HttpMessageParser::Kind::Request};
    qsizetype m_headBytes = 0;
    qint64 m_deadline = 0;
    bool m_readingPaused = false;
    std::uint32_t m_events = 0;

    // The exchange in progress.
    std::shared_ptr<const ProxyState> m_state;
    int m_route = -1;
    QString m_host;
    QByteArray m_hostBytes; // as the client sent it, for X-Forwarded-Host
    QByteArray m_path;      // as the upstream sees it, with the query
    ProxyUpstreamConnection *m_upstream = nullptr;
    QList<QString> m_tried;
    QByteArray m_replay; // what was sent upstream, while small enough to send again elsewhere
    bool m_replayable = true;
    bool m_requestComplete = false;
    bool m_responseStarted = false;
    bool m_closeAfterResponse = false;
    qint64 m_bodyBytes = 0;
    // For the access log and /metrics.
    bool m_recording = false;
    qint64 m_startedUs = 0;
    int m_status = 0;
    qint64 m_sentBytes = 0;
    QByteArray m_logPath;
    QString m_upstreamLabel;
};

} // namespace cape
