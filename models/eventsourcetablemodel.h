#pragma once

#include "services/eventsource/eventsourceclient.h"

#include <QAbstractTableModel>
#include <QPointer>
#include <QSet>

namespace cape {

// The events of an eventsource (what pd holds), newest first, for the
// stream browser: one index of the reference layout at a time, read in
// pages as the view scrolls (canFetchMore/fetchMore), never the whole hash.
// With follow on, events the server persists from then on that match the
// query come in at the top.
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
    void loadingChanged(bool loading);
    void failed(const QString &message);

private:
    void fetchPage();
    // Rows added.
    int append(const QList<EventsourceClient::Event> &events);
    void finishPage(int generation, const QString &error);

    QPointer<EventsourceClient> m_client; // the view's: it may go first
    Query m_query;
    QList<EventsourceClient::Event> m_rows;
    QSet<QString> m_ids;
    qint64 m_total = -1;
    QByteArray m_cursor = QByteArrayLiteral("0"); // Recent: the HSCAN cursor
    qint64 m_offset = 0;                          // the others: how far the index is read
    bool m_exhausted = false;
    int m_wanted = 0; // rows the page being fetched still lacks (a time range thins them out)
    bool m_loading = false;
    bool m_following = false;
    EventsourceClient::SubscriptionId m_followSubscription = 0;
    int m_generation = 0; // answers to an older query are dropped
    QString m_error;
};

} // namespace cape
