#pragma once

#include "services/docker/dockerendpoint.h"

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace cape {

class ClusterStore;
class CommandPalette;

// The desktop cockpit: a sidebar of views over one live ClusterStore, a
// banner while the engine is unreachable, and the keyboard shortcuts
// (Ctrl+1…9 views, F5 refresh, '/' filter).
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(ClusterStore *store, QWidget *parent = nullptr);
    // Owns a store connected to this endpoint (and per-node engines).
    explicit MainWindow(const DockerEndpoint &endpoint, const QList<DockerEndpoint> &nodeEndpoints = {},
                        QWidget *parent = nullptr);

    ClusterStore *store() const { return m_store; }
    // overview, visualizer, nodes, services, tasks, stacks, networks, configs, secrets, swarm, events
    QStringList viewNames() const { return m_viewNames; }
    bool showView(const QString &name);
    QWidget *view(const QString &name) const;
    QString currentView() const;
    bool isLoaded() const;
    // Ctrl+K: every view, node, service, task, stack and action by name.
    CommandPalette *openPalette();
    // Shows the view and selects the object in it.
    bool reveal(const QString &view, const QString &id);

signals:
    void loaded();

private:
    void addView(const QString &name, const QString &label, QWidget *view);
    void updateConnectionState();

    ClusterStore *m_store;
    QListWidget *m_sidebar;
    QLabel *m_cluster;
    QLabel *m_banner;
    QLabel *m_status;
    QStackedWidget *m_stack;
    QStringList m_viewNames;
};

} // namespace cape
