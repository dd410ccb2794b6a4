#include "agentsession.h"

#include "peerdirectory.h"

#include "services/agent/agentpolicy.h"
#include "services/core/secretcompare.h"
#include "services/docker/dockerclient.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cape {

AgentSession::AgentSession(QIODevice *client, bool trusted, const AgentContext &context, QObject *parent)
    : QObject(parent)
    , m_client(client)
    , m_trusted(trusted)
    , m_context(context)
{
    connect(client, &QIODevice::readyRead, this, &AgentSession::onClientBytes);
    connect(client, &QIODevice::aboutToClose, this, &AgentSession::close);
    onClientBytes();
}

void AgentSession::onClientBytes()
{
    if (!m_client)
        return;
    const QByteArray bytes = m_client->readAll();
    if (m_pipe && m_pipe->isUpgraded()) {
        m_pipe->writeToUpstream(bytes); // an exec's input
        return;
    }
    if (!m_reader.feed(bytes)) {
        problem(400, "Bad Request", m_reader.error());
        close();
        return;
    }
    handleNext();
}

void AgentSession::handleNext()
{
    if (m_busy || m_closing)
        return;
    if (std::optional<HttpRequest> request = m_reader.next()) {
        m_busy = true;
        handle(*request);
    }
}

void AgentSession::handle(const HttpRequest &request)
{
    // "Connection: close" (another agent forwarding): the end of the
    // response is the end of the connection, as the far side expects.
    m_closeAfter = request.header("Connection").toLower().contains("close");
    // Between agents, every request carries the install's token: nothing
    // is forwarded, nor asked of the engine, without it.
    if (!m_trusted && !secretsEqual(request.header(AgentPolicy::TokenHeader), m_context.token)) {
        problem(401, "Unauthorized", QStringLiteral("cape-agent: the agent token is missing or wrong"));
        close();
        return;
    }
    const AgentPolicy::Decision decision = AgentPolicy::decide(request.method, request.path());
    if (!decision.allowed()) {
        problem(403, "Forbidden", decision.reason);
        return;
    }
    if (decision.kind == AgentPolicy::Kind::Self) {
        answerSelf(request);
        return;
    }
    const QString node = QString::fromUtf8(request.header(AgentPolicy::NodeHeader));
    const QString route = AgentPolicy::unversioned(request.path());
    // Every node at once: the lists merge; the API's handshake is this node's.
    const bool handshake = route == QLatin1String("/_ping") || route == QLatin1String("/version");
    if (node == QLatin1String("*") && !handshake) {
        if (route == QLatin1String("/containers/json"))
            fanOutContainers(request);
        else
            problem(400, "Bad Request",
                    QStringLiteral("%1 cannot be asked of every node at once").arg(request.path()));
        return;
    }
    const bool here = node.isEmpty() || node == QLatin1String("*") || node == m_context.hostname ||
                      node == m_context.nodeId || (node.size() >= 12 && m_context.nodeId.startsWith(node));
    if (here)
        pipe({m_context.engineSocket, {}, 0, {}, {}, m_context.hostname}, request);
    else
        routeToNode(request, node);
}

void AgentSession::routeToNode(const HttpRequest &request, const QString &node)
{
    m_context.peers->find(
        node, this, [this, request, node](const PeerDirectory::Peer *peer, const QString &why) {
            if (!peer) {
                problem(502, "Bad Gateway", why);
                return;
            }
            pipe({{}, peer->address, peer->port, m_context.token, peer->nodeId, peer->hostname}, request);
        });
}

void AgentSession::pipe(const AgentPipe::Target &target, const HttpRequest &request)
{
    auto *pipe = new AgentPipe(target, request, m_client, this);
    m_pipe = pipe;
    connect(pipe, &AgentPipe::finished, this,
            [this, pipe, host = target.host, port = target.port](AgentPipe::Outcome outcome,
                                                                 const QString &reason) {
                pipe->deleteLater();
                if (outcome == AgentPipe::Outcome::Refused && !host.isEmpty())
                    m_context.peers->noteUnreachable(host, port, reason);
                if (outcome == AgentPipe::Outcome::Refused)
                    problem(502, "Bad Gateway", reason);
                else if (outcome == AgentPipe::Outcome::Broken)
                    close();
                else
                    finishRequest();
            });
    pipe->start();
    // What the client sent after an upgrading request is the exec's input.
    if (request.upgrade) {
        if (const QByteArray rest = m_reader.takeRest(); !rest.isEmpty())
            pipe->writeToUpstream(rest); // written once the upstream connects
    }
}

