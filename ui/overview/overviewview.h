#pragma once

#include <QWidget>

class QLabel;
class QTableView;
class QTimer;

namespace cape {

class ClusterStore;
class StatCard;

// The cluster at a glance: nodes ready, managers and the leader, services
// converged, tasks by state, how each node's engine is reached, and the
// latest events.
class OverviewView : public QWidget
{
    Q_OBJECT

public:
    explicit OverviewView(ClusterStore *store, QWidget *parent = nullptr);

    StatCard *nodesCard() const { return m_nodes; }
    StatCard *servicesCard() const { return m_services; }
    StatCard *managersCard() const { return m_managers; }
    StatCard *tasksCard() const { return m_tasks; }

private:
    void scheduleUpdate();
    void update();
    bool showConnectionState();
    void showReach();

    ClusterStore *m_store;
    QLabel *m_cluster;
    StatCard *m_nodes;
    StatCard *m_managers;
    StatCard *m_services;
    StatCard *m_tasks;
    QLabel *m_taskStates;
    QLabel *m_reach; // how Cape reaches each node's own engine
    QTableView *m_events;
    QTimer *m_timer;
};

} // namespace cape
