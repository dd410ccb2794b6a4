#pragma once

#include <QWidget>

class QScrollArea;

namespace cape {

class ClusterStore;
class ClusterVisualizer;

// The visualizer with its title and a legend, scrolling when the cluster
// is wider or taller than the window.
class VisualizerView : public QWidget
{
    Q_OBJECT

public:
    explicit VisualizerView(ClusterStore *store, QWidget *parent = nullptr);

    ClusterVisualizer *visualizer() const { return m_visualizer; }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QScrollArea *m_scroll;
    ClusterVisualizer *m_visualizer;
};

} // namespace cape
