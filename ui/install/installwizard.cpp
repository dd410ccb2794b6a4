#include "installwizard.h"

#include "installprogresspage.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "services/install/daemoninstaller.h"
#include "services/install/daemonstackbuilder.h"
#include "services/install/imagedistributor.h"
#include "ui/style/messagelabel.h"
#include "ui/style/statecolors.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QCoreApplication>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace cape {

namespace {

using L = QLatin1String;

QSpinBox *portBox(int value, const QString &objectName, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    box->setRange(1, 65535);
    box->setValue(value);
    box->setObjectName(objectName);
    return box;
}

QLineEdit *lineEdit(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *edit = new QLineEdit(text, parent);
    edit->setObjectName(objectName);
    return edit;
}

} // namespace

InstallWizard::InstallWizard(ClusterStore *store, QWidget *parent)
    : QWizard(parent)
    , m_store(store)
    , m_images(new ImageDistributor(this))
    , m_installer(new DaemonInstaller(store->client(), this))
    , m_progress(new InstallProgressPage(this))
{
    setObjectName(QStringLiteral("installWizard"));
    setWindowTitle(tr("Install Cape's daemons"));
    setWizardStyle(QWizard::ModernStyle);
    setOption(QWizard::NoBackButtonOnLastPage);
    setOption(QWizard::NoCancelButtonOnLastPage);
    setPage(ClusterPage, clusterPage());
    setPage(ImagePage, imagePage());
    setPage(ComponentsPage, componentsPage());
    setPage(SettingsPage, settingsPage());
    setPage(ReviewPage, reviewPage());
    setPage(ProgressPage, m_progress);
    resize(820, 640);

    connect(m_images, &ImageDistributor::nodeChanged, this, &InstallWizard::showNodes);
    connect(m_images, &ImageDistributor::finished, this, [this] {
        showNodes();
        if (m_loadingThenNext && m_images->allPresent() && currentId() == ImagePage) {
            m_loadingThenNext = false;
            next();
        }
        m_loadingThenNext = false;
        button(QWizard::NextButton)->setEnabled(true);
    });
    connect(m_installer, &DaemonInstaller::progress, m_progress, &InstallProgressPage::addStep);
    connect(m_installer, &DaemonInstaller::finished, m_progress, &InstallProgressPage::ended);
}

QString InstallWizard::defaultArchive()
{
    // The package's copy, else one beside the program (a build tree).
    const QString version = QStringLiteral(CAPE_VERSION_STRING);
    const QString name = QStringLiteral("cape-daemons-%1.tar").arg(version);
    const QStringList candidates{
        QStringLiteral("/usr/share/cape/") + name,
        QCoreApplication::applicationDirPath() + QStringLiteral("/../share/cape/") + name,
        QCoreApplication::applicationDirPath() + QStringLiteral("/../") + name,
    };
    for (const QString &path : candidates) {
        if (QFileInfo(path).isFile())
            return QDir::cleanPath(path);
    }
    return candidates.first();
}

void InstallWizard::reject()
{
    if (currentId() == ProgressPage && !m_progress->isComplete())
        return;
    QWizard::reject();
}

bool InstallWizard::succeeded() const
{
    return m_progress->succeeded();
}

QWizardPage *InstallWizard::clusterPage()
{
    auto *page = new QWizardPage(this);
    page->setTitle(tr("Cluster"));
    page->setSubTitle(tr("Cape's daemons are installed onto the cluster this window is connected to, as the "
                         "stack \"cape\". Pick another cluster in the sidebar first to install there."));
    auto *summary = new QLabel(page);
    summary->setObjectName(QStringLiteral("clusterSummary"));
    summary->setWordWrap(true);
    summary->setTextFormat(Qt::RichText);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(summary);
    layout->addStretch(1);
    return page;
}

