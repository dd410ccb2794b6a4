#pragma once

#include "services/core/httprequest.h"

#include <QObject>
#include <QPointer>
#include <QTimer>

class QIODevice;

namespace cape {

// One request sent on to an engine (the node's own socket) or to another
// node's agent (TCP on the overlay), and its response piped back to the
// client as it comes: a stream stays a stream. The far side ends the
// response by closing (Connection: close); its head loses that header on
// the way back, so the client's connection stays alive. After a 101 (exec
// start) bytes flow both ways until either side closes.
class AgentPipe : public QObject
{
    Q_OBJECT

public:
    struct Target
    {
        QString socketPath; // the engine's unix socket, or
        QString host;       // a peer agent on the overlay
        quint16 port = 0;
        QByteArray token; // sent to a peer
        QString node;     // a peer: the node asked for (its ID), so that it serves it itself
        QString nodeName; // … and its hostname, for messages
    };

    AgentPipe(const Target &target, HttpRequest request, QIODevice *client, QObject *parent = nullptr);

    void start();
    static QByteArray forwardHead(const HttpRequest &request,
                                  const QList<QPair<QByteArray, QByteArray>> &extra);
    // Client bytes after an upgrading request (and as they come).
    void writeToUpstream(const QByteArray &bytes);
    bool isUpgraded() const { return m_upgraded; }

    enum class Outcome {
        Done,    // the response ended: the client may send the next request
        Refused, // nothing was sent back: the client gets a 502 with the reason
        Broken,  // cut after the response began: the client's connection must close
    };

signals:
    void finished(cape::AgentPipe::Outcome outcome, const QString &reason);

private:
    void sendRequest(const QList<QPair<QByteArray, QByteArray>> &extra);
    void onUpstreamBytes();
    void onUpstreamClosed();
    void fail(const QString &why);

    Target m_target;
    HttpRequest m_request;
    QPointer<QIODevice> m_client;
    QIODevice *m_upstream = nullptr;
    QByteArray m_head;  // the response's head until it is whole
    QByteArray m_input; // the client's bytes before the request went
    bool m_headSent = false;
    bool m_sent = false;
    bool m_upgraded = false;
    bool m_done = false;
    QTimer m_connectTimer;
};

} // namespace cape
