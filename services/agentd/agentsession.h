#pragma once

#include "agentpipe.h"
#include "services/core/httprequestreader.h"

#include <QObject>
#include <QPointer>

class QIODevice;

namespace cape {

class PeerDirectory;

// What every session of one agent shares: its node's engine, who it is,
// its peers and the token they share.
struct AgentContext
{
    QString engineSocket;
    QString nodeId;
    QString hostname;
    QByteArray token;
    PeerDirectory *peers = nullptr;
};

// One client's connection to cape-agent (another node's agent over the
// overlay, or the desktop through `cape-agent --stdio` in an exec): its
// requests one at a time, each checked (token, whitelist), routed (this
// node's engine, another node's agent, or all nodes at once) and answered.
// A session over TCP must carry the token in every request; over stdio the
// caller could already exec in this container, and is trusted.
class AgentSession : public QObject
{
    Q_OBJECT

public:
    AgentSession(QIODevice *client, bool trusted, const AgentContext &context, QObject *parent = nullptr);

signals:
    void closed();

private:
    void onClientBytes();
    void handleNext();
    void handle(const HttpRequest &request);
    void routeToNode(const HttpRequest &request, const QString &node);
    void pipe(const AgentPipe::Target &target, const HttpRequest &request);
    void fanOutContainers(const HttpRequest &request);
    void answerSelf(const HttpRequest &request);
    void respond(int status, const QByteArray &reason, const QByteArray &json,
                 const QList<QPair<QByteArray, QByteArray>> &headers = {});
    void problem(int status, const QByteArray &reason, const QString &message);
    void finishRequest();
    void close();

    QPointer<QIODevice> m_client;
    bool m_trusted;
    AgentContext m_context;
    HttpRequestReader m_reader;
    QPointer<AgentPipe> m_pipe;
    bool m_busy = false;
    bool m_closing = false;
    bool m_closeAfter = false;
};

} // namespace cape
