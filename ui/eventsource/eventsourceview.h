#pragma once

#include "models/eventsourcetablemodel.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cape {

class EventsourceClient;
class JsonTreeWidget;
class ResourceView;

// The eventsource browser: connect to a Redis that a Superhero eventsource
// server indexes (cape-eventd or the reference), list its events newest
// first by one of its indexes (recent events, a process, a pid, a parent,
// a name), follow new ones live, and see an event's JSON as a tree beside
// its process's merged state.
class EventsourceView : public QWidget
{
    Q_OBJECT

public:
    explicit EventsourceView(QWidget *parent = nullptr);

    // host:port; remembered in the settings.
    void connectTo(const QString &address);
    void setQuery(const EventsourceTableModel::Query &query);
    void setFollowing(bool following);

    EventsourceClient *client() const { return m_client; }
    EventsourceTableModel *model() const { return m_model; }
    ResourceView *table() const { return m_table; }
    JsonTreeWidget *eventTree() const { return m_eventTree; }
    JsonTreeWidget *stateTree() const { return m_stateTree; }
    QString status() const;

private:
    void applyQueryFields();
    void showSelectedEvent(const QString &id);
    void updateStatus();

    EventsourceClient *m_client;
    EventsourceTableModel *m_model;
    QLineEdit *m_address;
    QPushButton *m_connect;
    QLabel *m_status;
    QComboBox *m_kind;
    QLineEdit *m_domain;
    QLineEdit *m_key;
    QAction *m_follow;
    ResourceView *m_table;
    JsonTreeWidget *m_eventTree;
    JsonTreeWidget *m_stateTree;
    QLabel *m_processLabel;
    QString m_connectionProblem;
};

} // namespace cape
