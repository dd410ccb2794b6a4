#include "dockerconnection.h"

#include "dockerchannel.h"
#include "dockerexchange.h"
#include "dockertunnel.h"
#include "sshcommand.h"
#include "sshfailure.h"
#include "sshmasters.h"

#include <QLocalSocket>
#include <QLoggingCategory>
#include <QProcess>
#include <QSslSocket>
#include <QTcpSocket>

Q_LOGGING_CATEGORY(lcDockerConnection, "cape.docker.connection", QtWarningMsg)

namespace cape {

namespace {
constexpr qint64 UploadChunk = 64 * 1024;
constexpr qint64 UploadHighWater = 4 * UploadChunk;
} // namespace

DockerConnection::DockerConnection(const Settings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_parser(HttpResponseParser::Callbacks{
          .onHeaders =
              [this](int status, const HttpResponseParser::Headers &headers) {
                  m_headersSeen = true;
                  m_switching = status == 101;
                  if (m_exchange)
                      m_exchange->receiveHeaders(status, headers);
              },
          .onBody =
              [this](const char *data, qsizetype size) {
                  if (m_exchange)
                      m_exchange->receiveBody(QByteArray(data, size));
              },
          .onComplete = {},
      })
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &DockerConnection::onTimeout);
    if (m_settings.endpoint.transport == DockerEndpoint::Transport::Tunnel && m_settings.endpoint.tunnel)
        m_settings.headers += m_settings.endpoint.tunnel->headers();
}

DockerConnection::~DockerConnection()
{
    if (m_device) {
        m_device->disconnect(this);
        releaseDevice();
    }
}

// Closes the socket now; an ssh client is killed and let go, deleted once
// reaped (never waited for: this may be the GUI thread).
void DockerConnection::releaseDevice()
{
    QIODevice *device = std::exchange(m_device, nullptr);
    if (auto *local = qobject_cast<QLocalSocket *>(device))
        local->abort();
    else if (auto *socket = qobject_cast<QAbstractSocket *>(device))
        socket->abort();
    else if (auto *process = qobject_cast<QProcess *>(device);
             process && process->state() != QProcess::NotRunning) {
        process->kill();
        process->setParent(nullptr);
        connect(process, &QProcess::finished, process, &QObject::deleteLater);
        return;
    }
    device->deleteLater();
}

QByteArray DockerConnection::hostHeader() const
{
    const DockerEndpoint &e = m_settings.endpoint;
    if (e.transport != DockerEndpoint::Transport::Tcp)
        return "docker"; // what the docker CLI sends over a unix socket or dial-stdio
    return e.host.toLatin1() + ':' + QByteArray::number(e.port);
}

void DockerConnection::execute(DockerExchange *exchange, const QString &apiVersion)
{
    Q_ASSERT(m_state == State::Disconnected || m_state == State::Idle);
    m_exchange = exchange;
    m_apiVersion = apiVersion;
    exchange->attach(this);
    if (m_state == State::Idle) {
        sendRequest();
        return;
    }
    connectSocket();
}

// Qt's words for a Unix socket's errors name its own call ("QLocalSocket::
// connectToServer: Invalid name" for a path where no socket is): say what
// it means for a Docker socket instead.
QString DockerConnection::localSocketMessage(int error, const QLocalSocket *socket) const
{
    const QString path = m_settings.endpoint.socketPath;
    switch (QLocalSocket::LocalSocketError(error)) {
    case QLocalSocket::ServerNotFoundError:
        return QStringLiteral("no socket at %1 (is Docker running, and is the path right?)").arg(path);
    case QLocalSocket::ConnectionRefusedError:
        return QStringLiteral("nothing accepts connections on %1 (is the Docker daemon running?)").arg(path);
    case QLocalSocket::SocketAccessError:
        return QStringLiteral("permission denied on %1 (is your user in the docker group?)").arg(path);
    default:
        return socket->errorString();
    }
}

