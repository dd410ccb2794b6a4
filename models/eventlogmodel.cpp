#include "eventlogmodel.h"

#include "modelroles.h"

#include <QDateTime>

namespace cape {

EventLogModel::EventLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(capacity)
{
}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

EventLogModel::Entry EventLogModel::describe(const QJsonObject &event)
{
    Entry e;
    const qint64 ns = event.value(QLatin1String("timeNano")).toInteger();
    e.timeMs = ns ? ns / 1000000 : event.value(QLatin1String("time")).toInteger() * 1000;
    e.type = event.value(QLatin1String("Type")).toString();
    e.action = event.value(QLatin1String("Action")).toString();
    const QJsonObject actor = event.value(QLatin1String("Actor")).toObject();
    const QJsonObject attributes = actor.value(QLatin1String("Attributes")).toObject();
    e.object = attributes.value(QLatin1String("name")).toString();
    if (e.object.isEmpty())
        e.object = actor.value(QLatin1String("ID")).toString().left(12);
    QStringList details;
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        // The interesting part of an update: what changed ("replicas.new").
        if (it.key().endsWith(QLatin1String(".new")) || it.key() == QLatin1String("exitCode")
            || it.key() == QLatin1String("image") || it.key() == QLatin1String("com.docker.swarm.task.name"))
            details << it.key() + u'=' + it.value().toString();
    }
    e.details = details.join(QLatin1String(", "));
    return e;
}

void EventLogModel::append(const QJsonObject &event)
{
    // Newest first; history fetched after live events still lands in order.
    Entry entry = describe(event);
    int row = 0;
    while (row < m_entries.size() && m_entries.at(row).timeMs > entry.timeMs)
        ++row;
    if (row >= m_capacity)
        return;
    beginInsertRows({}, row, row);
    m_entries.insert(row, std::move(entry));
    endInsertRows();
    if (m_entries.size() > m_capacity) {
        const int last = int(m_entries.size()) - 1;
        beginRemoveRows({}, m_capacity, last);
        m_entries.remove(m_capacity, last - m_capacity + 1);
        endRemoveRows();
    }
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    if (role == SortRole && index.column() == Time)
        return e.timeMs;
    if (role == FilterRole)
        return QStringList{e.type, e.action, e.object, e.details}.join(u' ');
    if (role == StateRole)
        return e.action;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Time: return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss"));
    case Type: return e.type;
    case Action: return e.action;
    case Object: return e.object;
    case Details: return e.details;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time: return tr("Time");
    case Type: return tr("Type");
    case Action: return tr("Action");
    case Object: return tr("Object");
    case Details: return tr("Details");
    }
    return {};
}

} // namespace cape
