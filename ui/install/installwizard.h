#pragma once

#include "services/install/daemoninstallsettings.h"
#include "services/swarm/stackplan.h"

#include <QWizard>

class QCheckBox;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QRadioButton;
class QSpinBox;
class QTreeWidget;

namespace cape {

class ClusterStore;
class DaemonInstaller;
class ImageDistributor;
class InstallProgressPage;
class MessageLabel;

// Installs cape-proxyd, cape-eventd and cape-deployd onto the cluster the
// window is connected to: the image on every node (loaded from the packaged
// archive where it lacks, when the user agrees), which daemons and their
// settings, a review of what will be created, then the installation with
// its progress until every daemon is healthy.
class InstallWizard : public QWizard
{
    Q_OBJECT

public:
    enum Page { ClusterPage, ImagePage, ComponentsPage, SettingsPage, ReviewPage, ProgressPage };

    explicit InstallWizard(ClusterStore *store, QWidget *parent = nullptr);

    // Where the packaged image archive is looked for first.
    static QString defaultArchive();
    DaemonInstallSettings settings() const;
    bool succeeded() const;

    // Not while installing: closing would abandon the cluster half-installed.
    void reject() override;

protected:
    void initializePage(int id) override;
    bool validateCurrentPage() override;

private:
    QWizardPage *clusterPage();
    QWizardPage *imagePage();
    QWizardPage *componentsPage();
    QWizardPage *settingsPage();
    QWizardPage *reviewPage();
    void checkImage();
    void showNodes();
    QString review(const StackPlan &plan, const DaemonInstallSettings &settings) const;
    void updateEnabled();

    ClusterStore *m_store;
    ImageDistributor *m_images;
    DaemonInstaller *m_installer;
    InstallProgressPage *m_progress;
    StackPlan m_plan;
    bool m_loadingThenNext = false;

    QLineEdit *m_archive;
    QTreeWidget *m_nodes;
    QCheckBox *m_load;
    MessageLabel *m_imageProblem;

    QCheckBox *m_proxy;
    QCheckBox *m_eventsource;
    QCheckBox *m_deploy;
    QCheckBox *m_agent;
    QRadioButton *m_newRedis;
    QRadioButton *m_existingRedis;
    QLineEdit *m_redisImage;
    QSpinBox *m_redisPort;
    QLineEdit *m_redisAddress;

    QSpinBox *m_httpPort;
    QSpinBox *m_httpsPort;
    QListWidget *m_ingress;
    QSpinBox *m_deploydPort;
    QLineEdit *m_dockerSocket;
    QLineEdit *m_token;
    QLineEdit *m_repositoryName;
    QLineEdit *m_repositoryUrl;
    QLineEdit *m_branch;
    QLineEdit *m_webhookSecret;
    QLineEdit *m_agentSocket = nullptr; // made after the components page
    QString m_agentToken;               // made once; the agents' secret, never shown
    MessageLabel *m_settingsProblem;

    QPlainTextEdit *m_review;
};

} // namespace cape
