#include "mainwindow.h"

#include "models/clusterstore.h"
#include "models/eventlogmodel.h"
#include "models/nodetablemodel.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "models/stacktablemodel.h"
#include "models/tasktablemodel.h"
#include "services/certificates/certificatestore.h"
#include "services/connections/connectionstore.h"
#include "services/connections/resolvedconnection.h"
#include "ui/certificates/certificatesview.h"
#include "ui/connections/connectionsdialog.h"
#include "ui/deploy/deployview.h"
#include "ui/deploy/historypanel.h"
#include "ui/eventsource/eventsourceview.h"
#include "ui/install/daemonsview.h"
#include "ui/logs/logpanel.h"
#include "ui/logs/logsview.h"
#include "ui/overview/overviewview.h"
#include "ui/palette/commandpalette.h"
#include "ui/routes/routeeditorview.h"
#include "ui/settings/preferencesdialog.h"
#include "ui/stacks/stacksview.h"
#include "ui/stats/statsview.h"
#include "ui/swarm/swarmview.h"
#include "ui/views/nodesview.h"
#include "ui/views/objectsview.h"
#include "ui/views/resourceview.h"
#include "ui/views/servicesview.h"
#include "ui/views/tasksview.h"
#include "ui/visualizer/visualizerview.h"

#include <QAction>
#include <QCloseEvent>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

MainWindow::MainWindow(const DockerEndpoint &endpoint, const QList<DockerEndpoint> &nodeEndpoints,
                       QWidget *parent)
    : MainWindow(new ClusterStore, parent)
{
    m_store->setParent(this);
    m_store->connectTo(endpoint, nodeEndpoints);
}

