#pragma once

#include "deploymentplan.h"
#include "specreferences.h"
#include "templateevaluator.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>

namespace cape {

// What a deployment would do, without doing it: the templates' services
// (already evaluated) built into specs, their references resolved against
// the swarm's secrets, configs and networks, and planned against the
// services that run. The desktop's Deploy panel shows it per service and
// field; cape-deployd does the same steps before it applies.
struct DryRun
{
    TemplateEvaluator::Outcome outcome;
    QList<QJsonObject> specs;
    DeploymentPlan plan;
    QStringList errors; // the template's error, or the specs' and references' problems

    bool ok() const { return outcome.ok && errors.isEmpty(); }

    static DryRun make(const TemplateEvaluator::Outcome &outcome, const SpecReferences &references,
                       const QJsonArray &running, const QString &repository, const QString &commit);
};

} // namespace cape
