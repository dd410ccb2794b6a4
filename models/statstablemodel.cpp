#include "statstablemodel.h"

#include "clusterstore.h"
#include "modelroles.h"
#include "nodetablemodel.h"
#include "servicetablemodel.h"

#include <QSet>

#include <algorithm>

namespace cape {

StatsTableModel::StatsTableModel(StatsCollector *collector, QObject *parent)
    : QAbstractTableModel(parent)
    , m_collector(collector)
{
    connect(collector, &StatsCollector::changed, this, &StatsTableModel::refresh);
    refresh();
}

void StatsTableModel::setGrouping(StatsCollector::Group group)
{
    if (group == StatsCollector::Group::Cluster || group == m_group)
        return;
    // Other rows, other columns: a different table.
    beginResetModel();
    m_group = group;
    m_rows.clear();
    m_rowOf.clear();
    endResetModel();
    emit headerDataChanged(Qt::Horizontal, 0, ColumnCount - 1);
    refresh();
}

bool StatsTableModel::isColumnUsed(int column) const
{
    switch (column) {
    case Service:
        return m_group == StatsCollector::Group::Container;
    case Node:
        return m_group != StatsCollector::Group::Node;
    case Count:
        return m_group != StatsCollector::Group::Container;
    default:
        return column >= 0 && column < ColumnCount;
    }
}

int StatsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int StatsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString StatsTableModel::formatPercent(double percent)
{
    return tr("%1 %").arg(percent, 0, 'f', percent >= 100.0 ? 0 : 1);
}

QString StatsTableModel::formatRate(double bytesPerSecond)
{
    return tr("%1/s").arg(NodeTableModel::formatBytes(qint64(bytesPerSecond)));
}

QHash<QString, StatsTableModel::Row> StatsTableModel::wantedRows() const
{
    using Group = StatsCollector::Group;
    QHash<QString, Row> rows;
    QHash<QString, QString> nodeNames;
    for (const StatsCollector::Engine &engine : m_collector->engines())
        nodeNames.insert(engine.nodeId, engine.nodeName);
    const auto groups = m_collector->groups(m_group);
    for (auto it = groups.cbegin(); it != groups.cend(); ++it) {
        const QList<const StatsCollector::Container *> &members = it.value();
        Row row;
        row.key = it.key();
        row.value = m_collector->current(m_group, row.key, members);
        row.count = int(members.size());
        switch (m_group) {
        case Group::Container: {
            const StatsCollector::Container *c = members.first();
            row.name = c->displayName;
            row.fullName = c->name;
            row.service = c->serviceName;
            row.node = c->nodeName;
            break;
        }
        case Group::Service: {
            row.name = members.first()->serviceName;
            QStringList nodes;
            for (const StatsCollector::Container *c : members) {
                if (!nodes.contains(c->nodeName))
                    nodes << c->nodeName;
            }
            nodes.sort();
            row.node = nodes.join(QLatin1String(", "));
            if (m_collector->store()->services()->find(row.key))
                row.running = m_collector->store()->services()->replicas(row.key).running;
            break;
        }
        case Group::Node:
            row.name = nodeNames.value(row.key);
            break;
        case Group::Cluster:
            break;
        }
        rows.insert(row.key, row);
    }
    return rows;
}

void StatsTableModel::refresh()
{
    QHash<QString, Row> wanted = wantedRows();
    // Gone rows leave in contiguous blocks, from the end.
    for (int last = int(m_rows.size()) - 1; last >= 0;) {
        if (wanted.contains(m_rows.at(last).key)) {
            --last;
            continue;
        }
        int first = last;
        while (first > 0 && !wanted.contains(m_rows.at(first - 1).key))
            --first;
        for (int r = first; r <= last; ++r)
            m_removing.insert(m_rows.at(r).key);
        beginRemoveRows({}, first, last);
        for (int r = first; r <= last; ++r)
            m_rowOf.remove(m_rows.at(r).key);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
        m_removing.clear();
        last = first - 1;
    }
    for (int r = 0; r < m_rows.size(); ++r)
        m_rowOf[m_rows.at(r).key] = r;
    // Rows that moved change in place, told in one range: a sorting proxy
    // re-sorts once per refresh, not once per row.
    int firstChanged = -1, lastChanged = -1;
    for (int r = 0; r < m_rows.size(); ++r) {
        Row row = wanted.take(m_rows.at(r).key);
        if (row == m_rows.at(r))
            continue;
        m_rows[r] = std::move(row);
        if (firstChanged < 0)
            firstChanged = r;
        lastChanged = r;
    }
    if (firstChanged >= 0)
        emit dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    if (wanted.isEmpty())
        return;
    QList<Row> added = wanted.values();
    std::sort(added.begin(), added.end(), [](const Row &a, const Row &b) { return a.name < b.name; });
    const int end = int(m_rows.size());
    beginInsertRows({}, end, end + int(added.size()) - 1);
    for (Row &row : added) {
        m_rowOf.insert(row.key, int(m_rows.size()));
        m_rows.append(std::move(row));
    }
    endInsertRows();
}

QVariant StatsTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const int column = index.column();
    const auto point = row.value.value_or(StatsSeries::Point{});
    const double memoryPercent = point.memoryLimit > 0 ? point.memoryUsed / point.memoryLimit * 100.0 : 0.0;
    const bool numeric = column >= Cpu && column <= Pids;

