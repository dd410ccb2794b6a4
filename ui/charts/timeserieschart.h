#pragma once

#include <QColor>
#include <QFrame>
#include <QList>
#include <QPointF>

class QChart;
class QChartView;
class QLabel;
class QLineSeries;
class QValueAxis;

namespace cape {

// A card with a line chart of values over the last minutes: the one place
// Cape touches Qt Charts (deprecated from Qt 6.10), so that replacing it
// means rewriting this file only. Lines are replaced whole (QXYSeries::
// replace, one repaint), thinned to about one point per pixel, never
// animated; the time axis counts back from now with round ticks.
class TimeSeriesChart : public QFrame
{
    Q_OBJECT

public:
    enum class Unit { Percent, Bytes, BytesPerSecond, Count };
    enum class Style {
        Emphasis,  // the total: thick, Cape blue
        Member,    // a replica or node: thin, a colour of its own
        Reference, // a limit: dashed
    };

    struct Series
    {
        QString name;
        QList<QPointF> points; // x: ms since the epoch, y: the value in the unit
        Style style = Style::Emphasis;
    };

    TimeSeriesChart(const QString &title, Unit unit, QWidget *parent = nullptr);

    QString title() const;
    // Beside the title: the value now ("182 %", "12 MiB of 1 GiB").
    void setHeadline(const QString &text);
    QString headline() const;

    // The x axis spans [now - window, now].
    void setSeries(const QList<Series> &series, qint64 nowMs, int windowSeconds);
    int seriesCount() const;
    QString seriesName(int index) const;
    // What a line draws now (x in the axis' unit, y scaled as labelled).
    QList<QPointF> seriesPoints(int index) const;
    QString yAxisLabelFormat() const;
    double yAxisMax() const;

    // Member lines are coloured by their position among the members, the
    // same in every chart, so one legend serves a grid of charts.
    static QColor colorOf(Style style, int memberIndex = 0);
    // Largest-Triangle-Three-Buckets: keeps the shape (peaks included) of a
    // line in about `target` points.
    static QList<QPointF> decimate(const QList<QPointF> &points, int target);

private:
    void syncLines(const QList<Series> &series);

    Unit m_unit;
    QLabel *m_title;
    QLabel *m_headline;
    QChart *m_chart;
    QChartView *m_view;
    QValueAxis *m_x;
    QValueAxis *m_y;
    QList<QLineSeries *> m_lines; // in drawing order
    QList<int> m_slotOf;          // a series' place in m_lines
};

} // namespace cape
