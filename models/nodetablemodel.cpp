#include "nodetablemodel.h"

#include <QHash>

namespace cape {

namespace {
QString idOf(const QJsonObject &node)
{
    return node.value(QLatin1String("ID")).toString();
}
QJsonObject sub(const QJsonObject &o, const char *key)
{
    return o.value(QLatin1String(key)).toObject();
}
} // namespace

NodeTableModel::NodeTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{
}

int NodeTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_nodes.size());
}

int NodeTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString NodeTableModel::cell(const QJsonObject &node, int column)
{
    switch (column) {
    case Hostname: return sub(node, "Description").value(QLatin1String("Hostname")).toString();
    case Role: return sub(node, "Spec").value(QLatin1String("Role")).toString();
    case ManagerStatus: {
        const QJsonObject manager = sub(node, "ManagerStatus");
        if (manager.isEmpty())
            return {};
        return manager.value(QLatin1String("Leader")).toBool()
                   ? QStringLiteral("leader")
                   : manager.value(QLatin1String("Reachability")).toString();
    }
    case Availability: return sub(node, "Spec").value(QLatin1String("Availability")).toString();
    case Status: return sub(node, "Status").value(QLatin1String("State")).toString();
    case EngineVersion:
        return sub(sub(node, "Description"), "Engine").value(QLatin1String("EngineVersion")).toString();
    case Address: return sub(node, "Status").value(QLatin1String("Addr")).toString();
    }
    return {};
}

QVariant NodeTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject &node = m_nodes.at(index.row());
    switch (role) {
    case Qt::DisplayRole: return cell(node, index.column());
    case IdRole: return idOf(node);
    case StateRole: return cell(node, Status);
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
    case EngineVersion: return tr("Engine");
    case Address: return tr("Address");
    }
    return {};
}

void NodeTableModel::setNodes(const QJsonArray &nodes)
{
    QHash<QString, QJsonObject> incoming;
    QStringList order;
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        incoming.insert(idOf(node), node);
        order.append(idOf(node));
    }
    // Remove rows that are gone, from the bottom so indexes stay valid.
    for (int row = int(m_nodes.size()) - 1; row >= 0; --row) {
        if (!incoming.contains(idOf(m_nodes.at(row)))) {
            beginRemoveRows({}, row, row);
            m_nodes.removeAt(row);
            endRemoveRows();
        }
    }
    QHash<QString, int> rowOf;
    for (int row = 0; row < m_nodes.size(); ++row)
        rowOf.insert(idOf(m_nodes.at(row)), row);
    for (const QString &id : std::as_const(order)) {
        const QJsonObject &node = incoming[id];
        const auto found = rowOf.constFind(id);
        if (found == rowOf.constEnd()) {
            const int row = int(m_nodes.size());
            beginInsertRows({}, row, row);
            m_nodes.append(node);
            endInsertRows();
        } else if (m_nodes.at(*found) != node) {
            m_nodes[*found] = node;
            emit dataChanged(index(*found, 0), index(*found, ColumnCount - 1));
        }
    }
}

} // namespace cape
