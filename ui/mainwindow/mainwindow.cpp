#include "mainwindow.h"

#include "models/nodetablemodel.h"
#include "services/docker/dockerclient.h"

#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

MainWindow::MainWindow(const DockerEndpoint &endpoint, QWidget *parent)
    : QMainWindow(parent)
    , m_client(new DockerClient(endpoint, this))
    , m_nodes(new NodeTableModel(this))
    , m_status(new QLabel(this))
    , m_table(new QTableView(this))
{
    setWindowTitle(tr("Cape — %1").arg(endpoint.toString()));
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(m_nodes);
    m_table->setModel(sorted);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(NodeTableModel::Hostname, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setAlternatingRowColors(true);
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    auto *title = new QLabel(tr("<h2>Nodes</h2>"), central);
    layout->addWidget(title);
    layout->addWidget(m_table);
    setCentralWidget(central);
    statusBar()->addWidget(m_status, 1);
    m_status->setText(tr("Connecting to %1…").arg(endpoint.toString()));
    resize(1100, 520);
    refresh();
}

void MainWindow::refresh()
{
    m_client->listNodes()->then(this, [this](DockerReply *reply) {
        if (reply->error()) {
            m_status->setText(reply->error().toString());
        } else {
            m_nodes->setNodes(reply->array());
            m_status->setText(tr("Connected to %1 — Docker %2, API %3")
                                  .arg(m_client->endpoint().toString(), m_client->engineVersion(),
                                       m_client->apiVersion()));
        }
        if (!m_loaded) {
            m_loaded = true;
            emit loaded();
        }
    });
}

} // namespace cape
