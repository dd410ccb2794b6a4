#include "taskboard.h"

#include "nodetablemodel.h"
#include "servicetablemodel.h"
#include "tasktablemodel.h"

#include <QHash>

#include <algorithm>

namespace cape {

namespace {

TaskBoard::Card cardOf(const TaskRecord &task, const TaskTableModel &tasks, const ServiceTableModel &services)
{
    TaskBoard::Card card;
    card.taskId = task.id;
    card.title = tasks.taskName(task);
    card.service = services.nameOf(task.serviceId);
    card.state = task.state;
    card.subtitle = task.image.section(u'/', -1) + QStringLiteral(" · ") + task.state;
    card.leaving = task.isHistory();
    return card;
}

} // namespace

TaskBoard TaskBoard::of(const NodeTableModel &nodes, const TaskTableModel &tasks,
                        const ServiceTableModel &services)
{
    TaskBoard board;
    QList<NodeRecord> sorted = nodes.records();
    std::sort(sorted.begin(), sorted.end(), [](const NodeRecord &a, const NodeRecord &b) {
        if (a.role != b.role)
            return a.role == QLatin1String("manager");
        return a.hostname < b.hostname;
    });
    Lane pending;
    pending.title = tr("Pending");
    pending.state = QStringLiteral("pending");
    QHash<QString, int> laneOf;
    for (const NodeRecord &node : std::as_const(sorted)) {
        laneOf.insert(node.id, int(board.lanes.size()));
        board.lanes.append({node.id, node.hostname, node.role, node.state, node.availability, {}});
    }
    for (const TaskRecord &task : tasks.records()) {
        const bool leaving = task.isHistory() && task.isSettling();
        if (task.isHistory() && !leaving)
            continue;
        if (task.nodeId.isEmpty()) {
            if (leaving)
                continue; // never placed, now not wanted
            Card card = cardOf(task, tasks, services);
            // Why it waits: "no suitable node (scheduling constraints not satisfied on 3 nodes)".
            const QString why = task.error.isEmpty() ? task.message : task.error;
            if (!why.isEmpty())
                card.subtitle = why;
            pending.cards.append(card);
            continue;
        }
        const auto lane = laneOf.constFind(task.nodeId);
        if (lane == laneOf.constEnd())
            continue; // a node that has left the swarm
        const NodeRecord &node = nodes.at(nodes.rowOf(task.nodeId));
        Card card = cardOf(task, tasks, services);
        if (!node.isReady()) {
            if (leaving)
                continue; // replaced elsewhere; whether it still runs here is not known
            card.state = QStringLiteral("unknown");
            card.subtitle = tr("state unknown: the node is %1").arg(node.state);
        }
        board.lanes[*lane].cards.append(card);
    }
    if (!pending.cards.isEmpty())
        board.lanes.prepend(pending);
    for (Lane &lane : board.lanes)
        std::sort(lane.cards.begin(), lane.cards.end(),
                  [](const Card &a, const Card &b) { return a.title < b.title; });
    return board;
}

} // namespace cape
