#pragma once

#include "deploymentplan.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QObject>
#include <QPointer>

namespace cape {

class DockerClient;

// Carries a DeploymentPlan out on the swarm, all or nothing: creates and
// updates every service at once (each update rolls start-first, the engine
// rolling that one service back by itself if its new tasks fail), follows
// each until the engine says it is done, then removes what the plan
// removes. If any service fails, every service of the deployment goes back
// to the spec it had before (updated ones get their old spec as a new
// update, new ones are removed): the engine's own rollback covers one
// service and one level only. Ends once with finished().
class DeploymentApplier : public QObject
{
    Q_OBJECT

public:
    struct Result
    {
        QString name;
        QString action;  // the plan's
        QString outcome; // created, updated, unchanged, removed, failed, rolled back, not started
        QString message;
    };

    explicit DeploymentApplier(DockerClient *client, QObject *parent = nullptr);

    void setPollInterval(int ms) { m_pollMs = ms; }
    // How long one service may take to converge (default 10 minutes).
    void setTimeout(int ms) { m_timeoutMs = ms; }
    void apply(const DeploymentPlan &plan);

    QList<Result> results() const { return m_results; }
    static QJsonArray toJson(const QList<Result> &results);

signals:
    void progress(const QString &line);
    // The first create or update request went to the engine (the benchmark's mark).
    void updateIssued();
    void finished(bool ok, const QString &message);

private:
    void start(int index);
    void watchUpdate(int index);
    void watchCreate(int index, int polls);
    void settled(int index, bool ok, const QString &outcome, const QString &message);
    void allSettled();
    void rollBack();
    void rolledBackOne();
    void removeRemaining();
    Result &resultOf(int index) { return m_results[index]; }

    QPointer<DockerClient> m_client;
    DeploymentPlan m_plan;
    QList<Result> m_results;
    int m_pending = 0;
    int m_rollbacksPending = 0;
    bool m_failed = false;
    bool m_issued = false;
    int m_pollMs = 1000;
    int m_timeoutMs = 600000;
    QString m_failure;
};

} // namespace cape
