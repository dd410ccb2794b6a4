#include "nodetablemodel.h"

#include <QJsonArray>

namespace cape {

NodeTableModel::NodeTableModel(QObject *parent)
    : RecordTableModel(parent)
{
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString NodeTableModel::formatBytes(qint64 bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = double(bytes);
    int unit = 0;
    while (value >= 1024 && unit < 4) {
        value /= 1024;
        ++unit;
    }
    return QStringLiteral("%1 %2").arg(value, 0, 'f', unit == 0 ? 0 : 1).arg(QLatin1StringView(units[unit]));
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NodeRecord &node = at(index.row());
    switch (role) {
    case IdRole: return node.id;
    case StateRole:
        if (index.column() == Availability)
            return node.availability;
        if (index.column() == ManagerStatus)
            return node.managerStatus;
        return node.state;
    case FilterRole:
        return QStringList{node.hostname, node.role, node.state, node.availability, node.address, node.id}.join(u' ');
    case SortRole:
        if (index.column() == Cpus)
            return node.cpus;
        if (index.column() == Memory)
            return node.memoryBytes;
        if (index.column() == Tasks)
            return load(node.id).assigned;
        return data(index, Qt::DisplayRole);
    case Qt::ToolTipRole:
        if (index.column() == Labels)
            return data(index, Qt::DisplayRole).toString().replace(QLatin1String(", "), QLatin1String("\n"));
        return {};
    case Qt::DisplayRole:
        switch (index.column()) {
        case Hostname: return node.hostname;
        case Role: return node.role;
        case ManagerStatus: return node.managerStatus;
        case Availability: return node.availability;
        case Status: return node.state;
        case Tasks:
            return loadText(node);
        case EngineVersion: return node.engineVersion;
        case Cpus: return node.cpus > 0 ? QString::number(node.cpus, 'g', 3) : QString();
        case Memory: return node.memoryBytes > 0 ? formatBytes(node.memoryBytes) : QString();
        case Address: return node.address;
        case Labels: {
            QStringList pairs;
            for (auto it = node.labels.begin(); it != node.labels.end(); ++it)
                pairs << (it.value().isEmpty() ? it.key() : it.key() + u'=' + it.value());
            return pairs.join(QLatin1String(", "));
        }
        }
    }
    return {};
}

QVariant NodeTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Hostname: return tr("Hostname");
    case Role: return tr("Role");
    case ManagerStatus: return tr("Manager");
    case Availability: return tr("Availability");
    case Status: return tr("Status");
    case Tasks:
        return tr("Tasks");
    case EngineVersion: return tr("Engine");
    case Cpus: return tr("CPUs");
    case Memory: return tr("Memory");
    case Address: return tr("Address");
    case Labels: return tr("Labels");
    }
    return {};
}

void NodeTableModel::setNodes(const QJsonArray &nodes)
{
    QList<NodeRecord> records;
    records.reserve(nodes.size());
    for (const QJsonValue &node : nodes)
        records.append(NodeRecord::fromJson(node.toObject()));
    replaceAll(records);
}

void NodeTableModel::setLoads(const QHash<QString, TaskTally::NodeLoad> &loads)
{
    const QHash<QString, TaskTally::NodeLoad> before = std::exchange(m_load, loads);
    for (int row = 0; row < rowCount(); ++row) {
        const QString &id = at(row).id;
        if (before.value(id) != m_load.value(id))
            emit dataChanged(index(row, Tasks), index(row, Tasks), {Qt::DisplayRole, SortRole});
    }
}

QString NodeTableModel::loadText(const NodeRecord &node) const
{
    const TaskTally::NodeLoad tasks = load(node.id);
    if (!node.isReady() && tasks.assigned > 0)
        return tr("%1, state unknown").arg(tasks.assigned);
    if (tasks.running == tasks.assigned)
        return QString::number(tasks.assigned);
    return tr("%1 of %2 running").arg(tasks.running).arg(tasks.assigned);
}

QString NodeTableModel::hostnameOf(const QString &id) const
{
    const NodeRecord *node = find(id);
    return node ? node->hostname : QString();
}

} // namespace cape