// GET /containers/json of every node at once: one array, each container
// naming its node; nodes that did not answer are named in X-Cape-Unreachable.
void AgentSession::fanOutContainers(const HttpRequest &request)
{
    struct Gathered
    {
        QJsonArray containers;
        QStringList unreachable;
        int pending = 0;
    };
    auto gathered = std::make_shared<Gathered>();
    const auto finishOne = [this, gathered] {
        if (--gathered->pending > 0)
            return;
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!gathered->unreachable.isEmpty())
            headers.append({"X-Cape-Unreachable", gathered->unreachable.join(QStringLiteral("; ")).toUtf8()});
        respond(200, "OK", QJsonDocument(gathered->containers).toJson(QJsonDocument::Compact), headers);
    };
    const auto ask = [this, request, gathered, finishOne](const DockerEndpoint &endpoint,
                                                          const QString &nodeId, const QString &hostname,
                                                          bool peer) {
        auto *client = new DockerClient(endpoint, this);
        DockerRequest get = DockerRequest::get(QString::fromLatin1(request.target));
        get.versioned = false; // the target carries the client's own version
        if (peer)
            get.headers = {{AgentPolicy::TokenHeader, m_context.token},
                           {AgentPolicy::NodeHeader, nodeId.toUtf8()}};
        client->send(get)->then(this, [gathered, finishOne, client, nodeId, hostname](DockerReply *reply) {
            client->deleteLater();
            if (reply->error()) {
                gathered->unreachable << QStringLiteral("%1: %2").arg(hostname, reply->error().message);
            } else {
                for (const QJsonValue &value : reply->array()) {
                    QJsonObject container = value.toObject();
                    container.insert(
                        QStringLiteral("CapeNode"),
                        QJsonObject{{QStringLiteral("ID"), nodeId}, {QStringLiteral("Hostname"), hostname}});
                    gathered->containers.append(container);
                }
            }
            finishOne();
        });
    };
    m_context.peers->refresh([this, gathered, ask] {
        QList<PeerDirectory::Peer> answering;
        for (const PeerDirectory::Peer &peer : m_context.peers->peers()) {
            if (peer.answers())
                answering << peer;
            else // named, never silently left out
                gathered->unreachable << QStringLiteral("%1: %2").arg(
                    peer.hostname.isEmpty() ? peer.address : peer.hostname,
                    peer.problem.isEmpty() ? QStringLiteral("its node is not known") : peer.problem);
        }
        gathered->pending = 1 + int(answering.size());
        DockerEndpoint endpoint;
        QString error;
        DockerEndpoint::parse(QStringLiteral("unix://") + m_context.engineSocket, &endpoint, &error);
        ask(endpoint, m_context.nodeId, m_context.hostname, false);
        for (const PeerDirectory::Peer &peer : std::as_const(answering)) {
            DockerEndpoint::parse(QStringLiteral("tcp://%1:%2").arg(peer.address).arg(peer.port), &endpoint,
                                  &error);
            ask(endpoint, peer.nodeId, peer.hostname, true);
        }
    });
}

void AgentSession::answerSelf(const HttpRequest &request)
{
    if (request.path().endsWith(QLatin1String("/cape/agent"))) {
        respond(
            200, "OK",
            QJsonDocument(QJsonObject{{QStringLiteral("nodeId"), m_context.nodeId},
                                      {QStringLiteral("hostname"), m_context.hostname},
                                      {QStringLiteral("version"), QCoreApplication::applicationVersion()}})
                .toJson(QJsonDocument::Compact));
        return;
    }
    m_context.peers->refresh([this] {
        QJsonArray nodes{QJsonObject{{QStringLiteral("nodeId"), m_context.nodeId},
                                     {QStringLiteral("hostname"), m_context.hostname},
                                     {QStringLiteral("self"), true}}};
        for (const PeerDirectory::Peer &peer : m_context.peers->peers())
            nodes.append(QJsonObject{{QStringLiteral("nodeId"), peer.nodeId},
                                     {QStringLiteral("hostname"), peer.hostname},
                                     {QStringLiteral("address"), peer.address},
                                     {QStringLiteral("problem"), peer.problem}});
        respond(200, "OK", QJsonDocument(nodes).toJson(QJsonDocument::Compact));
    });
}

void AgentSession::respond(int status, const QByteArray &reason, const QByteArray &json,
                           const QList<QPair<QByteArray, QByteArray>> &headers)
{
    if (!m_client)
        return;
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason +
        "\r\nContent-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size()) + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    m_client->write(head + "\r\n" + json);
    finishRequest();
}

void AgentSession::finishRequest()
{
    m_busy = false;
    if (m_closeAfter)
        close();
    else
        handleNext();
}

void AgentSession::problem(int status, const QByteArray &reason, const QString &message)
{
    // As the engine says its errors, so that clients show them as such.
    respond(status, reason,
            QJsonDocument(QJsonObject{{QStringLiteral("message"), message}}).toJson(QJsonDocument::Compact));
}

void AgentSession::close()
{
    if (m_closing)
        return;
    m_closing = true;
    if (m_pipe)
        m_pipe->deleteLater();
    if (m_client)
        m_client->close();
    emit closed();
}

} // namespace cape
