#include "tasktally.h"

namespace cape {

TaskTally TaskTally::of(const QList<TaskRecord> &tasks, const QSet<QString> &notReadyNodes)
{
    TaskTally tally;
    for (const TaskRecord &task : tasks) {
        if (!task.isDesiredRunning())
            continue;
        const bool running = task.isRunning() && !notReadyNodes.contains(task.nodeId);
        Replicas &replicas = tally.services[task.serviceId];
        ++replicas.desired;
        replicas.running += running;
        if (task.nodeId.isEmpty())
            continue; // pending: no node has it yet
        NodeLoad &load = tally.nodes[task.nodeId];
        ++load.assigned;
        load.running += running;
    }
    return tally;
}

} // namespace cape
