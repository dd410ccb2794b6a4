#pragma once

#include "epollloop.h"
#include "httpmessageparser.h"
#include "proxystate.h"
#include "socketoutput.h"

#include <QByteArray>
#include <QString>

namespace cape {

class ProxyClientConnection;
class ProxyWorker;

// One connection from cape-proxyd to an upstream endpoint: connects without
// blocking, sends what the client connection gives it, and hands the
// response back byte for byte, noting where it ends (so that the
// connection can serve the next request from the pool).
class ProxyUpstreamConnection : public EpollLoop::Watcher
{
public:
    // Connecting starts at once; false (and nothing to clean) if the socket
    // could not even be made.
    static ProxyUpstreamConnection *connectTo(ProxyWorker &worker, const ProxyState::Endpoint &endpoint);
    ~ProxyUpstreamConnection() override;

    void attach(ProxyClientConnection *client, bool headRequest);
    void detach() { m_client = nullptr; }
    void send(const char *data, qsizetype size);
    // The connection ends here (not back into the pool).
    void close();
    // Reading paused while the client has not taken what was read.
    void setReading(bool reading);
    void startTunnel() { m_tunnel = true; }

    const QString &endpoint() const { return m_endpoint; }
    bool isConnecting() const { return m_connecting; }
    bool isIdle() const { return m_client == nullptr; }
    qint64 deadline() const { return m_deadline; }
    // Bytes of a response have come (a retry elsewhere is too late).
    bool hasAnswered() const { return m_answered; }
    qsizetype pendingOutput() const { return m_out.pending(); }
    void onEvents(std::uint32_t events) override;

private:
    ProxyUpstreamConnection(ProxyWorker &worker, int fd, const QString &endpoint);
    void watch();
    void flush();
    void readSome();
    void fail(const char *reason);

    ProxyWorker &m_worker;
    int m_fd;
    QString m_endpoint;
    ProxyClientConnection *m_client = nullptr;
    bool m_connecting = true;
    bool m_reading = true;
    bool m_tunnel = false;
    bool m_answered = false;
    bool m_closed = false;
    SocketOutput m_out;
    HttpMessageParser m_response{HttpMessageParser::Kind::Response};
    qint64 m_deadline = 0;
    std::uint32_t m_events = 0;
};

} // namespace cape
