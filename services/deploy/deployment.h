#pragma once

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace cape {

// One deployment as cape-deployd records and serves it: what triggered it,
// the commit, what the templates asked for, the plan, how each service
// fared, how long it took, and its log.
struct Deployment
{
    enum class Status { Queued, Running, Succeeded, Unchanged, Failed, RolledBack, Superseded };

    QString id;
    QString repository;
    QString trigger; // webhook, poll, api, rollback
    QString ref;
    QString rollbackOf; // the deployment whose services this one restores
    QJsonObject commit; // sha, ref, message, author, email, time
    Status status = Status::Queued;
    QDateTime queuedAt;
    QDateTime startedAt;
    QDateTime updateIssuedAt; // the first create/update sent to the engine
    QDateTime finishedAt;
    QJsonArray services; // the template's output (or, for a rollback, the specs restored)
    QJsonArray specs;    // the engine specs applied
    QJsonArray plan;     // DeploymentPlan::toJson()
    QJsonArray results;  // DeploymentApplier::toJson()
    QString error;
    QStringList log;

    bool isFinished() const;
    qint64 durationMs() const;
    QJsonObject toJson() const;
    // Without the bulky parts (specs, plan, log): for lists.
    QJsonObject summary() const;
    static Deployment fromJson(const QJsonObject &json);
    static QString statusName(Status status);
    void addLog(const QString &line);
};

} // namespace cape
