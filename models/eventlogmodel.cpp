#include "eventlogmodel.h"

#include "modelroles.h"

#include <QDateTime>
#include <QLocale>

namespace cape {

namespace {
// Today's times by the clock, other days' with their date.
QString clockText(qint64 ms)
{
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const QLocale locale;
    return at.date() == QDate::currentDate()
               ? at.toString(QStringLiteral("HH:mm:ss"))
               : locale.toString(at.date(), QLocale::ShortFormat) + at.toString(QStringLiteral(" HH:mm:ss"));
}
} // namespace

EventLogModel::EventLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(capacity)
{}

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

EventLogModel::Entry EventLogModel::describe(const QJsonObject &event, const QString &node)
{
    Entry e;
    const qint64 ns = event.value(QLatin1String("timeNano")).toInteger();
    e.timeMs = ns ? ns / 1000000 : event.value(QLatin1String("time")).toInteger() * 1000;
    e.type = event.value(QLatin1String("Type")).toString();
    e.action = event.value(QLatin1String("Action")).toString();
    e.node = node;
    const QJsonObject actor = event.value(QLatin1String("Actor")).toObject();
    const QJsonObject attributes = actor.value(QLatin1String("Attributes")).toObject();
    // A task's container: "web.2", not "web.2.x7f3k…" (the task ID says
    // nothing to a reader and pushes the name out of its column).
    const QString taskName = attributes.value(QLatin1String("com.docker.swarm.task.name")).toString();
    const QString taskId = attributes.value(QLatin1String("com.docker.swarm.task.id")).toString();
    e.object = taskName.isEmpty() ? attributes.value(QLatin1String("name")).toString() : taskName;
    if (!taskId.isEmpty() && e.object.endsWith(QLatin1Char('.') + taskId))
        e.object.chop(taskId.size() + 1);
    // A global service's task is named by its node's ID: by its node's name here.
    const QString nodeId = attributes.value(QLatin1String("com.docker.swarm.node.id")).toString();
    if (!node.isEmpty() && !nodeId.isEmpty() && e.object.endsWith(QLatin1Char('.') + nodeId))
        e.object = e.object.chopped(nodeId.size()) + node;
    e.actorId = actor.value(QLatin1String("ID")).toString();
    if (e.object.isEmpty())
        e.object = e.actorId.left(12);
    QStringList details;
    for (auto it = attributes.begin(); it != attributes.end(); ++it) {
        // The interesting part of an update: what changed ("replicas.new").
        if (it.key().endsWith(QLatin1String(".new")) || it.key() == QLatin1String("exitCode") ||
            it.key() == QLatin1String("image"))
            details << it.key() + u'=' + it.value().toString();
    }
    e.details = details.join(QLatin1String(", "));
    return e;
}

void EventLogModel::append(const QJsonObject &event, const QString &node)
{
    // Newest first; history fetched after live events still lands in order.
    Entry entry = describe(event, node);
    int row = 0;
    while (row < m_entries.size() && m_entries.at(row).timeMs > entry.timeMs)
        ++row;
    if (row >= m_capacity)
        return;
    const qint64 oldest = historyFrom();
    beginInsertRows({}, row, row);
    m_entries.insert(row, std::move(entry));
    endInsertRows();
    if (m_entries.size() > m_capacity) {
        const int last = int(m_entries.size()) - 1;
        beginRemoveRows({}, m_capacity, last);
        m_entries.remove(m_capacity, last - m_capacity + 1);
        endRemoveRows();
    }
    if (historyFrom() != oldest)
        emit coverageChanged();
}

void EventLogModel::clear()
{
    if (m_entries.isEmpty())
        return;
    beginResetModel();
    m_entries.clear();
    endResetModel();
    emit coverageChanged();
}

void EventLogModel::setNodeNames(std::function<QString(const QString &id)> nameOf)
{
    m_nodeName = std::move(nameOf);
    nodeNamesChanged();
}

void EventLogModel::nodeNamesChanged()
{
    if (!m_entries.isEmpty())
        emit dataChanged(index(0, Object), index(int(m_entries.size()) - 1, Object));
}

void EventLogModel::setLiveSince(qint64 ms)
{
    if (m_liveSinceMs == ms)
        return;
    m_liveSinceMs = ms;
    emit coverageChanged();
}

QString EventLogModel::coverageText() const
{
    if (m_liveSinceMs == 0)
        return tr("Not following the cluster's events.");
    const QString live = clockText(m_liveSinceMs);
    const qint64 from = historyFrom();
    if (m_entries.size() >= m_capacity)
        return tr("The newest %1 events of this session, from %2.")
            .arg(QLocale().toString(m_capacity), clockText(from));
    if (from == 0 || from >= m_liveSinceMs)
        return tr("Every event since %1, when Cape connected.").arg(live);
    return tr("Every event since %1, when Cape connected; before that, what the engine still kept, from %2.")
        .arg(live, clockText(from));
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Entry &e = m_entries.at(index.row());
    if (role == SortRole && index.column() == Time)
        return e.timeMs;
    if (role == FilterRole)
        return QStringList{e.type, e.action, e.object, e.node, e.details}.join(u' ');
    if (role == StateRole)
        return e.action;
    if (role != Qt::DisplayRole && role != SortRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(e.timeMs).toString(QStringLiteral("HH:mm:ss"));
    case Type:
        return e.type;
    case Action:
        return e.action;
    case Object:
        if (e.type == QLatin1String("node") && m_nodeName) {
            if (const QString name = m_nodeName(e.actorId); !name.isEmpty())
                return name;
        }
        return e.object;
    case Node:
        return e.node;
    case Details:
        return e.details;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Type:
        return tr("Type");
    case Action:
        return tr("Action");
    case Object:
        return tr("Object");
    case Node:
        return tr("Node");
    case Details:
        return tr("Details");
    }
    return {};
}

} // namespace cape
