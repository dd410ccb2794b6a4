#include "eventsourcetablemodel.h"

#include "modelroles.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cape {

namespace {

using Event = EventsourceClient::Event;

EventsourceClient::Index indexOf(EventsourceTableModel::Query::Kind kind)
{
    using Kind = EventsourceTableModel::Query::Kind;
    switch (kind) {
    case Kind::Process:
        return EventsourceClient::Index::DomainAndPid;
    case Kind::Pid:
        return EventsourceClient::Index::Pid;
    case Kind::Ppid:
        return EventsourceClient::Index::Ppid;
    case Kind::Name:
    case Kind::Recent:
        break;
    }
    return EventsourceClient::Index::Name;
}

QString summary(const QJsonValue &data)
{
    QByteArray text;
    if (data.isObject())
        text = QJsonDocument(data.toObject()).toJson(QJsonDocument::Compact);
    else if (data.isArray())
        text = QJsonDocument(data.toArray()).toJson(QJsonDocument::Compact);
    else
        text = QJsonDocument(QJsonArray{data}).toJson(QJsonDocument::Compact).chopped(1).mid(1);
    return text.size() > 160 ? QString::fromUtf8(text.left(157)) + QStringLiteral("…")
                             : QString::fromUtf8(text);
}

} // namespace

EventsourceTableModel::EventsourceTableModel(EventsourceClient *client, QObject *parent)
    : QAbstractTableModel(parent)
    , m_client(client)
{}

void EventsourceTableModel::setQuery(const Query &query)
{
    beginResetModel();
    m_query = query;
    m_rows.clear();
    m_ids.clear();
    m_pageStarts = {QByteArrayLiteral("0")};
    m_held.clear();
    m_firstPage = 0;
    m_rowsAbove = 0;
    m_rowsOfPage.clear();
    m_newerArrived = 0;
    m_liveRows = 0;
    m_exhausted = false;
    m_loading = false;
    m_error.clear();
    m_total = -1;
    ++m_generation;
    endResetModel();
    emit totalChanged(m_total);
    emit windowChanged();

    // Not connected yet: asked again once it is (EventsourceView does).
    if (!m_client || !m_client->isReady())
        return;
    const int generation = m_generation;
    const auto counted = [this, generation](qint64 total, const QString &error) {
        if (generation != m_generation)
            return;
        if (!error.isEmpty()) {
            m_error = error;
            emit failed(error);
            return;
        }
        m_total = total;
        emit totalChanged(total);
    };
    if (query.kind != Query::Kind::Recent)
        m_client->countEventlog(indexOf(query.kind), query.domain, query.key, counted, query.fromMs,
                                query.toMs);
    else if (!query.hasTimeRange())
        m_client->countEvents(counted);
    fetchMore({});
}

int EventsourceTableModel::rowOf(const QString &id) const
{
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).id == id)
            return row;
    }
    return -1;
}

bool EventsourceTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_exhausted && !m_loading;
}

void EventsourceTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent) || !m_client || !m_client->isReady())
        return;
    m_wanted = PageSize;
    fetchPage();
}

// Page `index` of the query, newest first; `last` when nothing follows it.
void EventsourceTableModel::readPage(
    int index, const std::function<void(const QList<Event> &, bool last, const QString &error)> &done)
{
    if (m_query.kind == Query::Kind::Recent) {
        m_client->scanEvents(m_pageStarts.value(index, QByteArrayLiteral("0")), PageSize,
                             [this, index, done](const QByteArray &next, QList<Event> events, const QString &error) {
                                 if (error.isEmpty() && index + 1 == m_pageStarts.size() && next != "0")
                                     m_pageStarts.append(next); // where the next page starts
                                 // A page of the hash, newest first (the hash itself has no order).
                                 std::sort(events.begin(), events.end(), [](const Event &a, const Event &b) {
                                     return a.timestampMs > b.timestampMs;
                                 });
                                 done(events, next == "0", error);
                             });
        return;
    }
    m_client->readEventlogPage(
        indexOf(m_query.kind), m_query.domain, m_query.key, qint64(index) * PageSize, PageSize,
        [done](const QList<Event> &events, const QString &error) { done(events, events.size() < PageSize, error); },
        m_query.fromMs, m_query.toMs);
}

void EventsourceTableModel::fetchPage()
{
    m_loading = true;
    emit loadingChanged(true);
    const int generation = m_generation;
    const int index = m_firstPage + int(m_held.size());
    readPage(index, [this, generation, index](const QList<Event> &events, bool last, const QString &error) {
        if (generation != m_generation)
            return;
        if (error.isEmpty()) {
            m_exhausted = last;
            const int added = append(events);
            m_held.append({index, added});
            m_rowsOfPage.insert(index, added);
            m_wanted -= added;
            trimTop();
        }
        finishPage(generation, error);
        // A time range thins the hash's pages out: scan on until a page's
        // worth has come (or the hash ends), as a view asks for a page.
        if (m_wanted > 0 && m_query.kind == Query::Kind::Recent && m_query.hasTimeRange() && error.isEmpty()
            && !m_exhausted)
            fetchPage();
    });
}

void EventsourceTableModel::fetchNewer()
{
    if (!hasNewer() || m_loading || !m_client || !m_client->isReady())
        return;
    m_loading = true;
    emit loadingChanged(true);
    const int generation = m_generation;
    const int index = m_firstPage - 1;
    readPage(index, [this, generation, index](const QList<Event> &events, bool, const QString &error) {
        if (generation != m_generation)
            return;
        if (error.isEmpty()) {
            const int added = prepend(events);
            m_held.prepend({index, added});
            m_firstPage = index;
            m_rowsAbove = std::max<qint64>(0, m_rowsAbove - m_rowsOfPage.value(index));
            m_rowsOfPage.insert(index, added);
            if (m_firstPage == 0)
                m_newerArrived = 0; // what was followed meanwhile is in the pages read back
            emit rowsShiftedAbove(added);
            trimBottom();
            emit windowChanged();
        }
        finishPage(generation, error);
    });
}

