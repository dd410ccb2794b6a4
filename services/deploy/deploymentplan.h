#pragma once

#include "specdiff.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace cape {

// What a deployment does to the swarm: for each service the templates
// describe, create it or update it (with the fields that change), or leave
// it alone; with prune, remove the services this repository deployed
// before and no longer describes. A service of the same name deployed by
// another repository is not taken over: the plan refuses it.
struct DeploymentPlan
{
    enum class Action { Create, Update, Unchanged, Remove };
    struct Service
    {
        Action action = Action::Unchanged;
        QString name;
        QString id;            // running services
        QJsonObject desired;   // its whole new spec (create, update)
        QJsonObject running;   // its spec now (update, unchanged, remove)
        QString previousStart; // UpdateStatus.StartedAt before this deployment
        QList<SpecDiff::Change> changes;

        QJsonObject toJson() const;
    };

    QList<Service> services;

    // desired: specs (ServiceSpecBuilder, IDs of secrets and configs filled
    // in); running: GET /services.
    static DeploymentPlan make(const QList<QJsonObject> &desired, const QJsonArray &running,
                               const QString &repository, bool prune, QStringList *errors);
    bool hasWork() const;
    QJsonArray toJson() const;
    static QString actionName(Action action);
};

} // namespace cape
