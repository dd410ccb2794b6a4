#include "daemonsview.h"

#include "installwizard.h"

#include "models/clusterstore.h"
#include "models/servicetablemodel.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "services/install/daemoninstaller.h"
#include "services/install/daemoninstallsettings.h"
#include "services/install/imagedistributor.h"
#include "ui/views/statedelegate.h"

#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSortFilterProxyModel>
#include <QStackedWidget>
#include <QTableView>
#include <QTime>
#include <QVBoxLayout>

namespace cape {

DaemonsView::DaemonsView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_images(new ImageDistributor(this))
    , m_filter(new QSortFilterProxyModel(this))
    , m_summary(new QLabel(this))
    , m_pages(new QStackedWidget(this))
    , m_table(new QTableView(this))
    , m_log(new QListWidget(this))
    , m_install(new QPushButton(tr("Install…"), this))
    , m_upgrade(new QPushButton(tr("Upgrade…"), this))
    , m_uninstall(new QPushButton(tr("Uninstall…"), this))
{
    setObjectName(QStringLiteral("daemonsView"));
    m_install->setObjectName(QStringLiteral("installDaemons"));
    m_upgrade->setObjectName(QStringLiteral("upgradeDaemons"));
    m_uninstall->setObjectName(QStringLiteral("uninstallDaemons"));
    m_summary->setObjectName(QStringLiteral("daemonsSummary"));
    m_log->setObjectName(QStringLiteral("daemonsLog"));

    // The store's own service rows, those of the stack: live and incremental as everywhere.
    m_filter->setSourceModel(store->services());
    m_filter->setFilterRole(ServiceTableModel::StackNameRole);
    // The whole name: a fixed string would match any stack containing it ("capetest").
    m_filter->setFilterRegularExpression(QRegularExpression(QStringLiteral("^%1$").arg(
        QRegularExpression::escape(QLatin1String(DaemonInstallSettings::StackName)))));
    m_table->setModel(m_filter);
    m_table->setObjectName(QStringLiteral("daemonsTable"));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    // As the services view shows them: replicas and update state in their state colours.
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->setDefaultSectionSize(26);
    m_table->horizontalHeader()->setHighlightSections(false);
    for (int column : {int(ServiceTableModel::Replicas), int(ServiceTableModel::UpdateState)})
        m_table->setItemDelegateForColumn(column, new StateDelegate(m_table));
    m_table->verticalHeader()->hide();
    m_table->setColumnHidden(ServiceTableModel::Stack, true);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(ServiceTableModel::Name, QHeaderView::Stretch);
    m_log->setMaximumHeight(150);

    auto *title = new QLabel(tr("Cape's daemons"), this);
    title->setObjectName(QStringLiteral("viewTitle"));
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(title);
    buttons->addStretch(1);
    buttons->addWidget(m_upgrade);
    buttons->addWidget(m_uninstall);

    // Not installed: what installing brings, and the one thing to do.
    auto *empty = new QFrame(this);
    empty->setObjectName(QStringLiteral("emptyState"));
    auto *emptyTitle = new QLabel(tr("Cape's daemons are not installed on this cluster"), empty);
    emptyTitle->setObjectName(QStringLiteral("emptyTitle"));
    auto *emptyText = new QLabel(
        tr("<p>The install wizard puts them on the swarm as the stack \"cape\", from the image in the "
           "package "
           "(no registry needed), and waits until each is healthy:</p>"
           "<p><b>cape-proxyd</b> — the single TLS entry point: routes by host and path to your services, "
           "on the nodes you choose.<br><b>cape-eventd</b> — an eventsource server over Redis streams, for "
           "the Superhero clients.<br><b>cape-deployd</b> — push-to-deploy: watches git repositories and "
           "rolls "
           "out their templates with zero downtime.<br><b>cape-agent</b> — on every node: its containers' "
           "stats and logs reach Cape through the one connection it has to a manager.</p>"
           "<p>Uninstalling removes what the wizard created, and nothing else.</p>"),
        empty);
    emptyText->setWordWrap(true);
    emptyText->setTextFormat(Qt::RichText);
    m_install->setProperty("primary", true);
    auto *emptyLayout = new QVBoxLayout(empty);
    emptyLayout->setContentsMargins(28, 24, 28, 24);
    emptyLayout->addWidget(emptyTitle);
    emptyLayout->addWidget(emptyText);
    emptyLayout->addWidget(m_install, 0, Qt::AlignLeft);
    auto *emptyPage = new QWidget(this);
    auto *emptyPageLayout = new QVBoxLayout(emptyPage);
    emptyPageLayout->setContentsMargins(0, 12, 0, 0);
    emptyPageLayout->addWidget(empty);
    emptyPageLayout->addStretch(1);
    m_pages->addWidget(emptyPage);
    m_pages->addWidget(m_table);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(buttons);
    layout->addWidget(m_summary);
    layout->addWidget(m_pages, 1);
    m_logTitle = new QLabel(tr("Activity"), this);
    layout->addWidget(m_logTitle);
    layout->addWidget(m_log);
    // Shown from the first operation on.
    m_logTitle->hide();
    m_log->hide();

    connect(m_install, &QPushButton::clicked, this, &DaemonsView::openInstallWizard);
    connect(m_upgrade, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString version =
            QInputDialog::getText(this, tr("Upgrade the daemons"), tr("Roll every daemon to the version:"),
                                  QLineEdit::Normal, QStringLiteral(CAPE_VERSION_STRING), &ok);
        if (ok && !version.trimmed().isEmpty())
            upgrade(version.trimmed(), InstallWizard::defaultArchive());
    });
    connect(m_uninstall, &QPushButton::clicked, this, [this] {
        QMessageBox ask(
            QMessageBox::Warning, tr("Uninstall the daemons"),
            tr("Remove the stack \"%1\": its services, network, configs and secrets, the route "
               "documents published to its proxy, and the node labels the install added? Redis's data "
               "volume stays on its node.")
                .arg(QLatin1String(DaemonInstallSettings::StackName)),
            QMessageBox::Cancel, this);
        QPushButton *remove = ask.addButton(tr("Uninstall"), QMessageBox::DestructiveRole);
        ask.exec();
        if (ask.clickedButton() == remove)
            uninstall();
    });
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_filter, signal, this, &DaemonsView::updateSummary);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &DaemonsView::updateSummary);
    connect(m_filter, &QAbstractItemModel::dataChanged, this, &DaemonsView::updateSummary);
    updateSummary();
}

