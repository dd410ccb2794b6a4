#include "tasktablemodel.h"

#include "nodetablemodel.h"
#include "servicetablemodel.h"

#include <QDateTime>

namespace cape {

TaskTableModel::TaskTableModel(const ServiceTableModel *services, const NodeTableModel *nodes, QObject *parent)
    : RecordTableModel(parent)
    , m_services(services)
    , m_nodes(nodes)
{
    m_clock.setInterval(20000);
    connect(&m_clock, &QTimer::timeout, this, [this] { columnsChanged(Since, Since); });
    m_clock.start();
}

int TaskTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TaskTableModel::taskName(const TaskRecord &task) const
{
    QString service = m_services->nameOf(task.serviceId);
    if (service.isEmpty())
        service = task.serviceId.left(12);
    if (task.slot > 0)
        return service + u'.' + QString::number(task.slot);
    const QString node = m_nodes->hostnameOf(task.nodeId);
    return service + u'.' + (node.isEmpty() ? task.nodeId.left(12) : node);
}

QString TaskTableModel::describeSince(qint64 sinceMs, qint64 nowMs)
{
    if (sinceMs <= 0)
        return {};
    const qint64 seconds = std::max<qint64>(0, (nowMs - sinceMs) / 1000);
    if (seconds < 2)
        return tr("just now");
    if (seconds < 60)
        return tr("%n second(s) ago", nullptr, int(seconds));
    if (seconds < 3600)
        return tr("%n minute(s) ago", nullptr, int(seconds / 60));
    if (seconds < 86400)
        return tr("%n hour(s) ago", nullptr, int(seconds / 3600));
    return tr("%n day(s) ago", nullptr, int(seconds / 86400));
}

QVariant TaskTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const TaskRecord &task = at(index.row());
    switch (role) {
    case IdRole: return task.id;
    case ServiceIdRole: return task.serviceId;
    case NodeIdRole: return task.nodeId;
    case HistoryRole: return task.isHistory();
    case StateRole: return index.column() == DesiredState ? task.desiredState : task.state;
    case FilterRole:
        return QStringList{taskName(task), m_nodes->hostnameOf(task.nodeId), task.state, task.error, task.id}.join(u' ');
    case SortRole:
        switch (index.column()) {
        case Name:
            // web.2 before web.10
            return m_services->nameOf(task.serviceId) + QStringLiteral(".%1").arg(task.slot, 6, 10, QLatin1Char('0'))
                   + m_nodes->hostnameOf(task.nodeId) + QString::number(-task.createdMs);
        case Since: return task.sinceMs;
        case ExitCode: return task.exitCode;
        }
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == Since && task.sinceMs)
            return QDateTime::fromMSecsSinceEpoch(task.sinceMs).toString(Qt::ISODateWithMs);
        if (index.column() == Error)
            return task.error.isEmpty() ? task.message : task.error;
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return taskName(task);
        case Node: return m_nodes->hostnameOf(task.nodeId);
        case DesiredState: return task.desiredState;
        case State: return task.state;
        case Since: return describeSince(task.sinceMs, QDateTime::currentMSecsSinceEpoch());
        case Error: return task.error;
        case ExitCode: return task.exitCode >= 0 ? QString::number(task.exitCode) : QString();
        case Image: return task.image;
        case Id: return task.id.left(12);
        }
    }
    return {};
}

QVariant TaskTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Task");
    case Node: return tr("Node");
    case DesiredState: return tr("Desired");
    case State: return tr("State");
    case Since: return tr("Since");
    case Error: return tr("Error");
    case ExitCode: return tr("Exit");
    case Image: return tr("Image");
    case Id: return tr("ID");
    }
    return {};
}

} // namespace cape
