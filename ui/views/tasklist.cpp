#include "tasklist.h"

#include "statedelegate.h"

#include "models/tablefilterproxymodel.h"
#include "models/tasktablemodel.h"

#include <QCheckBox>
#include <QHeaderView>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

TaskList::TaskList(TaskTableModel *tasks, int scopeRole, QWidget *parent)
    : QWidget(parent)
    , m_proxy(new TableFilterProxyModel(this))
    , m_table(new QTableView(this))
    , m_history(new QCheckBox(tr("Show shutdown history"), this))
    , m_scopeRole(scopeRole)
{
    m_proxy->setSourceModel(tasks);
    m_proxy->setRoleConstraint(scopeRole, QString()); // nothing until a scope is set
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(TaskTableModel::Name, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(24);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->setItemDelegateForColumn(TaskTableModel::State, new StateDelegate(m_table));
    for (int column : {int(TaskTableModel::Image), int(TaskTableModel::Id), int(TaskTableModel::ExitCode)})
        m_table->hideColumn(column);
    m_table->hideColumn(scopeRole == TaskTableModel::NodeIdRole ? TaskTableModel::Node : TaskTableModel::Image);
    connect(m_history, &QCheckBox::toggled, this, &TaskList::setShowHistory);
    setShowHistory(false);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addWidget(m_history);
    layout->addWidget(m_table);
}

void TaskList::setScope(const QString &id)
{
    m_proxy->setRoleConstraint(m_scopeRole, id);
}

void TaskList::setShowHistory(bool show)
{
    m_history->setChecked(show);
    m_proxy->setRoleConstraint(TaskTableModel::HistoryRole, show ? QVariant() : QVariant(false));
}

} // namespace cape
