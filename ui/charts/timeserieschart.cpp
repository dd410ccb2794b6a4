#include "timeserieschart.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineSeries>
#include <QValueAxis>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace cape {

namespace {
const QColor Grid(0xea, 0xee, 0xf2);
const QColor AxisLine(0xd0, 0xd7, 0xde);
const QColor AxisText(0x57, 0x60, 0x6a);

// 1, 2 or 5 × 10^n: the smallest such step at least `raw`.
double niceStep(double raw)
{
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    for (const double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (factor * magnitude >= raw * (1.0 - 1e-9))
            return factor * magnitude;
    }
    return 10.0 * magnitude;
}
} // namespace

TimeSeriesChart::TimeSeriesChart(const QString &title, Unit unit, QWidget *parent)
    : QFrame(parent)
    , m_unit(unit)
    , m_title(new QLabel(title, this))
    , m_headline(new QLabel(this))
    , m_chart(new QChart)
    , m_view(new QChartView(m_chart, this))
    , m_x(new QValueAxis(m_chart))
    , m_y(new QValueAxis(m_chart))
{
    setObjectName(QStringLiteral("chartCard"));
    m_title->setObjectName(QStringLiteral("chartTitle"));
    m_headline->setObjectName(QStringLiteral("chartHeadline"));
    m_headline->setAlignment(Qt::AlignRight | Qt::AlignVCenter);

    // Redrawn once a second with whole new lines: animation would only lag.
    m_chart->setAnimationOptions(QChart::NoAnimation);
    m_chart->legend()->hide();
    m_chart->setBackgroundVisible(false);
    m_chart->setBackgroundRoundness(0);
    m_chart->setMargins(QMargins(0, 6, 6, 0));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);

    QFont labels = font();
    labels.setPointSizeF(7.5);
    for (QValueAxis *axis : {m_x, m_y}) {
        axis->setLabelsFont(labels);
        axis->setLabelsColor(AxisText);
        axis->setGridLineColor(Grid);
        axis->setLinePenColor(AxisLine);
        axis->setMinorGridLineVisible(false);
        m_chart->addAxis(axis, axis == m_x ? Qt::AlignBottom : Qt::AlignLeft);
    }
    m_y->setLineVisible(false);
    m_y->setRange(0, 1);
    // Round ticks counted back from now: -60 s, -45 s … 0 s.
    m_x->setTickType(QValueAxis::TicksDynamic);
    m_x->setTickAnchor(0);
    m_x->setGridLineVisible(false);

    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setBackgroundBrush(Qt::NoBrush);
    m_view->setStyleSheet(QStringLiteral("background: transparent"));
    m_view->setMinimumHeight(120);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(12, 8, 12, 0);
    header->addWidget(m_title);
    header->addStretch(1);
    header->addWidget(m_headline);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 4);
    layout->setSpacing(0);
    layout->addLayout(header);
    layout->addWidget(m_view, 1);
}

QString TimeSeriesChart::title() const
{
    return m_title->text();
}

void TimeSeriesChart::setHeadline(const QString &text)
{
    m_headline->setText(text);
}

QString TimeSeriesChart::headline() const
{
    return m_headline->text();
}

QColor TimeSeriesChart::colorOf(Style style, int memberIndex)
{
    static const QColor members[] = {QColor(0x82, 0x50, 0xdf), QColor(0x1a, 0x7f, 0x37), QColor(0xe1, 0x6f, 0x24),
                                     QColor(0xbf, 0x39, 0x89), QColor(0x1b, 0x7c, 0x83), QColor(0x9a, 0x67, 0x00),
                                     QColor(0x05, 0x50, 0xae), QColor(0x6e, 0x77, 0x81)};
    switch (style) {
    case Style::Emphasis: return QColor(0x1f, 0x6f, 0xeb);
    case Style::Reference: return QColor(0xcf, 0x22, 0x2e);
    case Style::Member: break;
    }
    return members[std::max(0, memberIndex) % int(std::size(members))];
}

void TimeSeriesChart::syncLines(const QList<Series> &series)
{
    while (m_lines.size() > series.size()) {
        QLineSeries *line = m_lines.takeLast();
        m_chart->removeSeries(line);
        delete line;
    }
    while (m_lines.size() < series.size()) {
        auto *line = new QLineSeries(m_chart);
        m_chart->addSeries(line);
        line->attachAxis(m_x);
        line->attachAxis(m_y);
        m_lines << line;
    }
    // Lines are drawn in the order they were added: the total goes last, on
    // top of members that may run along it.
    m_slotOf.resize(series.size());
    int slot = 0;
    for (const bool emphasis : {false, true}) {
        for (qsizetype i = 0; i < series.size(); ++i) {
            if ((series.at(i).style == Style::Emphasis) == emphasis)
                m_slotOf[i] = slot++;
        }
    }
    int member = 0;
    for (qsizetype i = 0; i < series.size(); ++i) {
        const Style style = series.at(i).style;
        QPen pen(colorOf(style, member));
        pen.setWidthF(style == Style::Emphasis ? 2.0 : style == Style::Member ? 1.5 : 1.2);
        // Qt Charts draws a solid line segment by segment: square caps would
        // overlap at every point and darken there, a dotted look.
        pen.setCapStyle(Qt::FlatCap);
        if (style == Style::Reference)
            pen.setStyle(Qt::DashLine);
        if (style == Style::Member)
            ++member;
        QLineSeries *line = m_lines.at(m_slotOf.at(i));
        if (line->pen() != pen)
            line->setPen(pen);
        line->setName(series.at(i).name);
    }
}