QWizardPage *InstallWizard::imagePage()
{
    auto *page = new QWizardPage(this);
    page->setTitle(tr("Image"));
    page->setSubTitle(
        tr("Every node that may run a daemon needs the image %1 in its engine. Without a "
           "registry, the wizard loads it from the packaged archive onto the nodes that lack it.")
            .arg(QStringLiteral("cape-daemons:" CAPE_VERSION_STRING)));
    m_archive = lineEdit(defaultArchive(), QStringLiteral("imageArchive"), page);
    auto *browse = new QPushButton(tr("Browse…"), page);
    connect(browse, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Image archive"), m_archive->text(),
                                                          tr("Image archives (*.tar);;All files (*)"));
        if (!path.isEmpty())
            m_archive->setText(path);
    });
    auto *archiveRow = new QHBoxLayout;
    archiveRow->addWidget(m_archive, 1);
    archiveRow->addWidget(browse);
    m_nodes = new QTreeWidget(page);
    m_nodes->setObjectName(QStringLiteral("imageNodes"));
    m_nodes->setHeaderLabels({tr("Node"), tr("Engine"), tr("Image")});
    m_nodes->setRootIsDecorated(false);
    m_nodes->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_load = new QCheckBox(tr("Load the image onto the nodes that lack it"), page);
    m_load->setObjectName(QStringLiteral("loadImage"));
    m_load->setChecked(true);
    auto *again = new QPushButton(tr("Check again"), page);
    connect(again, &QPushButton::clicked, this, &InstallWizard::checkImage);
    m_imageProblem = new MessageLabel(page);

    auto *form = new QFormLayout;
    form->addRow(tr("Archive"), archiveRow);
    auto *row = new QHBoxLayout;
    row->addWidget(m_load, 1);
    row->addWidget(again);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(form);
    layout->addWidget(m_nodes, 1);
    layout->addLayout(row);
    layout->addWidget(m_imageProblem);
    return page;
}

QWizardPage *InstallWizard::componentsPage()
{
    auto *page = new QWizardPage(this);
    page->setTitle(tr("Daemons"));
    page->setSubTitle(tr("Choose what to install. cape-eventd and cape-deployd keep their data in Redis."));
    m_proxy =
        new QCheckBox(tr("cape-proxyd — the TLS entry point: routes by host and path to services"), page);
    m_eventsource = new QCheckBox(tr("cape-eventd — eventsource over Redis streams (2 replicas)"), page);
    m_deploy = new QCheckBox(tr("cape-deployd — push-to-deploy from git repositories (on a manager)"), page);
    m_agent = new QCheckBox(tr("cape-agent — every node's containers, stats and logs through this one "
                               "connection (on every node, nothing published)"),
                            page);
    m_agent->setObjectName(QStringLiteral("installAgent"));
    m_proxy->setObjectName(QStringLiteral("installProxy"));
    m_eventsource->setObjectName(QStringLiteral("installEventsource"));
    m_deploy->setObjectName(QStringLiteral("installDeploy"));
    for (QCheckBox *box : {m_proxy, m_eventsource, m_deploy, m_agent})
        box->setChecked(true);

    auto *redis = new QGroupBox(tr("Redis"), page);
    m_newRedis = new QRadioButton(tr("A new Redis in the stack (its data in a volume on a manager)"), redis);
    m_existingRedis = new QRadioButton(tr("An existing Redis"), redis);
    m_newRedis->setObjectName(QStringLiteral("newRedis"));
    m_existingRedis->setObjectName(QStringLiteral("existingRedis"));
    m_newRedis->setChecked(true);
    const DaemonInstallSettings defaults;
    m_redisImage = lineEdit(defaults.redisImage, QStringLiteral("redisImage"), redis);
    m_redisPort = portBox(defaults.redisPort, QStringLiteral("redisPort"), redis);
    m_redisPort->setToolTip(
        tr("Published on the manager for clients outside the swarm (the Superhero clients, "
           "the event browser). Keep it behind a firewall."));
    m_redisAddress = lineEdit({}, QStringLiteral("redisAddress"), redis);
    m_redisAddress->setPlaceholderText(tr("host:port, as the daemons reach it"));
    auto *redisForm = new QFormLayout(redis);
    redisForm->addRow(m_newRedis);
    redisForm->addRow(tr("Image"), m_redisImage);
    redisForm->addRow(tr("Published port"), m_redisPort);
    redisForm->addRow(m_existingRedis);
    redisForm->addRow(tr("Address"), m_redisAddress);
    for (QAbstractButton *box :
         {static_cast<QAbstractButton *>(m_eventsource), static_cast<QAbstractButton *>(m_deploy),
          static_cast<QAbstractButton *>(m_newRedis), static_cast<QAbstractButton *>(m_agent)})
        connect(box, &QAbstractButton::toggled, this, &InstallWizard::updateEnabled);

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_proxy);
    layout->addWidget(m_eventsource);
    layout->addWidget(m_deploy);
    layout->addWidget(m_agent);
    layout->addSpacing(12);
    layout->addWidget(redis);
    layout->addStretch(1);
    updateEnabled();
    return page;
}

