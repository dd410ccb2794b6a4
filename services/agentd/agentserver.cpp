#include "agentserver.h"

#include <QTcpSocket>

namespace cape {

namespace {
// Agents are few, and each holds few connections: a client holding more is
// not an agent.
constexpr int MaxSessions = 512;
} // namespace

AgentServer::AgentServer(const AgentContext &context, QObject *parent)
    : QObject(parent)
    , m_context(context)
{
    connect(&m_server, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            if (m_sessions >= MaxSessions) {
                socket->abort();
                socket->deleteLater();
                continue;
            }
            ++m_sessions;
            auto *session = new AgentSession(socket, false, m_context, socket);
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            connect(socket, &QObject::destroyed, this, [this] { --m_sessions; });
            connect(session, &AgentSession::closed, socket, [socket] { socket->disconnectFromHost(); });
        }
    });
}

bool AgentServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    if (m_server.listen(address, port))
        return true;
    *error = m_server.errorString();
    return false;
}

} // namespace cape