MainWindow::MainWindow(ClusterStore *store, QWidget *parent)
    : QMainWindow(parent)
    , m_store(store)
    , m_switcher(new QComboBox(this))
    , m_sidebar(new QListWidget(this))
    , m_cluster(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_status(new QLabel(this))
    , m_stack(new QStackedWidget(this))
{
    m_sidebar->setObjectName(QStringLiteral("sidebar"));
    m_sidebar->setFixedWidth(190);
    m_sidebar->setFocusPolicy(Qt::NoFocus);
    auto *brand = new QLabel(QStringLiteral("Cape"), this);
    brand->setObjectName(QStringLiteral("sidebarTitle"));
    m_cluster->setObjectName(QStringLiteral("sidebarCluster"));
    m_cluster->setWordWrap(true);
    m_cluster->setFixedWidth(190);
    auto *side = new QVBoxLayout;
    side->setSpacing(0);
    side->setContentsMargins(0, 0, 0, 0);
    side->addWidget(brand);
    side->addWidget(m_cluster);
    m_switcher->setObjectName(QStringLiteral("clusterSwitcher"));
    m_switcher->setFixedWidth(190);
    m_switcher->setToolTip(tr("Switch clusters"));
    m_switcher->hide(); // until there is a connection manager
    side->addWidget(m_switcher);
    side->addWidget(m_sidebar, 1);

    m_banner->setObjectName(QStringLiteral("banner"));
    m_banner->setWordWrap(true);
    m_banner->hide();
    auto *main = new QVBoxLayout;
    main->setSpacing(0);
    main->setContentsMargins(0, 0, 0, 0);
    main->addWidget(m_banner);
    main->addWidget(m_stack, 1);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setSpacing(0);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(side);
    layout->addLayout(main, 1);
    setCentralWidget(central);
    statusBar()->addWidget(m_status, 1);

    addView(QStringLiteral("overview"), tr("Overview"), new OverviewView(store, this));
    addView(QStringLiteral("visualizer"), tr("Visualizer"), new VisualizerView(store, this));
    addView(QStringLiteral("nodes"), tr("Nodes"), new NodesView(store, this));
    auto *services = new ServicesView(store, this);
    addView(QStringLiteral("services"), tr("Services"), services);
    auto *tasks = new TasksView(store, this);
    addView(QStringLiteral("tasks"), tr("Tasks"), tasks);
    m_logs = new LogsView(store, this);
    addView(QStringLiteral("logs"), tr("Logs"), m_logs);
    connect(services, &ServicesView::logsRequested, this, &MainWindow::openLogs);
    connect(tasks, &TasksView::logsRequested, this, &MainWindow::openLogs);
    addView(QStringLiteral("stats"), tr("Stats"), new StatsView(store, this));
    addView(QStringLiteral("stacks"), tr("Stacks"), new StacksView(store, this));
    addView(QStringLiteral("networks"), tr("Networks"),
            new ObjectsView(ObjectsView::Kind::Network, store, this));
    addView(QStringLiteral("configs"), tr("Configs"),
            new ObjectsView(ObjectsView::Kind::Config, store, this));
    addView(QStringLiteral("secrets"), tr("Secrets"),
            new ObjectsView(ObjectsView::Kind::Secret, store, this));
    addView(QStringLiteral("swarm"), tr("Swarm"), new SwarmView(store, this));
    auto *events = new ResourceView(tr("Events"), store->events(), this);
    events->setDetailsVisible(false);
    events->setStateColumns({EventLogModel::Action});
    events->table()->sortByColumn(EventLogModel::Time, Qt::DescendingOrder);
    events->setPlaceholder(
        tr("No events yet: services, nodes, networks and containers report here as they change."));
    const auto eventsCoverage = [events, log = store->events()] { events->setNote(log->coverageText()); };
    connect(store->events(), &EventLogModel::coverageChanged, events, eventsCoverage);
    eventsCoverage();
    addView(QStringLiteral("events"), tr("Events"), events);
    // Not the swarm's: a Redis an eventsource server indexes (cape-eventd).
    addView(QStringLiteral("eventsource"), tr("Eventsource"), new EventsourceView(this));
    // cape-proxyd's document: entry points wired to the cluster's services.
    auto *certificates = new CertificateStore(this); // the certificates view's and the route editor's
    addView(QStringLiteral("routes"), tr("Routes"), new RouteEditorView(store, certificates, this));
    // cape-deployd's: its history, and the template editor with a dry run against this cluster.
    auto *deploy = new DeployView(store, this);
    addView(QStringLiteral("deploy"), tr("Deploy"), deploy);
    // The workstation's: certificates for the proxy, keys in the OS keychain.
    addView(QStringLiteral("certificates"), tr("Certificates"),
            new CertificatesView(certificates, store, this));
    // Cape's own daemons on this cluster: install, status, upgrade, uninstall.
    auto *daemons = new DaemonsView(store, this);
    addView(QStringLiteral("daemons"), tr("Daemons"), daemons);
    // A cape-deployd the wizard installed is the Deploy panel's, token and all.
    connect(daemons, &DaemonsView::deploydInstalled, deploy->history(),
            [history = deploy->history()](const QUrl &url, const QByteArray &token) {
                history->connectTo(url, token);
            });

    connect(m_sidebar, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);
    m_sidebar->setCurrentRow(0);

    auto *refresh = new QAction(tr("Refresh"), this);
    refresh->setShortcut(QKeySequence::Refresh);
    connect(refresh, &QAction::triggered, store, &ClusterStore::refresh);
    addAction(refresh);
    auto *preferences = new QAction(tr("Preferences…"), this);
    preferences->setShortcuts({QKeySequence::Preferences, QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    connect(preferences, &QAction::triggered, this, &MainWindow::openPreferences);
    addAction(preferences);
    auto *palette = new QAction(tr("Command palette"), this);
    palette->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    connect(palette, &QAction::triggered, this, &MainWindow::openPalette);
    addAction(palette);
    for (int i = 0; i < std::min<int>(9, int(m_viewNames.size())); ++i) {
        auto *go = new QAction(this);
        go->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        connect(go, &QAction::triggered, this, [this, i] { m_sidebar->setCurrentRow(i); });
        addAction(go);
    }

    // The engine's messages name objects by ID: say their names instead.
    for (ResourceView *clusterView : clusterViews())
        clusterView->setNameResolver([store](const QString &id) { return store->nameOf(id); });
    connect(store, &ClusterStore::stateChanged, this, &MainWindow::updateConnectionState);
    connect(store, &ClusterStore::loaded, this, &MainWindow::loaded);
    updateConnectionState();
    resize(1440, 860);
    restoreLayout();
}

PreferencesDialog *MainWindow::openPreferences()
{
    auto *dialog = new PreferencesDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->open();
    return dialog;
}

// The window's place and size, and every splitter's sizes, as the user left them. Splitters are
// keyed by their order among the window's children: the views make them in a fixed order.
void MainWindow::restoreLayout()
{
    QSettings settings;
    if (const QByteArray geometry = settings.value(QLatin1String(GeometryKey)).toByteArray();
        !geometry.isEmpty())
        restoreGeometry(geometry);
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    for (int i = 0; i < splitters.size(); ++i) {
        const QByteArray state = settings.value(QStringLiteral("window/splitter%1").arg(i)).toByteArray();
        if (!state.isEmpty())
            splitters[i]->restoreState(state);
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    QSettings settings;
    settings.setValue(QLatin1String(GeometryKey), saveGeometry());
    const QList<QSplitter *> splitters = findChildren<QSplitter *>();
    for (int i = 0; i < splitters.size(); ++i)
        settings.setValue(QStringLiteral("window/splitter%1").arg(i), splitters[i]->saveState());
    QMainWindow::closeEvent(event);
}

LogPanel *MainWindow::openLogs(const LogFeed::Target &target)
{
    showView(QStringLiteral("logs"));
    return m_logs->open(target);
}

void MainWindow::addView(const QString &name, const QString &label, QWidget *view)
{
    m_viewNames << name;
    m_sidebar->addItem(label);
    m_stack->addWidget(view);
}

bool MainWindow::showView(const QString &name)
{
    const int index = int(m_viewNames.indexOf(name));
    if (index < 0)
        return false;
    m_sidebar->setCurrentRow(index);
    return true;
}

QWidget *MainWindow::view(const QString &name) const
{
    const int index = int(m_viewNames.indexOf(name));
    return index < 0 ? nullptr : m_stack->widget(index);
}

QString MainWindow::currentView() const
{
    return m_viewNames.value(m_stack->currentIndex());
}

bool MainWindow::isLoaded() const
{
    return m_store->isLoaded();
}

void MainWindow::setConnections(ConnectionStore *connections)
{
    m_connections = connections;
    for (auto signal : {&ConnectionStore::profileAdded, &ConnectionStore::profileChanged,
                        &ConnectionStore::profileRemoved, &ConnectionStore::currentChanged})
        connect(connections, signal, this, &MainWindow::reloadSwitcher);
    connect(m_switcher, &QComboBox::activated, this, [this](int index) {
        const QString id = m_switcher->itemData(index).toString();
        if (id.isEmpty()) {
            reloadSwitcher(); // back to the current cluster's entry
            openConnectionsDialog();
        } else if (id != m_connections->currentId() || m_store->state() == ClusterStore::State::Idle) {
            connectToProfile(id);
        }
    });
    m_switcher->show();
    reloadSwitcher();
}

void MainWindow::reloadSwitcher()
{
    const QSignalBlocker blocker(m_switcher);
    m_switcher->clear();
    for (const ConnectionProfile &profile : m_connections->profiles())
        m_switcher->addItem(profile.name, profile.id);
    m_switcher->insertSeparator(m_switcher->count());
    m_switcher->addItem(tr("Manage clusters…"), QString());
    const int current = m_switcher->findData(m_connections->currentId());
    m_switcher->setCurrentIndex(current >= 0 ? current : m_switcher->count() - 1);
}

void MainWindow::connectToProfile(const QString &id)
{
    m_connections->setCurrentId(id);
    m_status->setText(tr("Reading %1's key from the keychain…").arg(m_connections->profile(id).name));
    m_connections->resolveEndpoint(id, this, [this](const ResolvedConnection &resolved) {
        if (!resolved.ok()) {
            m_banner->setText(tr("⚠  Cannot connect to %1: %2").arg(resolved.profile.name, resolved.error));
            m_banner->show();
            return;
        }
        QList<DockerEndpoint> nodes;
        for (const ConnectionProfile::NodeEndpoint &node : resolved.profile.nodes) {
            DockerEndpoint endpoint;
            QString error;
            if (resolved.profile.toEndpoint(node, resolved.endpoint.keyPem, &endpoint, &error))
                nodes << endpoint;
        }
        m_store->connectTo(resolved.endpoint, nodes);
    });
}

ConnectionsDialog *MainWindow::openConnectionsDialog()
{
    auto *dialog = new ConnectionsDialog(m_connections, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &ConnectionsDialog::connectRequested, this, [this, dialog](const QString &id) {
        dialog->accept();
        connectToProfile(id);
    });
    dialog->open();
    return dialog;
}

bool MainWindow::reveal(const QString &viewName, const QString &id)
{
    auto *resourceView = qobject_cast<ResourceView *>(view(viewName));
    if (!resourceView || !showView(viewName))
        return false;
    resourceView->filterEdit()->clear(); // a filter could hide it
    const bool found = resourceView->selectId(id);
    resourceView->table()->setFocus();
    return found;
}

CommandPalette *MainWindow::openPalette()
{
    QList<CommandPalette::Entry> entries;
    for (int i = 0; i < m_viewNames.size(); ++i) {
        const QString label = m_sidebar->item(i)->text();
        entries.append({tr("Go to %1").arg(label), tr("view"), [this, i] { m_sidebar->setCurrentRow(i); }});
    }
    const auto action = [&](const QString &text, const QString &viewName, const QString &actionText) {
        entries.append({text, tr("action"), [this, viewName, actionText] {
                            showView(viewName);
                            for (QAction *a : view(viewName)->actions()) {
                                if (a->text() == actionText)
                                    a->trigger();
                            }
                        }});
    };
    entries.append({tr("Refresh everything"), tr("action · F5"), [this] { m_store->refresh(); }});
    entries.append({tr("Preferences…"), tr("action · Ctrl+,"), [this] { openPreferences(); }});
    entries.append({tr("Install Cape's daemons…"), tr("action"), [this] {
                        showView(QStringLiteral("daemons"));
                        qobject_cast<DaemonsView *>(view(QStringLiteral("daemons")))->openInstallWizard();
                    }});
    action(tr("Create a service…"), QStringLiteral("services"), tr("Create…"));
    action(tr("Deploy a stack…"), QStringLiteral("stacks"), tr("Deploy…"));
    action(tr("Create a network…"), QStringLiteral("networks"), tr("Create…"));
    action(tr("Create a config…"), QStringLiteral("configs"), tr("Create…"));
    action(tr("Create a secret…"), QStringLiteral("secrets"), tr("Create…"));
    entries.append({tr("Show join tokens"), tr("action"), [this] {
                        showView(QStringLiteral("swarm"));
                        qobject_cast<SwarmView *>(view(QStringLiteral("swarm")))->showTokens();
                    }});
    // Each object by name, and what can be done to it as its view offers
    // it ("Drain node3", "Scale web…"): run on the object, selected there.
    const bool live = m_store->state() == ClusterStore::State::Live;
    const auto objects = [&](const QString &viewName, const QString &kind, auto *model, auto nameOf) {
        auto *resourceView = qobject_cast<ResourceView *>(view(viewName));
        const QList<QAction *> rowActions =
            resourceView && live ? resourceView->rowActions() : QList<QAction *>();
        for (const auto &record : model->records()) {
            const QString name = nameOf(record);
            if (name.isEmpty())
                continue;
            entries.append({name, kind, [this, viewName, id = record.id] { reveal(viewName, id); }});
            for (QAction *rowAction : rowActions) {
                QString verb = rowAction->text();
                const bool asks = verb.endsWith(u'…');
                if (asks)
                    verb.chop(1);
                entries.append({tr("%1 %2").arg(verb, name) + (asks ? QStringLiteral("…") : QString()),
                                tr("%1 · action").arg(kind), [this, viewName, rowAction, id = record.id] {
                                    if (reveal(viewName, id))
                                        rowAction->trigger();
                                }});
            }
        }
    };
    objects(QStringLiteral("nodes"), tr("node"), m_store->nodes(),
            [](const NodeRecord &n) { return n.hostname; });
    objects(QStringLiteral("services"), tr("service"), m_store->services(),
            [](const ServiceRecord &s) { return s.name; });
    objects(QStringLiteral("stacks"), tr("stack"), m_store->stacks(),
            [](const StackRecord &s) { return s.id; });
    objects(QStringLiteral("networks"), tr("network"), m_store->networks(),
            [](const ObjectRecord &o) { return o.name; });
    objects(QStringLiteral("configs"), tr("config"), m_store->configs(),
            [](const ObjectRecord &o) { return o.name; });
    objects(QStringLiteral("secrets"), tr("secret"), m_store->secrets(),
            [](const ObjectRecord &o) { return o.name; });
    const TaskTableModel *tasks = m_store->tasks();
    objects(QStringLiteral("tasks"), tr("task"), tasks,
            [tasks](const TaskRecord &t) { return t.isHistory() ? QString() : tasks->taskName(t); });

    auto *palette = new CommandPalette(this);
    palette->setAttribute(Qt::WA_DeleteOnClose);
    palette->setEntries(std::move(entries));
    // Centred near the top, as in editors.
    palette->move(mapToGlobal(QPoint((width() - palette->width()) / 2, 80)));
    palette->show();
    return palette;
}

// The views of the swarm's own objects, whose actions go to its manager.
QList<ResourceView *> MainWindow::clusterViews() const
{
    QList<ResourceView *> views;
    for (const char *name : {"nodes", "services", "tasks", "stacks", "networks", "configs", "secrets"}) {
        if (auto *clusterView = qobject_cast<ResourceView *>(view(QLatin1String(name))))
            views << clusterView;
    }
    return views;
}

void MainWindow::updateConnectionState()
{
    const QString endpoint = m_store->endpoint().toString();
    const QString name = m_store->info().value(QLatin1String("Name")).toString();
    // The application's display name ("Cape") is added by Qt.
    setWindowTitle(name.isEmpty() ? endpoint : tr("%1 (%2)").arg(name, endpoint));
    m_cluster->setText(name.isEmpty() ? endpoint : tr("%1\n%2").arg(name, endpoint));
    const ClusterStore::State state = m_store->state();
    const bool refused = state == ClusterStore::State::Refused;
    const bool lost = state == ClusterStore::State::Reconnecting;
    // The reason is said once, in the banner; the status line says the state.
    m_banner->setVisible(lost || refused);
    if (refused)
        m_banner->setText(tr("⚠  %1 Cape asks again every 30 s; F5 asks now.").arg(m_store->stateMessage()));
    else if (lost && m_store->nodes()->rowCount() > 0)
        m_banner->setText(
            tr("⚠  Lost the connection. %1 Until it answers, the views show the last known state; "
               "they resync then.")
                .arg(m_store->stateMessage()));
    else if (lost)
        m_banner->setText(tr("⚠  %1").arg(m_store->stateMessage()));
    m_banner->setToolTip(lost ? m_store->lastError().toString() : QString());
    m_status->setText(refused ? tr("Not connected: %1 is not a swarm manager").arg(endpoint)
                      : lost  ? tr("Not connected to %1").arg(endpoint)
                              : m_store->stateMessage());
    // Nothing can be created or changed through an endpoint that is not a
    // live manager: its actions wait until it is one.
    for (ResourceView *clusterView : clusterViews())
        clusterView->setActionsAvailable(state == ClusterStore::State::Live);
}

} // namespace cape