int EventsourceTableModel::append(const QList<Event> &events)
{
    QList<Event> fresh;
    for (const Event &event : events) {
        if (!m_ids.contains(event.id) && inTimeRange(event))
            fresh << event;
    }
    if (fresh.isEmpty())
        return 0;
    beginInsertRows({}, int(m_rows.size()), int(m_rows.size() + fresh.size()) - 1);
    for (const Event &event : std::as_const(fresh)) {
        m_ids.insert(event.id);
        m_rows << event;
    }
    endInsertRows();
    return int(fresh.size());
}

int EventsourceTableModel::prepend(const QList<Event> &events)
{
    QList<Event> fresh;
    for (const Event &event : events) {
        if (!m_ids.contains(event.id) && inTimeRange(event))
            fresh << event;
    }
    if (fresh.isEmpty())
        return 0;
    beginInsertRows({}, 0, int(fresh.size()) - 1);
    for (const Event &event : std::as_const(fresh))
        m_ids.insert(event.id);
    m_rows = fresh + m_rows;
    endInsertRows();
    return int(fresh.size());
}

void EventsourceTableModel::removeRows(int first, int count)
{
    if (count <= 0)
        return;
    beginRemoveRows({}, first, first + count - 1);
    for (int row = first; row < first + count; ++row)
        m_ids.remove(m_rows.at(row).id);
    m_rows.remove(first, count);
    endRemoveRows();
}

// Reading on past the window lets its newest pages go.
void EventsourceTableModel::trimTop()
{
    int dropped = 0;
    while (m_held.size() > m_windowPages) {
        const HeldPage page = m_held.takeFirst();
        const int rows = page.rows + std::exchange(m_liveRows, 0);
        removeRows(0, rows);
        dropped += rows;
        m_rowsAbove += rows;
        m_firstPage = m_held.first().index;
    }
    if (dropped > 0) {
        emit rowsShiftedAbove(-dropped);
        emit windowChanged();
    }
}

// Reading back up lets the oldest pages go; they can be read on again.
void EventsourceTableModel::trimBottom()
{
    while (m_held.size() > m_windowPages) {
        const HeldPage page = m_held.takeLast();
        removeRows(int(m_rows.size()) - page.rows, page.rows);
        m_exhausted = false;
    }
}

void EventsourceTableModel::finishPage(int generation, const QString &error)
{
    if (generation != m_generation)
        return;
    m_loading = false;
    if (!error.isEmpty()) {
        m_error = error;
        emit failed(error);
    }
    emit loadingChanged(false);
}

bool EventsourceTableModel::inTimeRange(const Event &event) const
{
    return !(m_query.fromMs && event.timestampMs < *m_query.fromMs) &&
           !(m_query.toMs && event.timestampMs > *m_query.toMs);
}

bool EventsourceTableModel::matches(const Event &event) const
{
    if (!inTimeRange(event))
        return false;
    switch (m_query.kind) {
    case Query::Kind::Recent:
        return true;
    case Query::Kind::Process:
        return event.domain == m_query.domain && event.pid == m_query.key;
    case Query::Kind::Pid:
        return event.pid == m_query.key;
    case Query::Kind::Ppid:
        return event.ppid == m_query.key;
    case Query::Kind::Name:
        return event.name == m_query.key;
    }
    return false;
}

EventsourceTableModel::~EventsourceTableModel()
{
    setFollowing(false);
}

void EventsourceTableModel::setFollowing(bool following)
{
    m_following = following;
    if (!following) {
        if (m_followSubscription && m_client)
            m_client->unsubscribe(m_followSubscription);
        m_followSubscription = 0;
        return;
    }
    if (m_followSubscription)
        return;
    m_followSubscription = m_client->followAll([this](const Event &event) {
        if (!matches(event) || m_ids.contains(event.id))
            return;
        if (m_total >= 0)
            emit totalChanged(++m_total);
        if (hasNewer()) {
            // Above the window: read when scrolled back up to.
            ++m_newerArrived;
            emit windowChanged();
            return;
        }
        beginInsertRows({}, 0, 0);
        m_ids.insert(event.id);
        m_rows.prepend(event);
        endInsertRows();
        ++m_liveRows; // let go with the first page, when the window moves on
    });
}

int EventsourceTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int EventsourceTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventsourceTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Event &event = m_rows.at(index.row());
    switch (role) {
    case IdRole:
        return event.id;
    case SortRole:
        if (index.column() == Time)
            return event.timestampMs;
        break;
    case FilterRole:
        return QStringList{event.domain, event.pid, event.ppid, event.name, event.id}.join(u' ');
    case Qt::ToolTipRole:
        if (index.column() == Data)
            return summary(event.data);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case Time:
        return event.timestamp;
    case Domain:
        return event.domain;
    case Pid:
        return event.pid;
    case Ppid:
        return event.ppid;
    case Name:
        return event.name;
    case Data:
        return summary(event.data);
    case Id:
        return event.id;
    default:
        return {};
    }
}

QVariant EventsourceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Domain:
        return tr("Domain");
    case Pid:
        return tr("Process");
    case Ppid:
        return tr("Parent");
    case Name:
        return tr("Name");
    case Data:
        return tr("Data");
    case Id:
        return tr("Id");
    default:
        return {};
    }
}

} // namespace cape