void DockerConnection::connectSocket()
{
    m_state = State::Connecting;
    m_timer.start(m_settings.connectTimeoutMs);
    const DockerEndpoint &endpoint = m_settings.endpoint;
    if (endpoint.transport == DockerEndpoint::Transport::Unix) {
        auto *socket = new QLocalSocket(this);
        m_device = socket;
        connect(socket, &QLocalSocket::connected, this, &DockerConnection::onConnected);
        connect(socket, &QLocalSocket::errorOccurred, this,
                [this, socket](QLocalSocket::LocalSocketError error) {
                    if (error == QLocalSocket::PeerClosedError)
                        onDisconnected();
                    else
                        onSocketError(int(DockerError::Kind::Connection), localSocketMessage(error, socket));
                });
        connect(socket, &QLocalSocket::disconnected, this, &DockerConnection::onDisconnected);
        connect(socket, &QLocalSocket::readyRead, this, &DockerConnection::onReadyRead);
        connect(socket, &QLocalSocket::bytesWritten, this, &DockerConnection::pumpBody);
        socket->connectToServer(endpoint.socketPath);
        return;
    }

    if (endpoint.transport == DockerEndpoint::Transport::Ssh) {
        connectSsh();
        return;
    }
    if (endpoint.transport == DockerEndpoint::Transport::Tunnel) {
        connectTunnel();
        return;
    }

    QTcpSocket *socket = nullptr;
    if (endpoint.tls) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_settings.ssl);
        connect(ssl, &QSslSocket::encrypted, this, &DockerConnection::onConnected);
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &errors) {
            for (const QSslError &error : errors)
                m_sslErrors.append(error.errorString());
        });
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
        connect(socket, &QTcpSocket::connected, this, &DockerConnection::onConnected);
    }
    m_device = socket;
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    connect(
        socket, &QAbstractSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
            if (error == QAbstractSocket::RemoteHostClosedError && m_state != State::Connecting &&
                m_sslErrors.isEmpty()) {
                onDisconnected();
                return;
            }
            const bool tlsError = error == QAbstractSocket::SslHandshakeFailedError ||
                                  error == QAbstractSocket::SslInternalError ||
                                  error == QAbstractSocket::SslInvalidUserDataError ||
                                  !m_sslErrors.isEmpty() ||
                                  (m_settings.endpoint.tls && !m_headersSeen &&
                                   error == QAbstractSocket::RemoteHostClosedError);
            QString message = socket->errorString();
            if (!m_sslErrors.isEmpty())
                message += QStringLiteral(" (") + m_sslErrors.join(QStringLiteral("; ")) + QLatin1Char(')');
            onSocketError(int(tlsError ? DockerError::Kind::Tls : DockerError::Kind::Connection), message);
        });
    connect(socket, &QAbstractSocket::disconnected, this, &DockerConnection::onDisconnected);
    connect(socket, &QIODevice::readyRead, this, &DockerConnection::onReadyRead);
    connect(socket, &QIODevice::bytesWritten, this, &DockerConnection::pumpBody);
    if (auto *ssl = qobject_cast<QSslSocket *>(socket))
        ssl->connectToHostEncrypted(endpoint.host, endpoint.port);
    else
        socket->connectToHost(endpoint.host, endpoint.port);
}

// ssh://: the OpenSSH client is the socket. It runs `docker system
// dial-stdio` on the host, whose stdin and stdout are the engine's socket;
// its stderr says what went wrong when it ends before the engine answered.
void DockerConnection::connectSsh()
{
    SshMasters::noteUsed(m_settings.endpoint);
    auto *process = new QProcess(this);
    m_device = process;
    process->setProgram(SshCommand::program());
    process->setArguments(SshCommand::arguments(
        m_settings.endpoint, SshCommand::controlDirectory(),
        {QStringLiteral("docker"), QStringLiteral("system"), QStringLiteral("dial-stdio")}));
    process->setReadChannel(QProcess::StandardOutput);
    connect(process, &QProcess::started, this, &DockerConnection::onConnected);
    connect(process, &QProcess::readyReadStandardOutput, this, &DockerConnection::onReadyRead);
    connect(process, &QProcess::readyReadStandardError, this, [this, process] {
        m_sshStderr += process->readAllStandardError();
        m_sshStderr = m_sshStderr.right(4096); // the last words are the ones that matter
    });
    connect(process, &QIODevice::bytesWritten, this, &DockerConnection::pumpBody);
    connect(process, &QProcess::errorOccurred, this, [this, process](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            onSocketError(int(DockerError::Kind::Ssh),
                          SshFailure::noClient(process->errorString()).toString());
    });
    connect(process, &QProcess::finished, this, [this, process](int exitCode) {
        m_sshStderr += process->readAllStandardError();
        // What reached stdout before the end (a response's last bytes).
        if (process->bytesAvailable() > 0)
            onReadyRead();
        // ssh failed (not the engine closing): say so in ssh's words, also
        // mid-stream (sshd stopped, the network gone).
        if (m_state == State::Busy && m_exchange && exitCode != 0) {
            DockerError error;
            error.kind = DockerError::Kind::Ssh;
            error.message = SshFailure::classify(m_sshStderr, exitCode, m_settings.endpoint.host).toString();
            failExchange(error);
            return;
        }
        onDisconnected();
    });
    process->start();
}

