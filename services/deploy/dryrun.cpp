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
    const QList<QJsonObject> built =
        ServiceSpecBuilder::buildAll(outcome.services, {repository, commit}, &run.errors);
    if (!run.errors.isEmpty())
        return run;
    run.specs = references.resolve(built, &run.errors);
    if (!run.errors.isEmpty())
        return run;
    run.plan = DeploymentPlan::make(run.specs, running, repository, false, &run.errors);
    return run;
}

} // namespace cape
