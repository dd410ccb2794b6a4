#include "servicetablemodel.h"

#include "jsonpath.h"

#include <QDateTime>
#include <QLocale>

namespace cape {

ServiceTableModel::ServiceTableModel(QObject *parent)
    : RecordTableModel(parent)
{
}

int ServiceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

ServiceTableModel::ReplicaCount ServiceTableModel::replicas(const QString &id) const
{
    const auto found = m_replicas.constFind(id);
    if (found != m_replicas.constEnd())
        return *found;
    const ServiceRecord *service = find(id);
    if (!service)
        return {};
    return {std::max(service->statusRunning, 0),
            service->statusDesired >= 0 ? service->statusDesired : std::max(service->specReplicas, 0)};
}

void ServiceTableModel::setReplicas(const QString &id, ReplicaCount count)
{
    auto found = m_replicas.find(id);
    if (found != m_replicas.end() && *found == count)
        return;
    m_replicas.insert(id, count);
    const int row = rowOf(id);
    if (row >= 0)
        emit dataChanged(index(row, 0), index(row, ColumnCount - 1), {Qt::DisplayRole, SortRole, StateRole});
}

QString ServiceTableModel::nameOf(const QString &id) const
{
    const ServiceRecord *service = find(id);
    return service ? service->name : QString();
}

QString ServiceTableModel::healthOf(const ServiceRecord &service) const
{
    if (service.updateState == QLatin1String("updating") || service.updateState == QLatin1String("rollback_started"))
        return QStringLiteral("updating");
    if (service.updateState == QLatin1String("paused") || service.updateState == QLatin1String("rollback_paused"))
        return QStringLiteral("paused");
    const ReplicaCount count = replicas(service.id);
    if (service.mode.endsWith(QLatin1String("-job")))
        return QStringLiteral("converged");
    if (count.running >= count.desired)
        return QStringLiteral("converged");
    return count.running == 0 ? QStringLiteral("down") : QStringLiteral("degraded");
}

QVariant ServiceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ServiceRecord &service = at(index.row());
    switch (role) {
    case IdRole: return service.id;
    case StackNameRole: return service.stack;
    case StateRole:
        if (index.column() == UpdateState)
            return service.updateState;
        return healthOf(service);
    case FilterRole: return QStringList{service.name, service.stack, service.image, service.mode, service.id}.join(u' ');
    case SortRole:
        switch (index.column()) {
        case Replicas: {
            const auto count = replicas(service.id);
            // Degraded services first when ascending: the ratio, then the size.
            return count.desired ? double(count.running) / count.desired + count.desired * 1e-6 : 1.0;
        }
        case Updated: return service.updatedMs;
        }
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == UpdateState && !service.updateMessage.isEmpty())
            return service.updateMessage;
        if (index.column() == Image)
            return json::string(service.raw, {"Spec", "TaskTemplate", "ContainerSpec", "Image"});
        if (index.column() == Updated && service.updatedMs)
            return QDateTime::fromMSecsSinceEpoch(service.updatedMs).toString(Qt::ISODate);
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return service.name;
        case Stack: return service.stack;
        case Mode: return service.mode;
        case Image: return service.image;
        case Replicas: {
            const auto count = replicas(service.id);
            return QStringLiteral("%1/%2").arg(count.running).arg(count.desired);
        }
        case Ports: return service.ports.join(QLatin1String(", "));
        case UpdateState:
            return updateStateText(service.updateState);
        case Updated:
            return service.updatedMs ? shortTime(service.updatedMs) : QString();
        }
    }
    return {};
}

QString ServiceTableModel::updateStateText(const QString &state)
{
    if (state == QLatin1String("updating"))
        return tr("updating");
    if (state == QLatin1String("paused"))
        return tr("paused");
    if (state == QLatin1String("completed"))
        return tr("updated");
    if (state == QLatin1String("rollback_started"))
        return tr("rolling back");
    if (state == QLatin1String("rollback_paused"))
        return tr("rollback paused");
    if (state == QLatin1String("rollback_completed"))
        return tr("rolled back");
    return state;
}

QString ServiceTableModel::shortTime(qint64 ms)
{
    // Today's by the clock; older ones with their day: never stale, and
    // short enough for its column.
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const QLocale locale;
    if (at.date() == QDate::currentDate())
        return locale.toString(at.time(), QLocale::ShortFormat);
    return locale.toString(at.date(), QLocale::ShortFormat) + u' ' +
           locale.toString(at.time(), QLocale::ShortFormat);
}

QVariant ServiceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Name");
    case Stack: return tr("Stack");
    case Mode: return tr("Mode");
    case Image: return tr("Image");
    case Replicas: return tr("Replicas");
    case Ports: return tr("Ports");
    case UpdateState: return tr("Update");
    case Updated: return tr("Updated");
    }
    return {};
}

} // namespace cape