    switch (role) {
    case IdRole:
        return row.key;
    case FilterRole:
        return QStringList{row.name, row.fullName, row.service, row.node, row.key}.join(u' ');
    case Qt::TextAlignmentRole:
        if (numeric || column == Count)
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        return {};
    case Qt::ToolTipRole:
        if (column == Name && !row.fullName.isEmpty())
            return tr("%1\n%2").arg(row.fullName, row.key);
        if (column == Count && row.running > row.count)
            return tr("%1 of %2 running replicas report stats: the others run on nodes Cape has no engine "
                      "endpoint for")
                .arg(row.count)
                .arg(row.running);
        return {};
    case SortRole:
        switch (column) {
        case Name:
            return row.name.toLower();
        case Service:
            return row.service.toLower();
        case Node:
            return row.node.toLower();
        case Cpu:
            return point.cpuPercent;
        case Memory:
            return point.memoryUsed;
        case MemoryLimit:
            return point.memoryLimit;
        case MemoryPercent:
            return memoryPercent;
        case NetworkRx:
            return point.networkRxRate;
        case NetworkTx:
            return point.networkTxRate;
        case BlockRead:
            return point.blockReadRate;
        case BlockWrite:
            return point.blockWriteRate;
        case Pids:
            return point.pids;
        case Count:
            return row.count;
        }
        return {};
    case Qt::DisplayRole:
        if (numeric && !row.value)
            return QStringLiteral("–"); // no sample yet
        switch (column) {
        case Name:
            return row.name;
        case Service:
            return row.service;
        case Node:
            return row.node;
        case Cpu:
            return formatPercent(point.cpuPercent);
        case Memory:
            return NodeTableModel::formatBytes(qint64(point.memoryUsed));
        case MemoryLimit:
            return point.memoryLimit > 0 ? NodeTableModel::formatBytes(qint64(point.memoryLimit)) : QString();
        case MemoryPercent:
            return point.memoryLimit > 0 ? formatPercent(memoryPercent) : QString();
        case NetworkRx:
            return formatRate(point.networkRxRate);
        case NetworkTx:
            return formatRate(point.networkTxRate);
        case BlockRead:
            return formatRate(point.blockReadRate);
        case BlockWrite:
            return formatRate(point.blockWriteRate);
        case Pids:
            return QString::number(qint64(point.pids + 0.5));
        case Count:
            if (m_group == StatsCollector::Group::Container)
                return QString();
            if (row.running > row.count)
                return tr("%1 of %2").arg(row.count).arg(row.running);
            return QString::number(row.count);
        }
        return {};
    }
    return {};
}

QVariant StatsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    if (role != Qt::DisplayRole)
        return {};
    using Group = StatsCollector::Group;
    switch (section) {
    case Name:
        return m_group == Group::Service ? tr("Service")
               : m_group == Group::Node  ? tr("Node")
                                         : tr("Container");
    case Service:
        return tr("Service");
    case Node:
        return m_group == Group::Service ? tr("Nodes") : tr("Node");
    case Cpu:
        return tr("CPU");
    case Memory:
        return tr("Memory");
    case MemoryLimit:
        return tr("Limit");
    case MemoryPercent:
        return tr("Mem %");
    case NetworkRx:
        return tr("Net in");
    case NetworkTx:
        return tr("Net out");
    case BlockRead:
        return tr("Disk read");
    case BlockWrite:
        return tr("Disk write");
    case Pids:
        return tr("PIDs");
    case Count:
        return m_group == Group::Node ? tr("Containers") : tr("Replicas");
    }
    return {};
}

} // namespace cape
