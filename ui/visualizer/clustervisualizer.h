#pragma once

#include "models/taskboard.h"

#include <QList>
#include <QWidget>

class QTimer;

namespace cape {

class ClusterStore;

// Nodes as columns, a card per task coloured by its state, live, and a
// Pending column first while tasks wait for a node (TaskBoard decides what
// goes where). Laid out and painted by hand: 500 cards are a few hundred
// rectangles and lines of text, where 500 widgets or graphics items would
// be slow to update.
class ClusterVisualizer : public QWidget
{
    Q_OBJECT

public:
    explicit ClusterVisualizer(ClusterStore *store, QWidget *parent = nullptr);

    QSize sizeHint() const override;
    // The cards shown in a node's column, as "service.slot" (for tests);
    // an empty hostname: the Pending column's.
    QStringList cardsOf(const QString &hostname) const;
    // The same cards with the state each shows ("web.2: running").
    QStringList cardStatesOf(const QString &hostname) const;
    // Fits the columns to this width when they fit, else scrolls.
    void setAvailableWidth(int width);

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    struct Card : TaskBoard::Card
    {
        QRect rect;
    };
    struct Column
    {
        TaskBoard::Lane lane; // its cards are in `cards`, with their places
        QList<Card> cards;
        QRect rect;
    };
    const Column *columnOf(const QString &hostname) const;

    void scheduleRebuild();
    void rebuild();
    void layoutColumns();
    const Card *cardAt(const QPoint &pos) const;

    ClusterStore *m_store;
    QList<Column> m_columns;
    QTimer *m_timer;
    int m_availableWidth = 0;
    int m_columnWidth = 200;
    bool m_compact = false;
    QSize m_size;
};

} // namespace cape
