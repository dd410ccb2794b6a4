#include "statsview.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "models/statstablemodel.h"
#include "models/tablefilterproxymodel.h"
#include "ui/charts/timeserieschart.h"
#include "ui/style/messagelabel.h"
#include "ui/views/resourceview.h"

#include <QAction>
#include <QActionGroup>
#include <QDateTime>
#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

namespace {
using Group = StatsCollector::Group;
using Point = StatsSeries::Point;

double Point::*valueOf(StatsView::Metric metric)
{
    switch (metric) {
    case StatsView::Cpu:
        return &Point::cpuPercent;
    case StatsView::Memory:
        return &Point::memoryUsed;
    case StatsView::Pids:
        return &Point::pids;
    case StatsView::NetworkRx:
        return &Point::networkRxRate;
    case StatsView::NetworkTx:
        return &Point::networkTxRate;
    case StatsView::BlockRead:
        return &Point::blockReadRate;
    case StatsView::BlockWrite:
        return &Point::blockWriteRate;
    case StatsView::MetricCount:
        break;
    }
    return &Point::cpuPercent;
}

QString legendEntry(const QColor &color, const QString &name, bool bold)
{
    return QStringLiteral("<span style='color:%1; font-size:13pt'>&#9679;</span>&nbsp;%2%3%4")
        .arg(color.name(), bold ? QStringLiteral("<b>") : QString(), name.toHtmlEscaped(),
             bold ? QStringLiteral("</b>") : QString());
}
} // namespace

