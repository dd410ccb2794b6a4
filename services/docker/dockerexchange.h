#pragma once

#include "dockererror.h"
#include "dockerrequest.h"
#include "httpresponseparser.h"

#include <QObject>
#include <QPointer>

namespace cape {

class DockerConnection;

// One request and its response, as a connection sees it. DockerReply
// (whole body) and DockerStream (body as it arrives) build on this; the
// caller owns the object and may delete or abort() it at any time.
class DockerExchange : public QObject
{
    Q_OBJECT

public:
    ~DockerExchange() override;

    const DockerRequest &request() const { return m_request; }
    QString endpoint() const { return m_endpoint; }
    QString apiVersion() const { return m_apiVersion; }

    bool isFinished() const { return m_finished; }
    DockerError error() const { return m_error; }
    int statusCode() const { return m_status; }
    const HttpResponseParser::Headers &headers() const { return m_headers; }
    QByteArray header(const QByteArray &name) const { return HttpResponseParser::headerValue(m_headers, name); }

    // Stops the request; finished() follows with a Cancelled error.
    void abort();

signals:
    void finished();

protected:
    DockerExchange(DockerRequest request, QString endpoint, QObject *parent);

    // A success status arrived; the body follows.
    virtual void handleHeaders() {}
    // Success bodies (2xx/3xx) reach the subclass; error bodies are kept
    // here and turned into a DockerError carrying the engine's message.
    virtual void handleBody(const QByteArray &data) = 0;
    // The response completed with a success status. Return an error if the
    // body was not what the API promises.
    virtual DockerError handleComplete() = 0;

    void finish(DockerError error);
    DockerError makeError(DockerError::Kind kind, const QString &message, int status = 0) const;
    // After a 101: bytes to the upgraded connection (false when there is none).
    bool writeToConnection(const QByteArray &data);

private:
    friend class DockerConnection;
    friend class DockerConnectionPool;
    friend class DockerClient;

    void setApiVersion(const QString &version) { m_apiVersion = version; }
    void attach(DockerConnection *connection);
    void receiveHeaders(int status, const HttpResponseParser::Headers &headers);
    void receiveBody(const QByteArray &data);
    void receiveComplete();
    void fail(DockerError error);

    DockerRequest m_request;
    QString m_endpoint;
    QString m_apiVersion;
    QPointer<DockerConnection> m_connection;
    HttpResponseParser::Headers m_headers;
    QByteArray m_errorBody;
    DockerError m_error;
    int m_status = 0;
    bool m_finished = false;
};

} // namespace cape
