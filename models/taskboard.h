#pragma once

#include <QCoreApplication>
#include <QList>
#include <QString>

namespace cape {

class NodeTableModel;
class ServiceTableModel;
class TaskTableModel;

// Where each task is, as the Visualizer draws it: a lane per node (managers
// first, then by hostname) and, while any exists, a lane of the tasks no
// node has taken (pending: a drained cluster, a constraint nothing meets).
//
// A card shows what is known: a task on a node that is not ready keeps its
// last state in the manager, which is no longer known to be true, so it is
// "unknown"; one the swarm has already replaced there (desired shutdown) is
// not shown at all, so that no replica appears on two nodes. A pure value
// from the models, testable without a swarm.
struct TaskBoard
{
    Q_DECLARE_TR_FUNCTIONS(cape::TaskBoard)

public:
    struct Card
    {
        QString taskId;
        QString title;    // web.2
        QString subtitle; // image and state, or why it waits
        QString state;    // the task's, or "unknown" on a node that is not ready
        QString service;
        bool leaving = false; // desired shutdown, still going
    };
    struct Lane
    {
        QString nodeId; // empty for the pending lane
        QString title;  // the hostname, or "Pending"
        QString role;
        QString state;
        QString availability;
        QList<Card> cards;
        bool isPending() const { return nodeId.isEmpty(); }
    };

    QList<Lane> lanes;

    static TaskBoard of(const NodeTableModel &nodes, const TaskTableModel &tasks,
                        const ServiceTableModel &services);
};

} // namespace cape
