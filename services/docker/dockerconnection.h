#pragma once

#include "dockerendpoint.h"
#include "httpresponseparser.h"

#include <QObject>
#include <QPointer>
#include <QSslConfiguration>
#include <QTimer>

class QIODevice;
class QLocalSocket;
class QAbstractSocket;

namespace cape {

class DockerExchange;
struct DockerError;

// One HTTP/1.1 connection to an engine over a unix socket, TCP, TLS, the
// stdin and stdout of an ssh client running `docker system dial-stdio`, or
// a tunnel's channel (a node's engine through cape-agent).
// Carries one exchange at a time and is kept alive between them. Every
// wait is bounded: connecting, and the response (no progress for
// responseTimeoutMs); a stream's silence after its headers is the stream's
// own business (DockerStream::setIdleTimeout).
class DockerConnection : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        DockerEndpoint endpoint;
        QSslConfiguration ssl; // used when endpoint.tls
        int connectTimeoutMs = 5000;
        int responseTimeoutMs = 60000;
        QList<QPair<QByteArray, QByteArray>> headers; // with every request
    };

    DockerConnection(const Settings &settings, QObject *parent = nullptr);
    ~DockerConnection() override;

    void execute(DockerExchange *exchange, const QString &apiVersion);

    bool isIdle() const { return m_state == State::Idle; }
    bool isClosed() const { return m_state == State::Closed; }
    bool hasServed() const { return m_served > 0; }

    // The exchange is gone or aborted: the connection cannot be reused.
    void abandon(DockerExchange *exchange);
    void close();
    // After a 101 (exec start): bytes for the exchange's new protocol. False
    // when the connection is not upgraded (or already gone).
    bool writeRaw(const QByteArray &data);

signals:
    void released(cape::DockerConnection *connection); // idle again, kept alive
    void closed(cape::DockerConnection *connection);   // unusable from now on
    // A kept-alive connection was closed by the engine before any byte of
    // the response: the pool may send the exchange again on a fresh one.
    void stale(cape::DockerConnection *connection, cape::DockerExchange *exchange);

private:
    // Raw: upgraded (101); the connection is the exchange's byte stream until it closes.
    enum class State { Disconnected, Connecting, Idle, Busy, Raw, Closed };

    void connectSocket();
    void connectSsh();
    void connectTunnel();
    QString localSocketMessage(int error, const QLocalSocket *socket) const;
    void onConnected();
    void sendRequest();
    void pumpBody();
    void onReadyRead();
    void onSocketError(int kind, const QString &message);
    void onDisconnected();
    void onTimeout();
    void restartResponseTimer();
    void failExchange(const DockerError &error);
    void shutDown();
    void releaseDevice();
    QByteArray hostHeader() const;

    Settings m_settings;
    State m_state = State::Disconnected;
    QIODevice *m_device = nullptr;
    QPointer<DockerExchange> m_exchange;
    QString m_apiVersion;
    HttpResponseParser m_parser;
    QTimer m_timer;
    QStringList m_sslErrors;
    int m_responseTimeoutMs = 0; // of the exchange in flight; 0: none
    qint64 m_bodyRemaining = 0;
    bool m_headersSeen = false;
    bool m_switching = false; // the answer is a 101: the next bytes either way are the new protocol's
    int m_served = 0;
    QByteArray m_sshStderr; // ssh: its own last words
};

} // namespace cape
