#pragma once

#include "models/eventsourcetablemodel.h"

#include <QWidget>

class QAction;
class QComboBox;
class QDateTimeEdit;
class QLabel;
class QLineEdit;
class QPushButton;

namespace cape {

class CausalityWidget;
class EventsourceClient;
class JsonTreeWidget;
class ResourceView;

// The eventsource browser: connect to a Redis that a Superhero eventsource
// server indexes (cape-eventd or the reference), list its events newest
// first by one of its indexes (recent events, a process, a pid, a parent,
// a name) within a time range, follow new ones live, and see an event's
// JSON as a tree beside its process's merged state and what led to it and
// followed from it (rid links).
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
    CausalityWidget *causality() const { return m_causality; }
    // The time filter: one of the presets, or between two times.
    enum class Period { AnyTime, Last15Minutes, LastHour, LastDay, LastWeek, Between };
    void setPeriod(Period period, const QDateTime &from = {}, const QDateTime &to = {});
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
    QComboBox *m_period;
    QDateTimeEdit *m_from;
    QDateTimeEdit *m_to;
    QAction *m_follow;
    ResourceView *m_table;
    JsonTreeWidget *m_eventTree;
    JsonTreeWidget *m_stateTree;
    CausalityWidget *m_causality;
    QLabel *m_processLabel;
    QString m_connectionProblem;
};

} // namespace cape
