#pragma once

#include <QUrl>
#include <QWidget>

class QLabel;
class QListWidget;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace cape {

class ClusterStore;
class DaemonInstaller;
class ImageDistributor;

// Cape's own daemons on the cluster (the stack "cape"): their services live
// from the store — replicas (a task with a health check counts once it
// passes), image version, ports, update state — and Install…, Upgrade… and
// Uninstall…, each reporting its steps below the table.
class DaemonsView : public QWidget
{
    Q_OBJECT

public:
    explicit DaemonsView(ClusterStore *store, QWidget *parent = nullptr);

    // The operations, for the buttons and tests.
    void openInstallWizard();
    void upgrade(const QString &version, const QString &archive);
    void uninstall();

signals:
    // An install, upgrade or uninstall has ended.
    void operationFinished(bool ok, const QString &message);
    // cape-deployd was installed and answers here with this token (for the Deploy panel).
    void deploydInstalled(const QUrl &url, const QByteArray &token);

private:
    // The node running cape-deployd's task, as the engine says, makes its address.
    void announceDeployd(int port, const QByteArray &token);
    void updateSummary();
    void startOperation(const QString &title);
    void log(const QString &line);

    ClusterStore *m_store;
    DaemonInstaller *m_installer = nullptr;
    ImageDistributor *m_images;
    QSortFilterProxyModel *m_filter;
    QLabel *m_summary;
    QStackedWidget *m_pages; // not installed | the daemons' table
    QTableView *m_table;
    QLabel *m_logTitle;
    QListWidget *m_log;
    QPushButton *m_install;
    QPushButton *m_upgrade;
    QPushButton *m_uninstall;
};

} // namespace cape
