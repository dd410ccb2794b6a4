#include "nodesview.h"

#include "detailhtml.h"
#include "tasklist.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerclient.h"

#include <QAction>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonDocument>
#include <QTableView>

namespace cape {

NodesView::NodesView(ClusterStore *store, QWidget *parent)
    : ResourceView(tr("Nodes"), store->nodes(), parent)
    , m_store(store)
    , m_tasks(new TaskList(store->tasks(), TaskTableModel::NodeIdRole, this))
{
    setStateColumns({NodeTableModel::ManagerStatus, NodeTableModel::Availability, NodeTableModel::Status});
    // Address and labels are in the detail pane: the table keeps its width for state.
    setOptionalColumns({NodeTableModel::Address, NodeTableModel::Labels});
    setDetailProvider([this](const QString &id) { return detailOf(id); });
    addDetailTab(m_tasks, tr("Tasks"));
    connect(this, &ResourceView::currentIdChanged, m_tasks, &TaskList::setScope);

    const auto action = [this](const QString &text, auto slot) {
        auto *a = new QAction(text, this);
        connect(a, &QAction::triggered, this, slot);
        addRowAction(a);
        return a;
    };
    action(tr("Activate"), [this] { setAvailability(QStringLiteral("active")); });
    action(tr("Pause"), [this] { setAvailability(QStringLiteral("pause")); });
    action(tr("Drain"), [this] { setAvailability(QStringLiteral("drain")); });
    addSeparator();
    action(tr("Promote"), [this] { setRole(QStringLiteral("manager")); });
    action(tr("Demote"), [this] { setRole(QStringLiteral("worker")); });
    addSeparator();
    action(tr("Add label…"), &NodesView::addLabel);
    action(tr("Remove label…"), &NodesView::removeLabel);
    addSeparator();
    action(tr("Remove"), &NodesView::removeNodes)->setShortcut(QKeySequence::Delete);
}

ResourceView::Detail NodesView::detailOf(const QString &id) const
{
    const NodeRecord *node = m_store->nodes()->find(id);
    if (!node)
        return {};
    DetailHtml html(node->hostname, node->state);
    html.section(tr("Node"))
        .row(tr("ID"), node->id)
        .row(tr("Role"), node->role)
        .rawRow(tr("Manager"), node->managerStatus.isEmpty() ? QString() : DetailHtml::badge(node->managerStatus))
        .rawRow(tr("Availability"), DetailHtml::badge(node->availability))
        .row(tr("Address"), node->address)
        .row(tr("Engine"), node->engineVersion)
        .row(tr("Platform"), node->platform)
        .row(tr("CPUs"), node->cpus > 0 ? QString::number(node->cpus, 'g', 3) : QString())
        .row(tr("Memory"), node->memoryBytes > 0 ? NodeTableModel::formatBytes(node->memoryBytes) : QString());
    QStringList labels;
    for (auto it = node->labels.begin(); it != node->labels.end(); ++it)
        labels << it.key() + u'=' + it.value();
    html.section(tr("Labels"));
    if (labels.isEmpty())
        html.note(tr("No labels. Labels steer placement constraints such as node.labels.zone==a."));
    else
        html.list(tr("Spec"), labels);
    // The store's tally, kept live with the tasks: the row's dataChanged
    // refreshes this pane whenever the figure moves.
    const TaskTally::NodeLoad load = m_store->nodes()->load(id);
    html.section(tr("Workload"))
        .row(tr("Running tasks"),
             node->isReady() ? QString::number(load.running) : tr("unknown: the node is %1").arg(node->state))
        .row(tr("Assigned tasks"), QString::number(load.assigned));
    return {html.toHtml(), QString::fromUtf8(QJsonDocument(node->raw).toJson(QJsonDocument::Indented))};
}

QString NodesView::doingText(const QString &host, const QString &availability)
{
    if (availability == QLatin1String("drain"))
        return tr("Draining %1…").arg(host);
    if (availability == QLatin1String("pause"))
        return tr("Pausing %1…").arg(host);
    return tr("Activating %1…").arg(host);
}

QString NodesView::doneText(const QString &host, const QString &availability)
{
    if (availability == QLatin1String("drain"))
        return tr("%1 is drained: its tasks move to other nodes, and it takes no new ones.").arg(host);
    if (availability == QLatin1String("pause"))
        return tr("%1 is paused: it keeps its tasks, but takes no new ones.").arg(host);
    return tr("%1 is active: it takes new tasks again.").arg(host);
}

void NodesView::setAvailability(const QString &availability)
{
    for (const QString &id : selectedIds()) {
        const QString host = m_store->nodes()->hostnameOf(id);
        if (availability == QLatin1String("drain")
            && !confirm(tr("Drain %1? Its tasks are stopped and rescheduled on other nodes.").arg(host), tr("Drain")))
            return;
        track(m_store->client()->setNodeAvailability(id, availability), doingText(host, availability),
              doneText(host, availability));
    }
}

void NodesView::setRole(const QString &role)
{
    for (const QString &id : selectedIds()) {
        const QString host = m_store->nodes()->hostnameOf(id);
        if (role == QLatin1String("worker")
            && !confirm(tr("Demote %1 to a worker? The swarm keeps fewer managers for its quorum.").arg(host), tr("Demote")))
            return;
        const bool manager = role == QLatin1String("manager");
        track(m_store->client()->setNodeRole(id, role),
              manager ? tr("Promoting %1…").arg(host) : tr("Demoting %1…").arg(host),
              manager ? tr("%1 is a manager now.").arg(host) : tr("%1 is a worker now.").arg(host));
    }
}

void NodesView::addLabel()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    bool ok = false;
    const QString text = QInputDialog::getText(this, tr("Add label"), tr("Label (key=value):"), QLineEdit::Normal, {}, &ok).trimmed();
    if (!ok || text.isEmpty())
        return;
    const qsizetype eq = text.indexOf(u'=');
    const QString key = (eq < 0 ? text : text.left(eq)).trimmed();
    if (key.isEmpty() || key.contains(u' ')) {
        showError(tr("“%1” is not a label: use key=value, the key without spaces.").arg(text));
        return;
    }
    const QString value = eq < 0 ? QString() : text.mid(eq + 1).trimmed();
    for (const QString &id : ids)
        track(m_store->client()->setNodeLabel(id, key, value), tr("Adding label %1…").arg(key),
              tr("Label %1 added to %2.").arg(key, m_store->nodes()->hostnameOf(id)));
}

