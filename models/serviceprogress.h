#pragma once

#include "servicerecord.h"
#include "tasktally.h"

#include <QCoreApplication>
#include <QString>

namespace cape {

// What became of an action on a service (scale, restart, roll back, a
// changed spec), told from the service as it is now. A view says "web is
// rolling back" for exactly as long as that is true, then how it ended,
// and then nothing: a notice is a state with a cause, not a line that
// stays up after the fact.
//
// The swarm's UpdateStatus belongs to whichever update came last: the
// action's own update is the one that differs from the status seen before
// the action (its state or its StartedAt).
struct ServiceProgress
{
    Q_DECLARE_TR_FUNCTIONS(cape::ServiceProgress)

public:
    enum class Operation { Scale, Restart, Rollback, Update };
    enum class Phase { Running, Succeeded, Failed };

    struct Before
    {
        QString updateState;
        QString updateStartedAt;
        int scaleTo = -1; // Scale: the replicas asked for
        static Before of(const ServiceRecord &service, int scaleTo = -1)
        {
            return {service.updateState, service.updateStartedAt, scaleTo};
        }
    };

    Phase phase = Phase::Running;
    QString text;

    bool isFinished() const { return phase != Phase::Running; }

    // service: as it is now, null when it is gone; replicas: the store's count.
    static ServiceProgress of(Operation operation, const Before &before, const QString &name,
                              const ServiceRecord *service, TaskTally::Replicas replicas);
};

} // namespace cape
