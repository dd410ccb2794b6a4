#pragma once

#include "services/docker/dockerendpoint.h"

#include <QMainWindow>

class QLabel;
class QTableView;

namespace cape {

class DockerClient;
class NodeTableModel;

// The desktop window: for now the connected engine and its swarm's
// nodes; the dashboard issue grows it into the full cockpit.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(const DockerEndpoint &endpoint, QWidget *parent = nullptr);

    // Emitted once the first answer (nodes or an error) is shown.
    bool isLoaded() const { return m_loaded; }

signals:
    void loaded();

private:
    void refresh();

    DockerClient *m_client;
    NodeTableModel *m_nodes;
    QLabel *m_status;
    QTableView *m_table;
    bool m_loaded = false;
};

} // namespace cape
