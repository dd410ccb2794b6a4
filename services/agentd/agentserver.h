#pragma once

#include "agentsession.h"

#include <QObject>
#include <QTcpServer>

namespace cape {

// cape-agent's listener on the overlay: every connection a session that
// must carry the token (other nodes' agents reach this node through it).
class AgentServer : public QObject
{
    Q_OBJECT

public:
    AgentServer(const AgentContext &context, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    quint16 port() const { return m_server.serverPort(); }
    int sessions() const { return m_sessions; }

private:
    AgentContext m_context;
    QTcpServer m_server;
    int m_sessions = 0;
};

} // namespace cape