StatsView::StatsView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_collector(new StatsCollector(store, this))
    , m_model(new StatsTableModel(m_collector, this))
    , m_table(new ResourceView(tr("Stats"), m_model, this))
    , m_groupings(new QActionGroup(this))
    , m_windows(new QActionGroup(this))
    , m_detailTitle(new QLabel(this))
    , m_detailSubtitle(new QLabel(this))
    , m_legend(new QLabel(this))
    , m_partial(new QLabel(this))
    , m_clusterButton(new QPushButton(tr("Whole cluster"), this))
{
    setObjectName(QStringLiteral("Stats"));
    // The table fills the width; charts take the place of a detail pane.
    m_table->setDetailsVisible(false);
    m_table->layout()->setContentsMargins(16, 12, 16, 4);

    const auto addChoice = [this](QActionGroup *group, const QString &text, const QVariant &value,
                                  bool checked) {
        auto *action = new QAction(text, group);
        action->setCheckable(true);
        action->setChecked(checked);
        action->setData(value);
        m_table->addViewAction(action);
    };
    addChoice(m_groupings, tr("Containers"), int(Group::Container), true);
    addChoice(m_groupings, tr("Services"), int(Group::Service), false);
    addChoice(m_groupings, tr("Nodes"), int(Group::Node), false);
    m_table->addSeparator();
    addChoice(m_windows, tr("1 min"), 60, true);
    addChoice(m_windows, tr("10 min"), 600, false);
    addChoice(m_windows, tr("1 h"), 3600, false);
    connect(m_groupings, &QActionGroup::triggered, this,
            [this](QAction *action) { setGrouping(Group(action->data().toInt())); });
    connect(m_windows, &QActionGroup::triggered, this,
            [this](QAction *action) { setWindow(action->data().toInt()); });

    QTableView *table = m_table->table();
    table->setSelectionMode(QAbstractItemView::SingleSelection);
    table->sortByColumn(StatsTableModel::Cpu, Qt::DescendingOrder); // the busiest first, as top
    // The rows re-sort as the numbers move, but not under the pointer: a
    // click must select the row that was aimed at, not the one that moved
    // there since. The numbers go on changing in place meanwhile.
    table->viewport()->installEventFilter(this);
    table->viewport()->setAttribute(Qt::WA_Hover);
    for (int column = 0; column < StatsTableModel::ColumnCount; ++column)
        table->setColumnHidden(column, !m_model->isColumnUsed(column));
    // Once the first rows are in (ResourceView sizes them then, too).
    connect(m_model, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!std::exchange(m_columnsFitted, true))
            QTimer::singleShot(0, this, &StatsView::fitColumns);
    });
    // The selected container died, or its service went: show the cluster,
    // not a chart waiting forever for samples, nor the neighbour the table
    // makes current instead (it does so before the rows are gone).
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, [this] {
        if (std::exchange(m_selectionRemoved, false))
            select(QString());
    });
    connect(m_table, &ResourceView::currentIdChanged, this, [this](const QString &id) {
        if (!m_key.isEmpty() && m_model->isRemoving(m_key))
            m_selectionRemoved = true;
        m_key = id;
        updateCharts();
    });

    // The detail: what is shown, its legend, and the charts.
    m_detailTitle->setObjectName(QStringLiteral("detailTitle"));
    m_detailSubtitle->setObjectName(QStringLiteral("detailSubtitle"));
    m_legend->setObjectName(QStringLiteral("chartLegend"));
    m_partial->setObjectName(QStringLiteral("partialTotals"));
    m_partial->setWordWrap(true);
    m_partial->hide();
    m_legend->setTextFormat(Qt::RichText);
    m_legend->setWordWrap(true);
    m_clusterButton->setToolTip(tr("Show the sum of every container, a line per node"));
    m_clusterButton->setCursor(Qt::PointingHandCursor);
    connect(m_clusterButton, &QPushButton::clicked, this, [this] { select(QString()); });

    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    titles->addWidget(m_detailTitle);
    titles->addWidget(m_detailSubtitle);
    auto *header = new QHBoxLayout;
    header->addLayout(titles, 1);
    header->addWidget(m_clusterButton, 0, Qt::AlignTop);

    using Unit = TimeSeriesChart::Unit;
    m_charts = {new TimeSeriesChart(tr("CPU"), Unit::Percent, this),
                new TimeSeriesChart(tr("Memory"), Unit::Bytes, this),
                new TimeSeriesChart(tr("PIDs"), Unit::Count, this),
                new TimeSeriesChart(tr("Network in"), Unit::BytesPerSecond, this),
                new TimeSeriesChart(tr("Network out"), Unit::BytesPerSecond, this),
                new TimeSeriesChart(tr("Disk read"), Unit::BytesPerSecond, this),
                new TimeSeriesChart(tr("Disk write"), Unit::BytesPerSecond, this)};
    // Three wide charts above, four narrower below, on a grid of twelve.
    auto *grid = new QGridLayout;
    grid->setSpacing(10);
    for (int i = 0; i < 3; ++i)
        grid->addWidget(m_charts.at(i), 0, i * 4, 1, 4);
    for (int i = 0; i < 4; ++i)
        grid->addWidget(m_charts.at(3 + i), 1, i * 3, 1, 3);
    for (int column = 0; column < 12; ++column)
        grid->setColumnStretch(column, 1);

    auto *detail = new QWidget(this);
    detail->setObjectName(QStringLiteral("statsDetail"));
    auto *detailLayout = new QVBoxLayout(detail);
    detailLayout->setContentsMargins(16, 8, 16, 12);
    detailLayout->setSpacing(8);
    detailLayout->addLayout(header);
    detailLayout->addWidget(m_partial);
    detailLayout->addWidget(m_legend);
    detailLayout->addLayout(grid, 1);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_table);
    splitter->addWidget(detail);
    splitter->setChildrenCollapsible(false);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 3);
    splitter->setSizes({330, 520});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(splitter);

    setStyleSheet(QStringLiteral(
        "QFrame#chartCard { background: white; border: 1px solid #d0d7de; border-radius: 6px; }"
        "QLabel#chartTitle { color: #57606a; font-weight: 600; }"
        "QLabel#chartHeadline { color: #1f2328; font-size: 11.5pt; font-weight: 600; }"
        "QLabel#detailTitle { font-size: 13pt; font-weight: 600; }"
        "QLabel#detailSubtitle { color: #57606a; }"
        "QLabel#chartLegend { color: #1f2328; }"
        "QLabel#partialTotals { color: #9a6700; background: #fff8c5; border: 1px solid #d4a72c;"
        " border-radius: 4px; padding: 3px 8px; }"));

    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        if (isVisible())
            updateCharts();
    });
    m_timer.start();
    connect(m_collector, &StatsCollector::problemsChanged, this, &StatsView::updateProblems);
    updateCharts();
}

