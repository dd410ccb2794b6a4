#include "tasksview.h"

#include "detailhtml.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tablefilterproxymodel.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerclient.h"

#include <QAction>
#include <QDateTime>
#include <QHeaderView>
#include <QJsonDocument>
#include <QTableView>

namespace cape {

TasksView::TasksView(ClusterStore *store, QWidget *parent)
    : ResourceView(tr("Tasks"), store->tasks(), parent)
    , m_store(store)
    , m_history(new QAction(tr("Show shutdown history"), this))
{
    setStateColumns({TaskTableModel::DesiredState, TaskTableModel::State});
    // The ID is in the detail pane; an error needs the width more.
    setOptionalColumns({TaskTableModel::Id});
    setPlaceholder(tr("No tasks: no service runs anything yet."));
    setDetailProvider([this](const QString &id) { return detailOf(id); });
    auto *logs = new QAction(tr("Logs"), this);
    logs->setShortcut(QKeySequence(Qt::Key_L));
    connect(logs, &QAction::triggered, this, &TasksView::showLogsOfSelected);
    addRowAction(logs);
    m_history->setCheckable(true);
    connect(m_history, &QAction::toggled, this, &TasksView::setShowHistory);
    addViewAction(m_history);
    setShowHistory(false);
}

void TasksView::showLogsOfSelected()
{
    for (const QString &id : selectedIds()) {
        if (const TaskRecord *task = m_store->tasks()->find(id))
            emit logsRequested({LogFeed::Kind::Task, id, m_store->tasks()->taskName(*task), {}, false});
    }
}

void TasksView::setShowHistory(bool show)
{
    m_history->setChecked(show);
    proxy()->setRoleConstraint(TaskTableModel::HistoryRole, show ? QVariant() : QVariant(false));
}

ResourceView::Detail TasksView::detailOf(const QString &id)
{
    const TaskRecord *task = m_store->tasks()->find(id);
    if (!task)
        return {};
    DetailHtml html(m_store->tasks()->taskName(*task), task->state);
    const auto time = [](qint64 ms) {
        return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
    };
    html.section(tr("Task"))
        .row(tr("ID"), task->id)
        .row(tr("Service"), m_store->services()->nameOf(task->serviceId))
        .row(tr("Node"), m_store->nodes()->hostnameOf(task->nodeId))
        .row(tr("Slot"), task->slot ? QString::number(task->slot) : QString())
        .rawRow(tr("Desired"), DetailHtml::badge(task->desiredState))
        .rawRow(tr("State"), DetailHtml::badge(task->state))
        .row(tr("Since"), time(task->sinceMs))
        .row(tr("Created"), time(task->createdMs))
        .row(tr("Message"), task->message)
        .row(tr("Error"), task->error)
        .row(tr("Exit code"), task->exitCode >= 0 ? QString::number(task->exitCode) : QString())
        .row(tr("Image"), task->image)
        .row(tr("Container"), task->containerId.left(12));
    // The full task is fetched when first shown; the models keep only the
    // fields in the table, to stay small at 10,000 tasks.
    QString inspect;
    const QString key = id + u'@' + QString::number(task->version); // a newer task state is fetched again
    const auto found = m_inspected.constFind(key);
    if (found != m_inspected.constEnd()) {
        inspect = QString::fromUtf8(QJsonDocument(*found).toJson(QJsonDocument::Indented));
    } else {
        inspect = tr("Loading…");
        m_store->client()->inspectTask(id)->then(this, [this, id, key](DockerReply *reply) {
            m_inspected.insert(key, reply->ok() ? reply->object()
                                               : QJsonObject{{QStringLiteral("error"), reply->error().toString()}});
            if (m_inspected.size() > 200)
                m_inspected.erase(m_inspected.begin());
            if (currentId() == id)
                refreshDetail();
        });
    }
    return {html.toHtml(), inspect};
}

} // namespace cape
