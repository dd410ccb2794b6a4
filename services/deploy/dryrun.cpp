#include "dryrun.h"

#include "servicespecbuilder.h"

namespace cape {

DryRun DryRun::make(const TemplateEvaluator::Outcome &outcome, const SpecReferences &references,
                    const QJsonArray &running, const QString &repository, const QString &commit)
{
    DryRun run;
    run.outcome = outcome;
    if (!outcome.ok) {
        run.errors << outcome.error.text();
        return run;
    }
    // An image built at deployment time: named as it will be, with the commit this run stands for.
    QJsonArray services = outcome.services;
    for (qsizetype i = 0; i < services.size(); ++i) {
        QJsonObject service = services.at(i).toObject();
        if (!service.contains(QLatin1String("build")) || service.contains(QLatin1String("image")))
            continue;
        service.insert(QStringLiteral("image"),
                       QStringLiteral("%1/%2:%3")
                           .arg(repository.toLower(), service[QLatin1String("name")].toString().toLower(),
                                commit.left(12)));
        service.remove(QLatin1String("build"));
        services[i] = service;
    }
    const QList<QJsonObject> built =
        ServiceSpecBuilder::buildAll(services, {repository, commit}, &run.errors);
    if (!run.errors.isEmpty())
        return run;
    run.specs = references.resolve(built, &run.errors);
    if (!run.errors.isEmpty())
        return run;
    run.plan = DeploymentPlan::make(run.specs, running, repository, false, &run.errors);
    return run;
}

} // namespace cape