void DaemonsView::updateSummary()
{
    const int services = m_filter->rowCount();
    const bool busy = m_installer && m_installer->isRunning();
    m_install->setEnabled(!busy && services == 0);
    m_upgrade->setEnabled(!busy && services > 0);
    m_uninstall->setEnabled(!busy && services > 0);
    m_upgrade->setVisible(services > 0);
    m_uninstall->setVisible(services > 0);
    m_pages->setCurrentIndex(services > 0 ? 1 : 0);
    // Not installed: the card says it.
    m_summary->setVisible(services > 0);
    if (services == 0) {
        m_summary->setText(tr("Not installed on this cluster."));
        return;
    }
    QStringList images;
    for (int row = 0; row < services; ++row) {
        const QString image = m_filter->index(row, ServiceTableModel::Image).data().toString();
        if (image.startsWith(QLatin1String(DaemonInstallSettings::ImageName)) && !images.contains(image))
            images << image;
    }
    m_summary->setText(tr("Installed as the stack \"cape\": %n service(s), image %1.", nullptr, services)
                           .arg(images.join(QStringLiteral(", "))));
}

void DaemonsView::log(const QString &line)
{
    m_logTitle->show();
    m_log->show();
    m_log->addItem(
        QStringLiteral("%1  %2").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss")), line));
    m_log->scrollToBottom();
}

void DaemonsView::startOperation(const QString &title)
{
    delete m_installer;
    m_installer = new DaemonInstaller(m_store->client(), this);
    connect(m_installer, &DaemonInstaller::progress, this, &DaemonsView::log);
    connect(m_installer, &DaemonInstaller::finished, this, [this](bool ok, const QString &message) {
        log(ok ? message : tr("Failed: %1").arg(message));
        updateSummary();
        emit operationFinished(ok, message);
    });
    log(title);
}

void DaemonsView::openInstallWizard()
{
    auto *wizard = new InstallWizard(m_store, this);
    wizard->setAttribute(Qt::WA_DeleteOnClose);
    connect(wizard, &QWizard::finished, this, [this, wizard] {
        if (wizard->currentId() == InstallWizard::ProgressPage)
            log(wizard->succeeded() ? tr("Installed")
                                    : tr("The installation failed; see the wizard's steps"));
        const DaemonInstallSettings settings = wizard->settings();
        if (wizard->succeeded() && settings.deploy)
            announceDeployd(settings.deploydPort, settings.apiToken.toUtf8());
        emit operationFinished(wizard->succeeded(), QString());
    });
    wizard->open();
}

void DaemonsView::announceDeployd(int port, const QByteArray &token)
{
    const QString service = QLatin1String(DaemonInstallSettings::StackName) + QStringLiteral("_deployd");
    DockerClient *client = m_store->client();
    client
        ->listTasks({{QStringLiteral("service"), {service}},
                     {QStringLiteral("desired-state"), {QStringLiteral("running")}}})
        ->then(this, [this, client, port, token](DockerReply *tasks) {
            const QString node = tasks->array().isEmpty()
                                     ? QString()
                                     : tasks->array().first()[QLatin1String("NodeID")].toString();
            if (tasks->error() || node.isEmpty())
                return;
            client->inspectNode(node)->then(this, [this, port, token](DockerReply *inspected) {
                const QString address =
                    inspected->object()[QLatin1String("Status")][QLatin1String("Addr")].toString();
                if (inspected->error() || address.isEmpty())
                    return;
                const QUrl url(QStringLiteral("http://%1:%2").arg(address).arg(port));
                log(tr("cape-deployd answers at %1: the Deploy panel uses it").arg(url.toString()));
                emit deploydInstalled(url, token);
            });
        });
}

void DaemonsView::upgrade(const QString &version, const QString &archive)
{
    startOperation(tr("Upgrading to %1").arg(version));
    updateSummary();
    // The image first, on every engine this window knows, then the rolling updates.
    const QString image = QLatin1String(DaemonInstallSettings::ImageName) + QLatin1Char(':') + version;
    auto loaded = std::make_shared<bool>(false);
    disconnect(m_images, nullptr, this, nullptr);
    connect(m_images, &ImageDistributor::finished, this, [this, version, archive, loaded] {
        if (m_images->allPresent()) {
            m_installer->upgrade(version);
            return;
        }
        if (*loaded) {
            QStringList failed;
            for (const ImageDistributor::Node &node : m_images->nodes()) {
                if (!node.message.isEmpty())
                    failed << QStringLiteral("%1: %2").arg(node.name, node.message);
            }
            log(tr("Failed: the image is not on every node: %1").arg(failed.join(QStringLiteral("; "))));
            updateSummary();
            emit operationFinished(false, failed.join(QStringLiteral("; ")));
            return;
        }
        *loaded = true;
        log(tr("Loading %1 onto the nodes that lack it").arg(archive));
        m_images->load(archive);
    });
    m_images->check(m_store->engines(), image);
}

void DaemonsView::uninstall()
{
    startOperation(tr("Uninstalling"));
    m_installer->uninstall();
    updateSummary();
}

} // namespace cape
