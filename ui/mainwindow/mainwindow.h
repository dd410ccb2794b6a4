#pragma once

#include "models/logfeed.h"
#include "services/docker/dockerendpoint.h"

#include <QMainWindow>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;

namespace cape {

class ClusterStore;
class CommandPalette;
class ConnectionStore;
class ConnectionsDialog;
class LogPanel;
class LogsView;
class PreferencesDialog;
class ResourceView;

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

    // Clusters from the connection manager: a switcher in the sidebar, and
    // "Manage clusters…" to add, edit, import or remove them.
    void setConnections(ConnectionStore *connections);
    // Connects to a known cluster (its key comes from the keychain first).
    void connectToProfile(const QString &id);
    ConnectionsDialog *openConnectionsDialog();
    PreferencesDialog *openPreferences();

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
    // Opens (or shows) the log panel of a service, task or container.
    LogPanel *openLogs(const LogFeed::Target &target);

signals:
    void loaded();

protected:
    // Keeps the window's geometry and splitters for the next start.
    void closeEvent(QCloseEvent *event) override;

private:
    static constexpr auto GeometryKey = "window/geometry";

    void restoreLayout();
    void addView(const QString &name, const QString &label, QWidget *view);
    void updateConnectionState();
    QList<ResourceView *> clusterViews() const;

    void reloadSwitcher();

    ClusterStore *m_store;
    ConnectionStore *m_connections = nullptr;
    QComboBox *m_switcher;
    QListWidget *m_sidebar;
    QLabel *m_cluster;
    QLabel *m_banner;
    QLabel *m_status;
    QStackedWidget *m_stack;
    QStringList m_viewNames;
    LogsView *m_logs = nullptr;
};

} // namespace cape