void TimeSeriesChart::setSeries(const QList<Series> &series, qint64 nowMs, int windowSeconds)
{
    syncLines(series);

    // Time: seconds back for a minute, minutes back beyond.
    const bool seconds = windowSeconds <= 120;
    const double xUnitMs = seconds ? 1000.0 : 60000.0;
    const double span = windowSeconds * 1000.0 / xUnitMs;
    m_x->setRange(-span, 0);
    m_x->setTickInterval(seconds ? 15 : windowSeconds <= 600 ? 2 : 15);
    m_x->setLabelFormat(seconds ? QStringLiteral("%.0f s") : QStringLiteral("%.0f min"));

    // Values: the largest shown picks the unit (KiB, MiB…) and round ticks.
    double top = 0.0;
    for (const Series &s : series) {
        for (const QPointF &p : s.points) {
            if (p.x() >= nowMs - windowSeconds * 1000.0)
                top = std::max(top, p.y());
        }
    }
    double divisor = 1.0;
    QString suffix;
    switch (m_unit) {
    case Unit::Percent:
        top = std::max(top, 1.0);
        suffix = QStringLiteral(" %%");
        break;
    case Unit::Count: top = std::max(top, 4.0); break;
    case Unit::Bytes:
    case Unit::BytesPerSecond: {
        static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
        top = std::max(top, 1024.0);
        int unit = 0;
        while (top / divisor >= 1024.0 && unit < 4) {
            divisor *= 1024.0;
            ++unit;
        }
        suffix = QLatin1Char(' ') + QLatin1StringView(units[unit])
                 + (m_unit == Unit::BytesPerSecond ? QStringLiteral("/s") : QString());
        break;
    }
    }
    const double scaled = top / divisor;
    double step = niceStep(scaled / 4.0);
    if (m_unit == Unit::Count)
        step = std::max(step, 1.0);
    const double yMax = std::ceil(scaled / step - 1e-9) * step;
    m_y->setRange(0, yMax);
    m_y->setTickCount(int(std::lround(yMax / step)) + 1);
    m_y->setLabelFormat((step < 1.0 ? QStringLiteral("%.1f") : QStringLiteral("%.0f")) + suffix);

    // About one point per pixel of the plot.
    const int target = std::max(60, int(m_chart->plotArea().width() > 0 ? m_chart->plotArea().width()
                                                                          : m_view->width() - 60));
    for (qsizetype i = 0; i < series.size(); ++i) {
        QList<QPointF> points;
        points.reserve(series.at(i).points.size());
        for (const QPointF &p : series.at(i).points) {
            const double x = (p.x() - double(nowMs)) / xUnitMs;
            if (x >= -span - 1e-9 && x <= 1e-9)
                points.append({x, p.y() / divisor});
        }
        m_lines.at(m_slotOf.at(i))->replace(decimate(points, target));
    }
}

int TimeSeriesChart::seriesCount() const
{
    return int(m_lines.size());
}

QString TimeSeriesChart::seriesName(int index) const
{
    return index >= 0 && index < m_slotOf.size() ? m_lines.at(m_slotOf.at(index))->name() : QString();
}

QList<QPointF> TimeSeriesChart::seriesPoints(int index) const
{
    return index >= 0 && index < m_slotOf.size() ? m_lines.at(m_slotOf.at(index))->points() : QList<QPointF>();
}

QString TimeSeriesChart::yAxisLabelFormat() const
{
    return m_y->labelFormat();
}

double TimeSeriesChart::yAxisMax() const
{
    return m_y->max();
}

QList<QPointF> TimeSeriesChart::decimate(const QList<QPointF> &points, int target)
{
    const qsizetype size = points.size();
    if (target < 3 || size <= target)
        return points;
    QList<QPointF> kept;
    kept.reserve(target);
    kept.append(points.first());
    // Each bucket keeps the point that spans the largest triangle with the
    // point kept before and the mean of the next bucket.
    const double every = double(size - 2) / double(target - 2);
    qsizetype previous = 0;
    for (int bucket = 0; bucket < target - 2; ++bucket) {
        const qsizetype nextFrom = qsizetype(std::floor((bucket + 1) * every)) + 1;
        const qsizetype nextTo = std::min(qsizetype(std::floor((bucket + 2) * every)) + 1, size);
        QPointF mean = points.last();
        if (nextTo > nextFrom) {
            mean = {};
            for (qsizetype j = nextFrom; j < nextTo; ++j)
                mean += points.at(j);
            mean /= double(nextTo - nextFrom);
        }
        const qsizetype from = qsizetype(std::floor(bucket * every)) + 1;
        const qsizetype to = std::min(qsizetype(std::floor((bucket + 1) * every)) + 1, size - 1);
        const QPointF a = points.at(previous);
        double largest = -1.0;
        qsizetype chosen = from;
        for (qsizetype j = from; j < to; ++j) {
            const QPointF &p = points.at(j);
            const double area = std::abs((a.x() - mean.x()) * (p.y() - a.y()) - (a.x() - p.x()) * (mean.y() - a.y()));
            if (area > largest) {
                largest = area;
                chosen = j;
            }
        }
        kept.append(points.at(chosen));
        previous = chosen;
    }
    kept.append(points.last());
    return kept;
}

} // namespace cape