QWizardPage *InstallWizard::settingsPage()
{
    auto *page = new QWizardPage(this);
    page->setTitle(tr("Settings"));
    page->setSubTitle(tr("Ports, the nodes that take the proxy's ports, cape-deployd's access, and the "
                         "agents' Docker socket."));
    const DaemonInstallSettings defaults;
    m_httpPort = portBox(defaults.httpPort, QStringLiteral("httpPort"), page);
    m_httpsPort = portBox(defaults.httpsPort, QStringLiteral("httpsPort"), page);
    m_ingress = new QListWidget(page);
    m_ingress->setObjectName(QStringLiteral("ingressNodes"));
    m_ingress->setMaximumHeight(110);
    m_deploydPort = portBox(defaults.deploydPort, QStringLiteral("deploydPort"), page);
    m_dockerSocket = lineEdit(defaults.dockerSocket, QStringLiteral("dockerSocket"), page);
    m_token = lineEdit(DaemonStackBuilder::newToken(), QStringLiteral("apiToken"), page);
    m_token->setReadOnly(true);
    auto *copy = new QPushButton(tr("Copy"), page);
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_token->text()); });
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(m_token, 1);
    tokenRow->addWidget(copy);
    m_repositoryName = lineEdit({}, QStringLiteral("repositoryName"), page);
    m_repositoryUrl = lineEdit({}, QStringLiteral("repositoryUrl"), page);
    m_repositoryUrl->setPlaceholderText(tr("optional: https://github.com/you/app.git"));
    m_branch = lineEdit(defaults.branch, QStringLiteral("branch"), page);
    m_webhookSecret = lineEdit({}, QStringLiteral("webhookSecret"), page);
    m_webhookSecret->setEchoMode(QLineEdit::PasswordEchoOnEdit);
    m_agentSocket = lineEdit(defaults.agentDockerSocket, QStringLiteral("agentDockerSocket"), page);
    m_agentSocket->setToolTip(tr("Each node's Docker socket. A service template such as "
                                 "/run/{{.Node.Hostname}}/docker.sock may name a different one per node."));
    m_agentToken = DaemonStackBuilder::newToken();
    m_settingsProblem = new MessageLabel(page);

    auto *proxy = new QGroupBox(tr("cape-proxyd"), page);
    auto *proxyForm = new QFormLayout(proxy);
    proxyForm->addRow(tr("HTTP port"), m_httpPort);
    proxyForm->addRow(tr("HTTPS port"), m_httpsPort);
    proxyForm->addRow(tr("On the nodes"), m_ingress);
    auto *deploy = new QGroupBox(tr("cape-deployd"), page);
    auto *deployForm = new QFormLayout(deploy);
    deployForm->addRow(tr("API port"), m_deploydPort);
    deployForm->addRow(tr("Docker socket"), m_dockerSocket);
    deployForm->addRow(tr("API token"), tokenRow);
    deployForm->addRow(tr("Repository name"), m_repositoryName);
    deployForm->addRow(tr("Repository URL"), m_repositoryUrl);
    deployForm->addRow(tr("Branch"), m_branch);
    deployForm->addRow(tr("Webhook secret"), m_webhookSecret);
    auto *agent = new QGroupBox(tr("cape-agent"), page);
    auto *agentForm = new QFormLayout(agent);
    agentForm->addRow(tr("Docker socket"), m_agentSocket);
    proxy->setObjectName(QStringLiteral("proxySettings"));
    deploy->setObjectName(QStringLiteral("deploySettings"));
    agent->setObjectName(QStringLiteral("agentSettings"));

    auto *layout = new QVBoxLayout(page);
    layout->addWidget(proxy);
    layout->addWidget(deploy);
    layout->addWidget(agent);
    layout->addWidget(m_settingsProblem);
    layout->addStretch(1);
    return page;
}

QWizardPage *InstallWizard::reviewPage()
{
    auto *page = new QWizardPage(this);
    page->setTitle(tr("Review"));
    page->setSubTitle(tr("What installing creates on the cluster. Uninstalling removes exactly this."));
    page->setCommitPage(true);
    page->setButtonText(QWizard::CommitButton, tr("Install"));
    m_review = new QPlainTextEdit(page);
    m_review->setObjectName(QStringLiteral("installReview"));
    m_review->setReadOnly(true);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_review->setFont(mono);
    auto *layout = new QVBoxLayout(page);
    layout->addWidget(m_review);
    return page;
}

