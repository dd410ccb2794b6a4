#pragma once

#include "deployment.h"

#include <QJsonArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QUrl>

#include <functional>

namespace cape {

// cape-deployd's HTTP API (docs/deployd.md) for the desktop: the history,
// one deployment, "deploy this ref now", rollback, the repositories. Every
// call answers once through its callback, with an error text when it failed
// (no answer within the timeout, a refusal, a body that is not the API's).
class DeploydClient : public QObject
{
    Q_OBJECT

public:
    using Listed = std::function<void(const QList<Deployment> &deployments, const QString &error)>;
    using One = std::function<void(const Deployment &deployment, const QString &error)>;
    using Queued = std::function<void(const QString &id, const QString &error)>;
    using Repositories = std::function<void(const QJsonArray &repositories, const QString &error)>;

    explicit DeploydClient(QObject *parent = nullptr);

    // http://host:9470; the API token (empty: none).
    void setEndpoint(const QUrl &base, const QByteArray &token);
    QUrl endpoint() const { return m_base; }
    void setTimeout(int ms) { m_timeoutMs = ms; }

    void deployments(const QString &repository, int limit, Listed done);
    void deployment(const QString &id, One done);
    void deploy(const QString &repository, const QString &ref, Queued done);
    void rollback(const QString &id, Queued done);
    void repositories(Repositories done);

private:
    using Answered = std::function<void(const QJsonObject &body, const QString &error)>;
    void send(const QByteArray &method, const QString &path, const QByteArray &body, Answered done);

    QNetworkAccessManager m_network;
    QUrl m_base;
    QByteArray m_token;
    int m_timeoutMs = 10000;
};

} // namespace cape
