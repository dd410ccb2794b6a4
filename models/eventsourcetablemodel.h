#pragma once

#include "services/eventsource/eventsourceclient.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QPointer>
#include <QSet>

#include <functional>

namespace cape {

// The events of an eventsource (what pd holds), newest first, for the
// stream browser: one index of the reference layout at a time, read in
// pages as the view scrolls (canFetchMore/fetchMore), never the whole hash.
// With follow on, events the server persists from then on that match the
// query come in at the top.
//
// The rows are a window of at most windowPages() pages: reading on past it
// lets the newest pages go, and scrolling back up reads them again
// (fetchNewer), from where each page started (an offset into a sorted set,
// or the HSCAN cursor that gave it). A million events never sit in memory.
class EventsourceTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Domain, Pid, Ppid, Name, Data, Id, ColumnCount };
    Q_ENUM(Column)

    struct Query
    {
        // Recent: every event (pd scanned, each page newest first; the hash
        // has no order of its own). The others read their sorted set.
        enum class Kind { Recent, Process, Pid, Ppid, Name };
        Kind kind = Kind::Recent;
        QString domain; // Process
        QString key;    // the pid, ppid or name
        // Event times (ms, inclusive; open ends unset). The sorted sets
        // answer by score; Recent has no index over time, so its pages are
        // filtered as they are scanned and the total stays unknown.
        std::optional<qint64> fromMs, toMs;
        bool operator==(const Query &) const = default;
        bool hasTimeRange() const { return fromMs || toMs; }
    };

    static constexpr int PageSize = 200;
    static constexpr int DefaultWindowPages = 50; // 10,000 rows, about 14 MB

    // How many pages the window holds (tests make it small).
    void setWindowPages(int pages) { m_windowPages = std::max(2, pages); }
    int windowPages() const { return m_windowPages; }
    // Newer pages were let go above the window: fetchNewer() reads one back.
    bool hasNewer() const { return m_firstPage > 0; }
    void fetchNewer();
    // The first row's place among the query's events (0 at the newest).
    qint64 windowStart() const { return m_rowsAbove; }
    // Events followed while the window was not at the top: read on scrolling up.
    int newerArrived() const { return m_newerArrived; }

    explicit EventsourceTableModel(EventsourceClient *client, QObject *parent = nullptr);
    ~EventsourceTableModel() override;

    void setQuery(const Query &query);
    Query query() const { return m_query; }
    void setFollowing(bool following);
    bool isFollowing() const { return m_following; }
    // How many events the query matches (-1 while unknown; Recent: pd's size).
    qint64 total() const { return m_total; }
    bool isLoading() const { return m_loading; }
    QString lastError() const { return m_error; }
    const EventsourceClient::Event &event(int row) const { return m_rows.at(row); }
    int rowOf(const QString &id) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Whether a followed event belongs in the rows.
    bool matches(const EventsourceClient::Event &event) const;
    bool inTimeRange(const EventsourceClient::Event &event) const;

signals:
    void totalChanged(qint64 total);
    void windowChanged();
    // Rows that came in above the first row (newer, read back) or left
    // from above it (the top let go): views keep their place by as many.
    void rowsShiftedAbove(int rows);
    void loadingChanged(bool loading);
    void failed(const QString &message);

private:
    // A page the window holds: which one, and how many rows it gave.
    struct HeldPage
    {
        int index = 0;
        int rows = 0;
    };

    void fetchPage();
    void readPage(int index, const std::function<void(const QList<EventsourceClient::Event> &, bool last,
                                                        const QString &error)> &done);
    // Rows added at the bottom / at the top.
    int append(const QList<EventsourceClient::Event> &events);
    int prepend(const QList<EventsourceClient::Event> &events);
    void trimTop();
    void trimBottom();
    void removeRows(int first, int count);
    void finishPage(int generation, const QString &error);

    QPointer<EventsourceClient> m_client; // the view's: it may go first
    Query m_query;
    QList<EventsourceClient::Event> m_rows;
    QSet<QString> m_ids;
    qint64 m_total = -1;
    // Where page i starts: Recent's HSCAN cursor (the others' offset is i × PageSize).
    QList<QByteArray> m_pageStarts{QByteArrayLiteral("0")};
    QList<HeldPage> m_held; // in order, newest first
    int m_firstPage = 0;    // the first held page's index (0: the window is at the top)
    qint64 m_rowsAbove = 0; // rows of the pages let go above the window
    QHash<int, int> m_rowsOfPage; // every page read so far: rows it gave (for windowStart)
    int m_windowPages = DefaultWindowPages;
    int m_newerArrived = 0;
    int m_liveRows = 0; // followed rows above the first page
    bool m_exhausted = false;
    int m_wanted = 0; // rows the page being fetched still lacks (a time range thins them out)
    bool m_loading = false;
    bool m_following = false;
    EventsourceClient::SubscriptionId m_followSubscription = 0;
    int m_generation = 0; // answers to an older query are dropped
    QString m_error;
};

} // namespace cape