void InstallWizard::updateEnabled()
{
    const bool redis = m_eventsource->isChecked() || m_deploy->isChecked();
    m_newRedis->setEnabled(redis);
    m_existingRedis->setEnabled(redis);
    m_redisImage->setEnabled(redis && m_newRedis->isChecked());
    m_redisPort->setEnabled(redis && m_newRedis->isChecked());
    m_redisAddress->setEnabled(redis && !m_newRedis->isChecked());
    if (m_agentSocket)
        m_agentSocket->setEnabled(m_agent->isChecked());
}

DaemonInstallSettings InstallWizard::settings() const
{
    DaemonInstallSettings s;
    s.proxy = m_proxy->isChecked();
    s.eventsource = m_eventsource->isChecked();
    s.deploy = m_deploy->isChecked();
    s.agent = m_agent->isChecked();
    s.newRedis = m_newRedis->isChecked();
    s.redisImage = m_redisImage->text().trimmed();
    s.redisPort = m_redisPort->value();
    s.existingRedis = m_redisAddress->text().trimmed();
    s.httpPort = m_httpPort->value();
    s.httpsPort = m_httpsPort->value();
    for (int i = 0; i < m_ingress->count(); ++i) {
        if (m_ingress->item(i)->checkState() == Qt::Checked)
            s.ingressNodes << m_ingress->item(i)->data(Qt::UserRole).toString();
    }
    s.deploydPort = m_deploydPort->value();
    s.dockerSocket = m_dockerSocket->text().trimmed();
    s.apiToken = m_token->text();
    s.repositoryName = m_repositoryName->text().trimmed();
    s.repositoryUrl = m_repositoryUrl->text().trimmed();
    s.branch = m_branch->text().trimmed();
    s.webhookSecret = m_webhookSecret->text();
    s.agentDockerSocket = m_agentSocket->text().trimmed();
    s.agentToken = m_agentToken;
    return s;
}

void InstallWizard::initializePage(int id)
{
    switch (id) {
    case ClusterPage: {
        const QList<NodeRecord> nodes = m_store->nodes()->records();
        const auto managers = std::count_if(nodes.begin(), nodes.end(),
                                            [](const NodeRecord &n) { return n.role == L("manager"); });
        page(id)
            ->findChild<QLabel *>(QStringLiteral("clusterSummary"))
            ->setText(tr("<p>Manager engine: <b>%1</b></p><p>%n node(s), %2 of them manager(s); engines of "
                         "other nodes known to this window: %3.</p>",
                         nullptr, int(nodes.size()))
                          .arg(m_store->endpoint().toString().toHtmlEscaped())
                          .arg(managers)
                          .arg(m_store->nodeEndpoints().size()));
        break;
    }
    case ImagePage:
        checkImage();
        break;
    case SettingsPage:
        if (m_ingress->count() == 0) {
            // The managers take the proxy's ports by default: they are the nodes most often public.
            for (const NodeRecord &node : m_store->nodes()->records()) {
                auto *item = new QListWidgetItem(
                    QStringLiteral("%1  (%2, %3)").arg(node.hostname, node.role, node.address), m_ingress);
                item->setData(Qt::UserRole, node.id);
                item->setCheckState(node.role == L("manager") ? Qt::Checked : Qt::Unchecked);
            }
        }
        m_ingress->parentWidget()->setEnabled(m_proxy->isChecked());
        m_deploydPort->parentWidget()->setEnabled(m_deploy->isChecked());
        break;
    case ReviewPage:
        m_review->setPlainText(review(m_plan, settings()));
        break;
    case ProgressPage:
        m_progress->started();
        m_installer->install(m_plan, settings().proxy ? settings().ingressNodes : QStringList());
        break;
    default:
        break;
    }
    QWizard::initializePage(id);
}

bool InstallWizard::validateCurrentPage()
{
    switch (currentId()) {
    case ImagePage:
        if (m_images->isBusy())
            return false;
        if (m_images->allPresent())
            return true;
        if (!m_load->isChecked()) {
            m_imageProblem->showError(tr("The image is missing on some nodes: load it onto them, or load it "
                                         "yourself (docker load -i %1) and check again.")
                                          .arg(m_archive->text()));
            return false;
        }
        m_imageProblem->hide();
        m_loadingThenNext = true;
        button(QWizard::NextButton)->setEnabled(false);
        m_images->load(m_archive->text());
        return false;
    case SettingsPage: {
        QStringList errors;
        const auto plan = DaemonStackBuilder::build(settings(), &errors);
        if (!plan) {
            m_settingsProblem->showError(errors.join(QLatin1Char('\n')));
            return false;
        }
        m_settingsProblem->hide();
        m_plan = *plan;
        return true;
    }
    default:
        return QWizard::validateCurrentPage();
    }
}

