#pragma once

#include "services/deploy/deployment.h"
#include "ui/views/resourceview.h"

#include <QHash>
#include <QTimer>

class QLineEdit;

namespace cape {

class DeploydClient;
class DeploymentTableModel;
class Keychain;

// cape-deployd's history: every deployment with its status (coloured),
// commit, trigger, start and duration, refreshed while shown; a
// deployment's details (the plan field by field, each service's result,
// the log); "Roll back to this" and "Deploy now…". The daemon's address is
// kept in the settings, its API token in the OS keychain.
class HistoryPanel : public ResourceView
{
    Q_OBJECT

public:
    explicit HistoryPanel(QWidget *parent = nullptr);
    ~HistoryPanel() override;

    DeploymentTableModel *model() const { return m_model; }
    DeploydClient *client() const { return m_client; }
    // Where the daemon is; remembered (the token in the keychain) when remember is set.
    void connectTo(const QUrl &url, const QByteArray &token, bool remember = true);
    void refresh();
    void deployNow(const QString &repository, const QString &ref);
    void rollBackTo(const QString &id);

signals:
    // After refresh(), deployNow() or rollBackTo(): ok, and what the message line says.
    void finished(bool ok, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    void hideEvent(QHideEvent *event) override;

private:
    Detail detailOf(const QString &id);
    void openDeployDialog();
    void fail(const QString &message);

    DeploydClient *m_client;
    DeploymentTableModel *m_model;
    QLineEdit *m_url;
    QLineEdit *m_token;
    Keychain *m_keychain;
    QTimer m_refresh;
    QHash<QString, Deployment> m_full; // whole records, fetched for the details
    QStringList m_repositories;
    bool m_refreshing = false;
};

} // namespace cape
