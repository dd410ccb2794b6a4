#pragma once

#include "statscollector.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QSet>

namespace cape {

// The cluster-wide "top": one row per container, service or node with what
// it uses now (a group: the sum of its containers). Rows are kept by key and
// updated in place as samples arrive (dataChanged for the rows that moved,
// rows inserted and removed as containers come and go); only a change of
// grouping resets the model. SortRole carries the numbers.
class StatsTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        Name,
        Service,     // a container's service
        Node,        // a container's node, the nodes a service runs on
        Cpu,         // % of one CPU, as docker stats
        Memory,      // used, page cache excluded
        MemoryLimit, // a node's: its memory
        MemoryPercent,
        NetworkRx, // bytes/s
        NetworkTx,
        BlockRead, // bytes/s
        BlockWrite,
        Pids,
        Count, // a service's replicas, a node's containers
        ColumnCount
    };
    Q_ENUM(Column)

    explicit StatsTableModel(StatsCollector *collector, QObject *parent = nullptr);

    StatsCollector *collector() const { return m_collector; }
    // Container, Service or Node (Cluster is not a table).
    void setGrouping(StatsCollector::Group group);
    StatsCollector::Group grouping() const { return m_group; }

    int rowOf(const QString &key) const { return m_rowOf.value(key, -1); }
    // While rows leave (between rowsAboutToBeRemoved and rowsRemoved): is
    // this key's among them? Views move their selection before they hear.
    bool isRemoving(const QString &key) const { return m_removing.contains(key); }
    QString keyAt(int row) const { return m_rows.value(row).key; }
    // Whether a column says anything for the current grouping.
    bool isColumnUsed(int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Brings the rows in line with the collector (on its changed()).
    void refresh();

    static QString formatPercent(double percent);
    static QString formatRate(double bytesPerSecond);

private:
    struct Row
    {
        QString key;
        QString name;
        QString fullName; // a container's engine name
        QString service;
        QString node;
        std::optional<StatsSeries::Point> value;
        int count = 0;
        int running = -1; // a service's running replicas as the swarm counts them
        bool operator==(const Row &) const = default;
    };

    QHash<QString, Row> wantedRows() const;

    StatsCollector *m_collector;
    StatsCollector::Group m_group = StatsCollector::Group::Container;
    QList<Row> m_rows;
    QHash<QString, int> m_rowOf;
    QSet<QString> m_removing;
};

} // namespace cape