bool StatsView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->table()->viewport()) {
        if (event->type() == QEvent::Enter || event->type() == QEvent::HoverEnter)
            setOrderFrozen(true);
        else if (event->type() == QEvent::Leave || event->type() == QEvent::HoverLeave)
            setOrderFrozen(false);
    }
    return QWidget::eventFilter(watched, event);
}

void StatsView::setOrderFrozen(bool frozen)
{
    // Off and on again re-sorts once, to the order the numbers now give.
    m_table->proxy()->setDynamicSortFilter(!frozen);
}

bool StatsView::isOrderFrozen() const
{
    return !m_table->proxy()->dynamicSortFilter();
}

void StatsView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    if (!m_collector->isRunning())
        m_collector->start();
    updateCharts();
}

StatsCollector::Group StatsView::grouping() const
{
    return m_model->grouping();
}

void StatsView::setGrouping(StatsCollector::Group group)
{
    if (group == Group::Cluster)
        return;
    for (QAction *action : m_groupings->actions())
        action->setChecked(action->data().toInt() == int(group));
    if (group == m_model->grouping())
        return;
    m_key.clear();
    m_model->setGrouping(group);
    QTableView *table = m_table->table();
    for (int column = 0; column < StatsTableModel::ColumnCount; ++column)
        table->setColumnHidden(column, !m_model->isColumnUsed(column));
    // Other names, other widths: fitted again to the new rows.
    m_columnsFitted = m_model->rowCount() > 0;
    fitColumns();
    updateCharts();
}

void StatsView::fitColumns()
{
    // Other names, other widths (a service's node list, a node's name);
    // numbers need no more than "853.2 KiB/s", so that all twelve fit.
    for (int column = StatsTableModel::Cpu; column <= StatsTableModel::Count; ++column)
        m_table->setMaximumColumnWidth(column, 96);
    m_table->fitColumns();
}

void StatsView::setWindow(int seconds)
{
    m_window = seconds <= 60 ? 60 : seconds <= 600 ? 600 : 3600;
    for (QAction *action : m_windows->actions())
        action->setChecked(action->data().toInt() == m_window);
    updateCharts();
}

bool StatsView::select(const QString &key)
{
    if (key.isEmpty()) {
        // The current row too: the table shows the current row's details.
        m_table->table()->selectionModel()->clear();
        m_key.clear();
        updateCharts();
        return true;
    }
    return m_table->selectId(key);
}

QString StatsView::detailTitle() const
{
    return m_detailTitle->text();
}

QList<StatsCollector::Line> StatsView::currentLines(StatsCollector::Group group, qint64 nowMs) const
{
    if (group != Group::Cluster)
        return m_collector->lines(group, m_key, m_window, MaxMemberLines, nowMs);
    // The cluster: its total, and a line per node.
    QList<StatsCollector::Line> lines = m_collector->lines(Group::Cluster, QString(), m_window, 0, nowMs);
    lines.first().name = tr("Whole cluster");
    for (const StatsCollector::Engine &engine : m_collector->engines()) {
        if (engine.state != StatsCollector::EngineState::Live)
            continue;
        StatsCollector::Line node =
            m_collector->lines(Group::Node, engine.nodeId, m_window, 0, nowMs).first();
        node.name = engine.nodeName;
        lines << node;
    }
    return lines;
}

