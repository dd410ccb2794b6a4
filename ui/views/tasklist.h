#pragma once

#include <QWidget>

class QCheckBox;
class QTableView;

namespace cape {

class TableFilterProxyModel;
class TaskTableModel;

// The tasks of one service or one node, with their shutdown history
// shown or hidden: a detail tab of the Services and Nodes views.
class TaskList : public QWidget
{
    Q_OBJECT

public:
    // scopeRole: TaskTableModel::ServiceIdRole or NodeIdRole.
    TaskList(TaskTableModel *tasks, int scopeRole, QWidget *parent = nullptr);

    void setScope(const QString &id);
    void setShowHistory(bool show);
    QTableView *table() const { return m_table; }

private:
    TableFilterProxyModel *m_proxy;
    QTableView *m_table;
    QCheckBox *m_history;
    int m_scopeRole;
};

} // namespace cape