void InstallWizard::checkImage()
{
    m_imageProblem->hide();
    m_images->check(m_store->engines(), QStringLiteral("cape-daemons:" CAPE_VERSION_STRING));
    showNodes();
}

void InstallWizard::showNodes()
{
    m_nodes->clear();
    QSet<QString> seen;
    for (const ImageDistributor::Node &node : m_images->nodes()) {
        seen.insert(node.nodeId);
        auto *item =
            new QTreeWidgetItem(m_nodes, {node.name, node.endpoint, ImageDistributor::stateText(node.state)});
        using State = ImageDistributor::Node::State;
        const bool good = node.state == State::Present || node.state == State::Loaded;
        item->setForeground(2, StateColors::of(good                          ? QStringLiteral("running")
                                               : node.state == State::Failed ? QStringLiteral("failed")
                                                                             : QStringLiteral("pending")));
        if (!node.message.isEmpty()) {
            item->setText(2, QStringLiteral("%1 — %2").arg(item->text(2), node.message));
            item->setToolTip(2, node.message);
        }
    }
    // Swarm nodes whose engine this window cannot reach: the wizard cannot check them.
    for (const NodeRecord &node : m_store->nodes()->records()) {
        if (!seen.contains(node.id) && !m_images->isBusy())
            new QTreeWidgetItem(m_nodes, {node.hostname, tr("not known to this window"),
                                          tr("load it there yourself: docker load -i %1")
                                              .arg(QFileInfo(m_archive->text()).fileName())});
    }
}

QString InstallWizard::review(const StackPlan &plan, const DaemonInstallSettings &s) const
{
    QStringList lines;
    lines << tr("Stack \"%1\" with the image %2").arg(plan.stack, s.image()) << QString();
    lines << tr("Services:");
    for (const QJsonObject &service : plan.services) {
        const QJsonObject mode = service[L("Mode")].toObject();
        const QString how = mode.contains(L("Global"))
                                ? tr("global")
                                : tr("%n replica(s)", nullptr, mode[L("Replicated")][L("Replicas")].toInt(1));
        QStringList ports;
        for (const QJsonValue &port : service[L("EndpointSpec")][L("Ports")].toArray())
            ports << QStringLiteral("%1→%2")
                         .arg(port[L("PublishedPort")].toInt())
                         .arg(port[L("TargetPort")].toInt());
        lines << QStringLiteral("  %1  %2  %3  %4")
                     .arg(service[L("Name")].toString(), -14)
                     .arg(service[L("TaskTemplate")][L("ContainerSpec")][L("Image")].toString(), -22)
                     .arg(how, -12)
                     .arg(ports.join(QStringLiteral(", ")));
    }
    const auto names = [](const QList<QJsonObject> &objects) {
        QStringList out;
        for (const QJsonObject &o : objects)
            out << o[L("Name")].toString();
        return out.join(QStringLiteral(", "));
    };
    lines << QString() << tr("Networks: %1").arg(names(plan.networks));
    lines << tr("Configs: %1").arg(names(plan.configs));
    lines << tr("Secrets: %1").arg(names(plan.secrets));
    if (s.proxy) {
        QStringList nodes;
        for (int i = 0; i < m_ingress->count(); ++i) {
            if (m_ingress->item(i)->checkState() == Qt::Checked)
                nodes << m_ingress->item(i)->text().section(QLatin1Char(' '), 0, 0);
        }
        lines << tr("Node label %1=true on: %2")
                     .arg(QLatin1String(DaemonInstallSettings::IngressLabel),
                          nodes.join(QStringLiteral(", ")));
    }
    if (s.deploy)
        lines << QString()
              << tr("cape-deployd's API: port %1, token %2…").arg(s.deploydPort).arg(s.apiToken.left(8));
    if (s.agent)
        lines << QString()
              << tr("cape-agent: one task on every node with its Docker socket (%1), reached by Cape "
                    "through this connection; no port published. The agents' token is a swarm secret.")
                     .arg(s.agentDockerSocket);
    return lines.join(QLatin1Char('\n'));
}

} // namespace cape
