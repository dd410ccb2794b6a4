#pragma once

#include "recordtablemodel.h"
#include "taskrecord.h"

#include <QTimer>

namespace cape {

class NodeTableModel;
class ServiceTableModel;

// Every task of the swarm. Names of services and nodes are looked up in
// their models, so a task row never holds a stale copy of them.
class TaskTableModel : public RecordTableModel<TaskRecord>
{
    Q_OBJECT

public:
    enum Column { Name, Node, DesiredState, State, Since, Error, ExitCode, Image, Id, ColumnCount };
    enum TaskRole { ServiceIdRole = FilterRole + 1, NodeIdRole, HistoryRole };

    TaskTableModel(const ServiceTableModel *services, const NodeTableModel *nodes, QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // "web.2", or "web.node3" for a global service's task.
    QString taskName(const TaskRecord &task) const;
    // Services or nodes were renamed or loaded after the tasks.
    void namesChanged() { columnsChanged(Name, Node); }

    // "Running 3 minutes ago", as docker service ps says it.
    static QString describeSince(qint64 sinceMs, qint64 nowMs);

private:
    const ServiceTableModel *m_services;
    const NodeTableModel *m_nodes;
    QTimer m_clock; // relative times age: refresh their column now and then
};

} // namespace cape
