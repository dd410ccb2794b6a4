#include "stacktablemodel.h"

namespace cape {

StackTableModel::StackTableModel(QObject *parent)
    : RecordTableModel(parent)
{
}

int StackTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StackTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const StackRecord &stack = at(index.row());
    switch (role) {
    case IdRole: return stack.id;
    case FilterRole: return stack.id;
    case StateRole:
        return stack.running >= stack.desired ? QStringLiteral("converged")
               : stack.running == 0           ? QStringLiteral("down")
                                              : QStringLiteral("degraded");
    case SortRole:
        switch (index.column()) {
        case Services: return stack.services;
        case Replicas: return stack.desired ? double(stack.running) / stack.desired : 1.0;
        case Networks: return stack.networks;
        }
        return stack.id;
    case Qt::DisplayRole:
        switch (index.column()) {
        case Name: return stack.id;
        case Services: return stack.services;
        case Replicas: return QStringLiteral("%1/%2").arg(stack.running).arg(stack.desired);
        case Networks: return stack.networks;
        }
    }
    return {};
}

QVariant StackTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Stack");
    case Services: return tr("Services");
    case Replicas: return tr("Replicas");
    case Networks: return tr("Networks");
    }
    return {};
}

} // namespace cape
