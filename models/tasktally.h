#pragma once

#include "taskrecord.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace cape {

// What the tasks add up to: per service, its running and wanted replicas;
// per node, the tasks assigned to it and how many of them run. A pure value
// made from the records alone, so every view that shows one of these
// figures shows the same one, and it can be tested without a swarm.
//
// A task counts while its desired state is running (docker service ps and
// docker node ps without history). It runs when the engine says so and its
// node is ready: a down node's tasks keep their last state in the manager,
// which is no longer known to be true.
struct TaskTally
{
    struct Replicas
    {
        int running = 0;
        int desired = 0; // tasks that want to run (a replicated service's spec may want more)
        bool operator==(const Replicas &) const = default;
    };
    struct NodeLoad
    {
        int running = 0;  // assigned and running on a ready node
        int assigned = 0; // desired running on this node
        bool operator==(const NodeLoad &) const = default;
    };

    QHash<QString, Replicas> services;
    QHash<QString, NodeLoad> nodes;

    // notReadyNodes: IDs of the nodes that are not ready (down, unknown,
    // disconnected); a node the store does not know is taken as ready.
    static TaskTally of(const QList<TaskRecord> &tasks, const QSet<QString> &notReadyNodes);
};

} // namespace cape
