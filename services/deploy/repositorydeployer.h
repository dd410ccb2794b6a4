#pragma once

#include "deploydconfig.h"
#include "deployment.h"
#include "templateevaluator.h"

#include <QHash>
#include <QJsonArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <memory>
#include <mutex>
#include <optional>

namespace cape {

class DeploymentHistory;
class DockerClient;
class GitRepository;
class ImageBuilder;
class TemplateSandbox;

// Deploys one repository: a deployment fetches the ref, runs the deploy
// templates of that commit in the sandbox, turns what they return into
// service specs, plans against what runs, and applies the plan
// (DeploymentApplier). One deployment at a time; requests that arrive
// meanwhile wait, and only the newest of them runs (the others are
// recorded as superseded). Polls the remote as a fallback for webhooks.
class RepositoryDeployer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int fetchTimeoutMs = 60000;
        int pollMs = 1000; // how often a rolling update is looked at
        int applyTimeoutMs = 600000;
        qint64 maxFileSize = 1024 * 1024;        // per file handed to templates
        qint64 maxFilesTotal = 32 * 1024 * 1024; // all of a commit's files
        QStringList nodes;                       // engines that get the images built here (no registry)
    };

    RepositoryDeployer(const DeploydConfig::Repository &settings, const QString &cacheDirectory,
                       DockerClient *client, DeploymentHistory *history, TemplateSandbox *sandbox,
                       const Options &options, QObject *parent = nullptr);
    ~RepositoryDeployer() override;

    const DeploydConfig::Repository &settings() const { return m_settings; }
    // Whether a pushed branch (or tag) is one this repository deploys.
    bool watches(const QString &ref) const;
    // Queues a deployment of ref ("" : the configured branch); its id.
    QString request(const QString &trigger, const QString &ref);
    // Queues a deployment that puts back the services as deployment `id`
    // left them; empty with *error when there is no such deployment.
    QString requestRollback(const QString &id, QString *error);
    // Starts polling (pollIntervalSeconds > 0).
    void startPolling();
    bool isBusy() const { return m_current.has_value(); }
    QString currentId() const { return m_current ? m_current->id : QString(); }

signals:
    void deploymentFinished(const QString &id, Deployment::Status status);

private:
    struct Checkout;
    Deployment make(const QString &trigger, const QString &ref) const;
    void enqueue(Deployment deployment);
    void start(Deployment deployment);
    void checkedOut(const Checkout &checkout);
    void listed(const QJsonArray &services);
    void evaluated(const TemplateEvaluator::Outcome &outcome);
    void buildImages(QJsonArray services, int from);
    void specsReady(QList<QJsonObject> specs);
    void apply(const QList<QJsonObject> &specs);
    void finish(Deployment::Status status, const QString &error = {});
    void record(const QString &event);
    void log(const QString &line);
    void poll();
    QString branchToDeploy(const QString &ref) const;

    DeploydConfig::Repository m_settings;
    QPointer<DockerClient> m_client;
    DeploymentHistory *m_history;
    TemplateSandbox *m_sandbox;
    Options m_options;
    std::shared_ptr<GitRepository> m_git; // used by one worker at a time:
    std::shared_ptr<std::mutex> m_gitLock = std::make_shared<std::mutex>();
    ImageBuilder *m_builder;
    std::optional<Deployment> m_current;
    std::optional<Deployment> m_pending;
    QJsonArray m_running; // GET /services when the deployment started
    QList<TemplateEvaluator::Template> m_templates;
    QHash<QString, QByteArray> m_files;
    QTimer m_pollTimer;
    bool m_polling = false;
    QString m_lastSeenSha;
};

} // namespace cape