// A tunnel (a node's engine through cape-agent): its channel is the socket,
// and says itself why it could not open or why it ended.
void DockerConnection::connectTunnel()
{
    if (!m_settings.endpoint.tunnel) {
        QTimer::singleShot(0, this, [this] {
            onSocketError(int(DockerError::Kind::Connection),
                          QStringLiteral("an endpoint without its tunnel"));
        });
        return;
    }
    DockerChannel *channel = m_settings.endpoint.tunnel->open();
    channel->setParent(this);
    m_device = channel;
    connect(channel, &DockerChannel::opened, this, &DockerConnection::onConnected);
    connect(channel, &QIODevice::readyRead, this, &DockerConnection::onReadyRead);
    connect(channel, &DockerChannel::failed, this,
            [this](const DockerError &error) { onSocketError(int(error.kind), error.message); });
    connect(channel, &DockerChannel::ended, this, &DockerConnection::onDisconnected);
}

void DockerConnection::onConnected()
{
    if (m_state != State::Connecting)
        return;
    sendRequest();
}

void DockerConnection::sendRequest()
{
    if (!m_exchange) {
        // Aborted while connecting: stay usable for the next one.
        m_state = State::Idle;
        m_timer.stop();
        emit released(this);
        return;
    }
    m_state = State::Busy;
    m_headersSeen = false;
    m_switching = false;
    const DockerRequest &request = m_exchange->request();
    m_responseTimeoutMs = request.timeoutMs >= 0 ? request.timeoutMs : m_settings.responseTimeoutMs;
    m_parser.reset(request.method == "HEAD");
    m_device->write(request.serializeHead(m_apiVersion, hostHeader(), m_settings.headers));
    if (request.bodyDevice) {
        m_bodyRemaining = request.bodyDeviceSize;
        pumpBody();
    } else if (!request.body.isEmpty()) {
        m_device->write(request.body);
    }
    restartResponseTimer();
}

void DockerConnection::restartResponseTimer()
{
    if (m_responseTimeoutMs > 0)
        m_timer.start(m_responseTimeoutMs);
    else
        m_timer.stop(); // including what is left of the connect timeout
}

void DockerConnection::pumpBody()
{
    if (m_state != State::Busy || !m_exchange || m_bodyRemaining <= 0)
        return;
    QIODevice *source = m_exchange->request().bodyDevice.get();
    while (m_bodyRemaining > 0 && m_device->bytesToWrite() < UploadHighWater) {
        const QByteArray chunk = source->read(qMin(UploadChunk, m_bodyRemaining));
        if (chunk.isEmpty()) {
            DockerError error;
            error.kind = DockerError::Kind::Protocol;
            error.message = QStringLiteral("the upload source ended %1 bytes early").arg(m_bodyRemaining);
            failExchange(error);
            return;
        }
        m_bodyRemaining -= chunk.size();
        m_device->write(chunk);
    }
    restartResponseTimer(); // uploading is progress
}

void DockerConnection::onReadyRead()
{
    const QByteArray data = m_device->readAll();
    if (m_state == State::Raw) {
        if (m_exchange)
            m_exchange->receiveBody(data);
        return;
    }
    if (m_state != State::Busy) {
        // Bytes that answer no request: the connection is out of step.
        if (!data.isEmpty())
            qCWarning(lcDockerConnection) << "unsolicited bytes from" << m_settings.endpoint.toString();
        shutDown();
        return;
    }
    const bool stream = m_exchange && m_exchange->request().stream;
    if (!stream || !m_headersSeen)
        restartResponseTimer();
    if (!m_parser.feed(data)) {
        DockerError error;
        error.kind = DockerError::Kind::Protocol;
        error.message = m_parser.error();
        failExchange(error);
        return;
    }
    if (m_state != State::Busy)
        return; // the exchange was abandoned from a callback
    if (m_parser.isUpgraded()) {
        // Exec start's 101: from here on, the exec's own stream.
        m_state = State::Raw;
        m_timer.stop();
        if (const QByteArray rest = m_parser.takeUpgradeData(); !rest.isEmpty() && m_exchange)
            m_exchange->receiveBody(rest);
        return;
    }
    if (stream && m_headersSeen)
        m_timer.stop();
    if (!m_parser.isComplete())
        return;

    m_timer.stop();
    ++m_served;
    const QPointer<DockerExchange> exchange = m_exchange;
    m_exchange = nullptr;
    m_state = m_parser.keepAlive() ? State::Idle : State::Closed;
    if (exchange)
        exchange->receiveComplete();
    if (m_state == State::Idle)
        emit released(this);
    else if (m_state == State::Closed)
        shutDown();
}

