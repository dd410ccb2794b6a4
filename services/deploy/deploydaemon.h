#pragma once

#include "deploydconfig.h"
#include "repositorydeployer.h"

#include <QHash>
#include <QObject>

#include <memory>

class QHttpServerRequest;
class QHttpServerResponse;

namespace cape {

class DeploymentHistory;
class DockerClient;
class EventsourceClient;
class ObservabilityServer;
class TemplateSandbox;

// cape-deployd: the repositories' deployers, their history, and the HTTP
// API (docs/deployd.md): POST /hooks/{repository} (GitHub or GitLab push
// webhooks, signature checked), GET /deployments, GET /deployments/{id},
// POST /deployments {repository, ref}, POST /deployments/{id}/rollback,
// GET /repositories, /health, /metrics.
class DeployDaemon : public QObject
{
    Q_OBJECT

public:
    explicit DeployDaemon(const DeploydConfig &config, QObject *parent = nullptr);
    ~DeployDaemon() override;

    // Listens, connects, reads the history back, starts polling; false with
    // the reason when it cannot listen or the engine address is wrong.
    bool start(QString *error);
    quint16 port() const;
    // Where template sandboxes are started from (tests: the cape-deployd binary).
    void setSandboxProgram(const QString &program);

signals:
    void message(const QString &line);

private:
    QHttpServerResponse webhook(const QString &repository, const QHttpServerRequest &request);
    QHttpServerResponse deploymentsList(const QHttpServerRequest &request) const;
    QHttpServerResponse deploymentOne(const QString &id, const QHttpServerRequest &request) const;
    QHttpServerResponse deployNow(const QHttpServerRequest &request);
    QHttpServerResponse rollback(const QString &id, const QHttpServerRequest &request);
    QHttpServerResponse repositories(const QHttpServerRequest &request) const;
    // Empty when the request may use the API; else the 401 to answer.
    std::unique_ptr<QHttpServerResponse> refused(const QHttpServerRequest &request) const;
    QByteArray metrics() const;
    void restoreAndStart(const QStringList &names, const RepositoryDeployer::Options &options);

    DeploydConfig m_config;
    std::unique_ptr<DockerClient> m_client;
    EventsourceClient *m_eventsource = nullptr;
    DeploymentHistory *m_history = nullptr;
    TemplateSandbox *m_sandbox = nullptr;
    std::unique_ptr<ObservabilityServer> m_http;
    QHash<QString, RepositoryDeployer *> m_deployers;
    QHash<QString, qint64> m_webhooks; // "repository result" -> count
};

} // namespace cape
