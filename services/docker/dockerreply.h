#pragma once

#include "dockerexchange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <functional>

namespace cape {

// The answer to a request whose whole body is wanted. JSON bodies are
// parsed once; an invalid one is a Decode error, never a crash.
// A reply may also stand for a composed operation (inspect, then update,
// then retry): the client then resolves it from the last step.
class DockerReply : public DockerExchange
{
    Q_OBJECT

public:
    DockerReply(DockerRequest request, QString endpoint, QObject *parent = nullptr);

    QByteArray body() const { return m_body; }
    QJsonDocument json() const { return m_json; }
    QJsonObject object() const { return m_json.object(); }
    QJsonArray array() const { return m_json.array(); }
    // Any JSON body, including the bare strings some calls answer with
    // (POST /swarm/init answers with the node ID as a JSON string).
    QJsonValue value() const { return m_value; }
    bool ok() const { return isFinished() && !error().isError(); }

    // Calls handler once finished (at once if it already is), unless context
    // is gone, then deletes the reply.
    void then(QObject *context, std::function<void(DockerReply *)> handler);

    // A composed operation ends with the outcome of its last step.
    void resolveFrom(const DockerReply *step);
    void resolveWithError(DockerError error);
    void resolveWithJson(const QJsonDocument &json);

protected:
    void handleBody(const QByteArray &data) override;
    DockerError handleComplete() override;

private:
    QByteArray m_body;
    QJsonDocument m_json;
    QJsonValue m_value;
};

} // namespace cape
