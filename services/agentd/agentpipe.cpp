#include "agentpipe.h"

#include "services/agent/agentpolicy.h"

#include <QLocalSocket>
#include <QTcpSocket>

namespace cape {

namespace {
constexpr int ConnectTimeoutMs = 5000;

// The response's head without the Connection header the far side put there
// because we asked it to close: the client's connection lives on.
QByteArray keptAlive(const QByteArray &head)
{
    QList<QByteArray> lines;
    for (QByteArray line : head.split('\n')) {
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.toLower().startsWith("connection:") && !line.toLower().contains("upgrade"))
            continue;
        lines << line;
    }
    return lines.join("\r\n");
}
} // namespace

// The head to send on: hop-by-hop and Cape's own headers dropped, `extra`
// added, Connection: close so that the far side ends the response by
// closing (an upgrade keeps Connection: Upgrade).
QByteArray AgentPipe::forwardHead(const HttpRequest &request,
                                  const QList<QPair<QByteArray, QByteArray>> &extra)
{
    static const QList<QByteArray> dropped{"host",
                                           "connection",
                                           "keep-alive",
                                           "proxy-connection",
                                           "te",
                                           "transfer-encoding",
                                           "upgrade",
                                           "content-length",
                                           QByteArray(AgentPolicy::NodeHeader).toLower(),
                                           QByteArray(AgentPolicy::TokenHeader).toLower()};
    QByteArray head = request.method + ' ' + request.target + " HTTP/1.1\r\n";
    for (const auto &[key, value] : request.headers) {
        if (!dropped.contains(key.toLower()))
            head += key + ": " + value + "\r\n";
    }
    for (const auto &[key, value] : extra)
        head += key + ": " + value + "\r\n";
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT")
        head += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    head += request.upgrade ? "Connection: Upgrade\r\nUpgrade: tcp\r\n\r\n" : "Connection: close\r\n\r\n";
    return head;
}

AgentPipe::AgentPipe(const Target &target, HttpRequest request, QIODevice *client, QObject *parent)
    : QObject(parent)
    , m_target(target)
    , m_request(std::move(request))
    , m_client(client)
{
    m_connectTimer.setSingleShot(true);
    connect(&m_connectTimer, &QTimer::timeout, this,
            [this] { fail(QStringLiteral("no connection within %1 ms").arg(ConnectTimeoutMs)); });
}

void AgentPipe::start()
{
    QList<QPair<QByteArray, QByteArray>> extra{
        {"Host", m_target.socketPath.isEmpty() ? m_target.host.toLatin1() : "docker"}};
    if (!m_target.socketPath.isEmpty()) {
        auto *socket = new QLocalSocket(this);
        m_upstream = socket;
        connect(socket, &QLocalSocket::connected, this, [this, extra] { sendRequest(extra); });
        connect(socket, &QLocalSocket::errorOccurred, this,
                [this, socket](QLocalSocket::LocalSocketError error) {
                    if (error != QLocalSocket::PeerClosedError)
                        fail(QStringLiteral("the engine's socket %1: %2")
                                 .arg(m_target.socketPath, socket->errorString()));
                });
        connect(socket, &QLocalSocket::disconnected, this, &AgentPipe::onUpstreamClosed);
        connect(socket, &QIODevice::readyRead, this, &AgentPipe::onUpstreamBytes);
        m_connectTimer.start(ConnectTimeoutMs);
        socket->connectToServer(m_target.socketPath);
        return;
    }
    // Another node's agent serves its own node: the node header goes on, with the token.
    extra.append({AgentPolicy::NodeHeader, m_target.node.toUtf8()});
    extra.append({AgentPolicy::TokenHeader, m_target.token});
    auto *socket = new QTcpSocket(this);
    m_upstream = socket;
    connect(socket, &QTcpSocket::connected, this, [this, extra] { sendRequest(extra); });
    connect(socket, &QTcpSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError error) {
        if (error != QAbstractSocket::RemoteHostClosedError)
            fail(QStringLiteral("the agent of node %1 at %2: %3")
                     .arg(m_target.nodeName, m_target.host, socket->errorString()));
    });
    connect(socket, &QTcpSocket::disconnected, this, &AgentPipe::onUpstreamClosed);
    connect(socket, &QIODevice::readyRead, this, &AgentPipe::onUpstreamBytes);
    m_connectTimer.start(ConnectTimeoutMs);
    socket->connectToHost(m_target.host, m_target.port);
}

void AgentPipe::writeToUpstream(const QByteArray &bytes)
{
    if (m_done)
        return;
    if (m_sent)
        m_upstream->write(bytes);
    else
        m_input += bytes; // after the request, once connected
}

void AgentPipe::sendRequest(const QList<QPair<QByteArray, QByteArray>> &extra)
{
    m_connectTimer.stop();
    m_upstream->write(forwardHead(m_request, extra) + m_request.body + std::exchange(m_input, {}));
    m_sent = true;
}

void AgentPipe::onUpstreamBytes()
{
    QByteArray bytes = m_upstream->readAll();
    if (!m_client || m_done)
        return;
    if (!m_headSent) {
        m_head += bytes;
        const qsizetype end = m_head.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_head.size() > 64 * 1024)
                fail(QStringLiteral("the response's head is too large"));
            return;
        }
        const QByteArray head = m_head.left(end);
        bytes = m_head.mid(end + 4);
        m_head.clear();
        m_headSent = true;
        m_upgraded = head.startsWith("HTTP/1.1 101") || head.startsWith("HTTP/1.0 101");
        m_client->write(keptAlive(head) + "\r\n\r\n");
    }
    if (!bytes.isEmpty())
        m_client->write(bytes);
}

void AgentPipe::onUpstreamClosed()
{
    if (m_done)
        return;
    if (m_upstream->bytesAvailable() > 0)
        onUpstreamBytes();
    if (!m_headSent) {
        fail(QStringLiteral("the far side closed before answering"));
        return;
    }
    m_done = true;
    emit finished(m_upgraded ? Outcome::Broken : Outcome::Done, {});
}

void AgentPipe::fail(const QString &why)
{
    if (m_done)
        return;
    m_done = true;
    m_connectTimer.stop();
    if (m_upstream)
        m_upstream->disconnect(this);
    // Said to the client only while nothing of a response has gone to it.
    emit finished(m_headSent ? Outcome::Broken : Outcome::Refused, why);
}

} // namespace cape