void DockerConnection::onSocketError(int kind, const QString &message)
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Idle || m_state == State::Disconnected) {
        shutDown();
        return;
    }
    DockerError error;
    error.kind = DockerError::Kind(kind);
    error.message =
        m_state == State::Connecting
            ? QStringLiteral("cannot connect to %1: %2").arg(m_settings.endpoint.toString(), message)
            : message;
    failExchange(error);
}

void DockerConnection::onDisconnected()
{
    if (m_state == State::Closed)
        return;
    if (m_state == State::Raw) {
        // The exec's stream ended (its process exited, or the engine went).
        const QPointer<DockerExchange> exchange = m_exchange;
        m_exchange = nullptr;
        shutDown();
        if (exchange)
            exchange->receiveComplete();
        return;
    }
    if (m_state != State::Busy) {
        if (m_state == State::Connecting)
            onSocketError(int(DockerError::Kind::Connection),
                          QStringLiteral("connection closed by the engine"));
        else
            shutDown();
        return;
    }
    // Pick up what arrived with the close, then judge the response.
    if (m_device->bytesAvailable() > 0) {
        onReadyRead();
        if (m_state != State::Busy)
            return;
    }
    if (m_parser.finish() && m_parser.isComplete()) {
        m_state = State::Closed;
        const QPointer<DockerExchange> exchange = m_exchange;
        m_exchange = nullptr;
        if (exchange)
            exchange->receiveComplete();
        shutDown();
        return;
    }
    if (!m_parser.hasStarted() && m_served > 0 && m_exchange && m_exchange->request().isRetryable()) {
        // The engine closed a kept-alive connection as we reused it.
        m_state = State::Closed;
        DockerExchange *exchange = m_exchange;
        m_exchange = nullptr;
        exchange->attach(nullptr);
        emit stale(this, exchange);
        shutDown();
        return;
    }
    DockerError error;
    error.kind = m_settings.endpoint.tls && !m_headersSeen && m_served == 0 ? DockerError::Kind::Tls
                                                                            : DockerError::Kind::Connection;
    error.message = m_parser.error();
    if (error.kind == DockerError::Kind::Tls)
        error.message += QStringLiteral(" (the engine may have rejected the TLS client certificate)");
    failExchange(error);
}

void DockerConnection::onTimeout()
{
    DockerError error;
    error.kind = DockerError::Kind::Timeout;
    if (m_state == State::Connecting) {
        error.message = QStringLiteral("no connection to %1 within %2 ms")
                            .arg(m_settings.endpoint.toString())
                            .arg(m_settings.connectTimeoutMs);
    } else if (m_state == State::Busy) {
        error.message = m_headersSeen
                            ? QStringLiteral("the response stalled for %1 ms").arg(m_responseTimeoutMs)
                            : QStringLiteral("no response within %1 ms").arg(m_responseTimeoutMs);
    } else {
        return;
    }
    failExchange(error);
}

void DockerConnection::failExchange(const DockerError &error)
{
    const QPointer<DockerExchange> exchange = m_exchange;
    m_exchange = nullptr;
    shutDown();
    if (exchange)
        exchange->fail(error);
}

void DockerConnection::abandon(DockerExchange *exchange)
{
    if (exchange != m_exchange || !exchange)
        return;
    m_exchange = nullptr;
    if (m_state == State::Connecting)
        return; // finish connecting; sendRequest() then releases us
    shutDown();
}

void DockerConnection::close()
{
    shutDown();
}

bool DockerConnection::writeRaw(const QByteArray &data)
{
    // From the 101 on, also while its headers are still being handed out
    // (the exchange's upgraded() may answer at once).
    if ((m_state != State::Raw && !(m_state == State::Busy && m_switching)) || !m_device)
        return false;
    m_device->write(data);
    return true;
}

void DockerConnection::shutDown()
{
    if (m_state == State::Closed && !m_device)
        return;
    m_state = State::Closed;
    m_timer.stop();
    if (m_device) {
        m_device->disconnect(this);
        releaseDevice(); // an ssh session ends; the master stays for the others
    }
    emit closed(this);
}

} // namespace cape
