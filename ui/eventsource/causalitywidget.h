#pragma once

#include "services/eventsource/eventsourceclient.h"

#include <QHash>
#include <QWidget>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace cape {

// What led to an event and what followed from it, through rid links, as
// one tree: the root cause at the top, each event the child of the one it
// followed, the chosen event in bold, and what followed from it below
// (each of those unfolds into what followed from it in turn). Double-click
// an event to make it the chosen one.
class CausalityWidget : public QWidget
{
    Q_OBJECT

public:
    explicit CausalityWidget(EventsourceClient *client, QWidget *parent = nullptr);

    void setEvent(const EventsourceClient::Event &event);
    void clear();
    QTreeWidget *tree() const { return m_tree; }
    QString summary() const;

signals:
    void eventActivated(const cape::EventsourceClient::Event &event);

private:
    QTreeWidgetItem *itemFor(const EventsourceClient::Event &event, QTreeWidgetItem *parent);
    void loadConsequences(QTreeWidgetItem *item);

    EventsourceClient *m_client;
    QLabel *m_summary;
    QTreeWidget *m_tree;
    QHash<QString, EventsourceClient::Event> m_events; // by id, of the items shown
    QString m_chosenId;
    int m_generation = 0;                              // answers for an earlier event are dropped
};

} // namespace cape
