#pragma once

#include "models/statscollector.h"

#include <QTimer>
#include <QWidget>

class QActionGroup;
class QLabel;
class QPushButton;

namespace cape {

class ClusterStore;
class ResourceView;
class StatsTableModel;
class TimeSeriesChart;

// Live resource usage: a "top" table of containers, services or nodes
// (sortable, '/' to filter), and for the selected row, or the whole
// cluster when none is, charts of CPU, memory, PIDs, network and disk
// over the last minute, ten minutes or hour. A service's charts show its
// total and a line per replica; the cluster's a line per node.
//
// Stats streams open the first time the view is shown (one per container:
// no cost to a user who never looks) and stay open, so history builds up.
class StatsView : public QWidget
{
    Q_OBJECT

public:
    enum Metric { Cpu, Memory, Pids, NetworkRx, NetworkTx, BlockRead, BlockWrite, MetricCount };
    Q_ENUM(Metric)

    static constexpr int MaxMemberLines = 8;

    explicit StatsView(ClusterStore *store, QWidget *parent = nullptr);

    StatsCollector *collector() const { return m_collector; }
    StatsTableModel *model() const { return m_model; }
    ResourceView *table() const { return m_table; }
    TimeSeriesChart *chart(Metric metric) const { return m_charts.value(metric); }

    void setGrouping(StatsCollector::Group group);
    StatsCollector::Group grouping() const;
    // 60, 600 or 3600 seconds.
    void setWindow(int seconds);
    int window() const { return m_window; }

    // Selects a row of the current grouping; an empty key shows the cluster.
    bool select(const QString &key);
    QString selectedKey() const { return m_key; }
    QString detailTitle() const;
    // "Partial: 3 of 9 containers measured so far…" while the shown total
    // lacks members; empty once it is whole.
    QString partialText() const;
    // While the pointer is over the table its rows keep their order.
    bool isOrderFrozen() const;

    // Redraws the charts (once a second while the view is visible).
    void updateCharts();

protected:
    void showEvent(QShowEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QList<StatsCollector::Line> currentLines(StatsCollector::Group group, qint64 nowMs) const;
    void updateHeader(StatsCollector::Group group, const QList<StatsCollector::Line> &lines);
    void updateHeadlines(StatsCollector::Group group);
    void updateProblems();
    void updatePartial(StatsCollector::Group group);
    void setOrderFrozen(bool frozen);
    void fitColumns();

    ClusterStore *m_store;
    StatsCollector *m_collector;
    StatsTableModel *m_model;
    ResourceView *m_table;
    QActionGroup *m_groupings;
    QActionGroup *m_windows;
    QLabel *m_detailTitle;
    QLabel *m_detailSubtitle;
    QLabel *m_legend;
    QLabel *m_partial;
    QPushButton *m_clusterButton;
    QList<TimeSeriesChart *> m_charts;
    QTimer m_timer;
    QString m_key;
    int m_window = 60;
    bool m_columnsFitted = false;
    bool m_selectionRemoved = false;
};

} // namespace cape