void NodesView::removeLabel()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QStringList keys;
    for (const QString &id : ids) {
        if (const NodeRecord *node = m_store->nodes()->find(id))
            keys << node->labels.keys();
    }
    keys.removeDuplicates();
    if (keys.isEmpty()) {
        showError(tr("The selected nodes have no labels."));
        return;
    }
    bool ok = false;
    const QString key = QInputDialog::getItem(this, tr("Remove label"), tr("Label:"), keys, 0, false, &ok);
    if (!ok)
        return;
    for (const QString &id : ids)
        track(m_store->client()->removeNodeLabel(id, key), tr("Removing label %1…").arg(key),
              tr("Label %1 removed from %2.").arg(key, m_store->nodes()->hostnameOf(id)));
}

void NodesView::removeNodes()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QStringList hosts;
    for (const QString &id : ids)
        hosts << m_store->nodes()->hostnameOf(id);
    if (!confirm(tr("Remove %1 from the swarm? A node that is still up must leave the swarm first.").arg(hosts.join(QLatin1String(", "))),
                 tr("Remove")))
        return;
    for (const QString &id : ids)
        track(m_store->client()->removeNode(id), tr("Removing %1…").arg(m_store->nodes()->hostnameOf(id)),
              tr("Node removed."));
}

} // namespace cape
