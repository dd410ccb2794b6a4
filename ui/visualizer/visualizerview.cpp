#include "visualizerview.h"

#include "clustervisualizer.h"

#include "ui/style/statecolors.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QScrollArea>
#include <QScrollBar>
#include <QVBoxLayout>

namespace cape {

VisualizerView::VisualizerView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_scroll(new QScrollArea(this))
    , m_visualizer(new ClusterVisualizer(store, this))
{
    setObjectName(QStringLiteral("Visualizer"));
    auto *title = new QLabel(tr("Visualizer"), this);
    title->setObjectName(QStringLiteral("viewTitle"));
    QStringList legend;
    for (const char *state : {"running", "starting", "failed", "shutdown", "unknown"})
        legend << QStringLiteral("<span style='color:%1'>&#9632;</span> %2")
                      .arg(StateColors::of(QLatin1String(state)).name(), QLatin1String(state));
    auto *legendLabel = new QLabel(legend.join(QStringLiteral("&nbsp;&nbsp;&nbsp;")) + tr("&nbsp;&nbsp;&nbsp;faded: shutting down"), this);
    legendLabel->setObjectName(QStringLiteral("viewCount"));
    auto *header = new QHBoxLayout;
    header->addWidget(title);
    header->addStretch(1);
    header->addWidget(legendLabel);
    m_scroll->setWidget(m_visualizer);
    m_scroll->setWidgetResizable(true);
    m_scroll->setFrameShape(QFrame::NoFrame);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->addLayout(header);
    layout->addWidget(m_scroll, 1);
    m_scroll->viewport()->installEventFilter(this);
}

bool VisualizerView::eventFilter(QObject *watched, QEvent *event)
{
    // Columns fill the visible width, whatever resized it.
    if (watched == m_scroll->viewport() && event->type() == QEvent::Resize)
        m_visualizer->setAvailableWidth(m_scroll->viewport()->width());
    return QWidget::eventFilter(watched, event);
}

} // namespace cape