void StatsView::updateCharts()
{
    const Group group = m_key.isEmpty() ? Group::Cluster : m_model->grouping();
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QList<StatsCollector::Line> lines = currentLines(group, now);
    updateHeader(group, lines);
    updateHeadlines(group);

    const bool single = group == Group::Container;
    const auto limit = m_collector->current(group, m_key).value_or(Point{}).memoryLimit;
    for (int metric = 0; metric < MetricCount; ++metric) {
        double Point::*value = valueOf(Metric(metric));
        QList<TimeSeriesChart::Series> series;
        double peak = 0.0;
        for (qsizetype i = 0; i < lines.size(); ++i) {
            TimeSeriesChart::Series s;
            s.name = lines.at(i).name;
            s.style = i == 0 || single ? TimeSeriesChart::Style::Emphasis : TimeSeriesChart::Style::Member;
            s.points.reserve(lines.at(i).points.size());
            for (const Point &point : lines.at(i).points) {
                s.points.append({double(point.timeMs), point.*value});
                peak = std::max(peak, point.*value);
            }
            series << s;
        }
        // A limit is worth a line when usage comes near it; a node's 32 GiB
        // over a container's 20 MiB would flatten the chart to nothing.
        if (metric == Memory && limit > 0 && limit <= 4 * peak) {
            const double from = double(now - qint64(m_window) * 1000);
            series << TimeSeriesChart::Series{
                tr("Limit"), {{from, limit}, {double(now), limit}}, TimeSeriesChart::Style::Reference};
        }
        m_charts.at(metric)->setSeries(series, now, m_window);
    }
}

void StatsView::updateHeader(StatsCollector::Group group, const QList<StatsCollector::Line> &lines)
{
    const auto members = m_collector->members(group, m_key);
    QSet<QString> nodes;
    for (const StatsCollector::Container *c : members)
        nodes.insert(c->nodeName);
    QStringList nodeNames(nodes.begin(), nodes.end());
    nodeNames.sort();
    const QString windowText = m_window == 60    ? tr("the last minute")
                               : m_window == 600 ? tr("the last 10 minutes")
                                                 : tr("the last hour");
    m_clusterButton->setVisible(group != Group::Cluster);
    updatePartial(group);
    switch (group) {
    case Group::Cluster: {
        int live = 0;
        for (const StatsCollector::Engine &engine : m_collector->engines())
            live += engine.state == StatsCollector::EngineState::Live;
        m_detailTitle->setText(tr("Whole cluster"));
        m_detailSubtitle->setText(tr("%1 on %2 · the sum of every container, a line per node · %3")
                                      .arg(tr("%n container(s)", nullptr, int(members.size())),
                                           tr("%n node(s)", nullptr, live), windowText));
        break;
    }
    case Group::Service: {
        const QString name = members.isEmpty() ? m_key : members.first()->serviceName;
        m_detailTitle->setText(name);
        const int replicas = int(members.size());
        m_detailSubtitle->setText(
            tr("Service · %1 on %2 · the total and %3 · %4")
                .arg(tr("%n replica(s)", nullptr, replicas), nodeNames.join(QLatin1String(", ")),
                     replicas > MaxMemberLines ? tr("a line for each of the %1 busiest").arg(MaxMemberLines)
                                               : tr("a line per replica"),
                     windowText));
        break;
    }
    case Group::Node: {
        QString name = m_key;
        QString hardware;
        for (const StatsCollector::Engine &engine : m_collector->engines()) {
            if (engine.nodeId == m_key) {
                name = engine.nodeName;
                hardware = tr("%n CPU(s), %1", nullptr, engine.cpus)
                               .arg(NodeTableModel::formatBytes(qint64(engine.memory)));
            }
        }
        m_detailTitle->setText(name);
        const int count = int(members.size());
        m_detailSubtitle->setText(tr("Node · %1 · %2 · the total and %3 · %4")
                                      .arg(hardware, tr("%n container(s)", nullptr, count),
                                           count > MaxMemberLines
                                               ? tr("a line for each of the %1 busiest").arg(MaxMemberLines)
                                               : tr("a line per container"),
                                           windowText));
        break;
    }
    case Group::Container: {
        const StatsCollector::Container *c = m_collector->container(m_key);
        m_detailTitle->setText(c ? c->displayName : m_key);
        QStringList facts{tr("Container")};
        if (c && !c->serviceName.isEmpty())
            facts << tr("replica of %1").arg(c->serviceName);
        if (c)
            facts << tr("on %1").arg(c->nodeName) << c->id.left(12);
        facts << windowText;
        m_detailSubtitle->setText(facts.join(QStringLiteral(" · ")));
        break;
    }
    }

    QStringList legend;
    int member = 0;
    for (qsizetype i = 0; i < lines.size(); ++i) {
        const bool total = i == 0 || group == Group::Container;
        const QColor color = total ? TimeSeriesChart::colorOf(TimeSeriesChart::Style::Emphasis)
                                   : TimeSeriesChart::colorOf(TimeSeriesChart::Style::Member, member++);
        legend << legendEntry(color, lines.at(i).name, total);
    }
    if (members.isEmpty() && group != Group::Node)
        m_legend->setText(m_collector->isRunning() ? tr("Waiting for the first samples…") : QString());
    else
        m_legend->setText(legend.join(QStringLiteral("&nbsp;&nbsp;&nbsp; ")));
}

