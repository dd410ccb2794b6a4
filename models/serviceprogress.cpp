#include "serviceprogress.h"

namespace cape {

namespace {

bool inProgress(const QString &state)
{
    return state == QLatin1String("updating") || state == QLatin1String("rollback_started");
}

} // namespace

ServiceProgress ServiceProgress::of(Operation operation, const Before &before, const QString &name,
                                    const ServiceRecord *service, TaskTally::Replicas replicas)
{
    ServiceProgress progress;
    if (!service) {
        progress.phase = Phase::Failed;
        progress.text = tr("%1 was removed.").arg(name);
        return progress;
    }
    const QString count = tr("%1 of %2 replicas running").arg(replicas.running).arg(replicas.desired);
    if (operation == Operation::Scale) {
        // Scaling replaces no task: it is done when the count asked for is
        // reached (the record may not even know of the new count yet).
        if (replicas.desired == before.scaleTo && replicas.running == replicas.desired) {
            progress.phase = Phase::Succeeded;
            progress.text = tr("%1 runs %n replica(s).", nullptr, replicas.desired).arg(name);
        } else {
            progress.text =
                tr("Scaling %1 to %2: %3 running…").arg(name).arg(before.scaleTo).arg(replicas.running);
        }
        return progress;
    }
    const bool ours =
        service->updateState != before.updateState || service->updateStartedAt != before.updateStartedAt;
    const QString &state = service->updateState;
    if (!ours || inProgress(state)) {
        progress.text = operation == Operation::Rollback  ? tr("Rolling %1 back: %2…").arg(name, count)
                        : operation == Operation::Restart ? tr("Restarting %1: %2…").arg(name, count)
                                                          : tr("Updating %1: %2…").arg(name, count);
        if (state == QLatin1String("rollback_started") && operation != Operation::Rollback)
            progress.text = tr("The update of %1 failed and is being rolled back: %2…").arg(name, count);
        return progress;
    }
    const QString why =
        service->updateMessage.isEmpty() ? QString() : QStringLiteral(" (%1)").arg(service->updateMessage);
    if (state == QLatin1String("completed")) {
        progress.phase = Phase::Succeeded;
        progress.text = operation == Operation::Restart ? tr("%1 restarted: every task replaced.").arg(name)
                                                        : tr("%1 updated.").arg(name);
    } else if (state == QLatin1String("rollback_completed")) {
        progress.phase = operation == Operation::Rollback ? Phase::Succeeded : Phase::Failed;
        progress.text = operation == Operation::Rollback
                            ? tr("%1 rolled back to its previous specification.").arg(name)
                            : tr("The update of %1 failed and was rolled back%2.").arg(name, why);
    } else if (state == QLatin1String("paused") || state == QLatin1String("rollback_paused")) {
        progress.phase = Phase::Failed;
        progress.text = state == QLatin1String("paused")
                            ? tr("The update of %1 is paused%2.").arg(name, why)
                            : tr("The rollback of %1 is paused%2.").arg(name, why);
    } else {
        progress.phase = Phase::Succeeded;
        progress.text = tr("%1: %2.").arg(name, count);
    }
    return progress;
}

} // namespace cape