// A total over containers not all measured yet (the first seconds, a
// stream being retried, an engine still answering) says so, with how much
// it lacks, until it is whole.
void StatsView::updatePartial(StatsCollector::Group group)
{
    const StatsCollector::Coverage coverage = m_collector->coverage(group, m_key);
    if (!m_collector->isRunning() || group == Group::Container || coverage.isComplete()) {
        m_partial->hide();
        m_partial->clear();
        return;
    }
    QStringList missing;
    if (coverage.measured < coverage.members)
        missing
            << tr("%1 of %n container(s) measured so far", nullptr, coverage.members).arg(coverage.measured);
    if (coverage.enginesConnecting > 0)
        missing << tr("%n engine(s) not answering yet", nullptr, coverage.enginesConnecting);
    m_partial->setText(
        tr("Partial: %1. The totals grow as samples arrive.").arg(missing.join(QLatin1String("; "))));
    m_partial->show();
}

QString StatsView::partialText() const
{
    return m_partial->isVisible() ? m_partial->text() : QString();
}

void StatsView::updateHeadlines(StatsCollector::Group group)
{
    const auto now = m_collector->current(group, m_key);
    if (!now) {
        for (TimeSeriesChart *chart : std::as_const(m_charts))
            chart->setHeadline(QStringLiteral("–"));
        return;
    }
    m_charts.at(Cpu)->setHeadline(StatsTableModel::formatPercent(now->cpuPercent));
    const QString used = NodeTableModel::formatBytes(qint64(now->memoryUsed));
    m_charts.at(Memory)->setHeadline(
        now->memoryLimit > 0 ? tr("%1 <span style='color:#57606a; font-weight:400'>of %2</span>")
                                   .arg(used, NodeTableModel::formatBytes(qint64(now->memoryLimit)))
                             : used);
    m_charts.at(Pids)->setHeadline(QString::number(qint64(now->pids + 0.5)));
    m_charts.at(NetworkRx)->setHeadline(StatsTableModel::formatRate(now->networkRxRate));
    m_charts.at(NetworkTx)->setHeadline(StatsTableModel::formatRate(now->networkTxRate));
    m_charts.at(BlockRead)->setHeadline(StatsTableModel::formatRate(now->blockReadRate));
    m_charts.at(BlockWrite)->setHeadline(StatsTableModel::formatRate(now->blockWriteRate));
}

void StatsView::updateProblems()
{
    const QStringList problems = m_collector->problems();
    if (problems.isEmpty())
        m_table->clearMessage();
    else
        m_table->showError(problems.join(u'\n'));
}

} // namespace cape
