#include "overviewview.h"

#include "statcard.h"

#include "models/clusterstore.h"
#include "models/eventlogmodel.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tasktablemodel.h"
#include "ui/style/statecolors.h"
#include "ui/views/statedelegate.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMap>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace cape {

OverviewView::OverviewView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_cluster(new QLabel(this))
    , m_nodes(new StatCard(tr("Nodes ready"), this))
    , m_managers(new StatCard(tr("Managers"), this))
    , m_services(new StatCard(tr("Services converged"), this))
    , m_tasks(new StatCard(tr("Tasks running"), this))
    , m_taskStates(new QLabel(this))
    , m_reach(new QLabel(this))
    , m_events(new QTableView(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("Overview"));
    auto *title = new QLabel(tr("Overview"), this);
    title->setObjectName(QStringLiteral("viewTitle"));
    m_cluster->setObjectName(QStringLiteral("viewCount"));
    m_cluster->setWordWrap(true);

    auto *cards = new QGridLayout;
    cards->setSpacing(12);
    cards->addWidget(m_nodes, 0, 0);
    cards->addWidget(m_managers, 0, 1);
    cards->addWidget(m_services, 0, 2);
    cards->addWidget(m_tasks, 0, 3);

    m_taskStates->setTextFormat(Qt::RichText);
    m_reach->setObjectName(QStringLiteral("nodeReach"));
    m_reach->setTextFormat(Qt::RichText);
    m_reach->setWordWrap(true);
    auto *eventsTitle = new QLabel(tr("Recent events"), this);
    eventsTitle->setStyleSheet(QStringLiteral("font-weight: 600; font-size: 11pt"));
    // From when the list is whole: the engine keeps only its last 256 events.
    auto *eventsNote = new QLabel(this);
    eventsNote->setObjectName(QStringLiteral("viewNote"));
    const auto coverage = [eventsNote, log = store->events()] { eventsNote->setText(log->coverageText()); };
    connect(store->events(), &EventLogModel::coverageChanged, eventsNote, coverage);
    coverage();
    auto *eventsHeader = new QHBoxLayout;
    eventsHeader->addWidget(eventsTitle);
    eventsHeader->addSpacing(8);
    eventsHeader->addWidget(eventsNote, 1);
    m_events->setModel(store->events());
    m_events->verticalHeader()->hide();
    m_events->verticalHeader()->setDefaultSectionSize(24);
    m_events->horizontalHeader()->setStretchLastSection(true);
    m_events->horizontalHeader()->resizeSection(EventLogModel::Object, 220);
    m_events->setShowGrid(false);
    m_events->setAlternatingRowColors(true);
    m_events->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_events->setItemDelegateForColumn(EventLogModel::Action, new StateDelegate(m_events));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addWidget(m_cluster);
    layout->addLayout(cards);
    layout->addWidget(m_taskStates);
    layout->addWidget(m_reach);
    layout->addLayout(eventsHeader);
    layout->addWidget(m_events, 1);

    // Bursts of changes (a stack deploy) redraw once.
    m_timer->setSingleShot(true);
    m_timer->setInterval(100);
    connect(m_timer, &QTimer::timeout, this, &OverviewView::update);
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{store->nodes(), store->services(), store->tasks()}) {
        connect(model, &QAbstractItemModel::dataChanged, this, &OverviewView::scheduleUpdate);
        connect(model, &QAbstractItemModel::rowsInserted, this, &OverviewView::scheduleUpdate);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &OverviewView::scheduleUpdate);
    }
    connect(store, &ClusterStore::stateChanged, this, &OverviewView::scheduleUpdate);
    connect(store, &ClusterStore::reachChanged, this, &OverviewView::scheduleUpdate);
    update();
}

void OverviewView::scheduleUpdate()
{
    if (!m_timer->isActive())
        m_timer->start();
}

// Figures are shown only for a live manager. Until then the tiles say
// why not, in grey while connecting and in red when the endpoint is not
// reachable or not a manager: an empty cluster must never read as a
// healthy one ("0/0, every node is ready").
bool OverviewView::showConnectionState()
{
    const ClusterStore::State state = m_store->state();
    const bool stale = state == ClusterStore::State::Reconnecting && !m_store->nodes()->records().isEmpty();
    if (state == ClusterStore::State::Live || stale)
        return false;
    const bool connecting = state == ClusterStore::State::Connecting || state == ClusterStore::State::Idle;
    const QString why = connecting                              ? tr("connecting…")
                        : state == ClusterStore::State::Refused ? tr("not a swarm manager")
                                                                : tr("not connected");
    const QString severity = connecting ? QStringLiteral("idle") : QStringLiteral("down");
    for (StatCard *card : {m_nodes, m_managers, m_services, m_tasks})
        card->setValue(QStringLiteral("–"), why, severity);
    m_taskStates->clear();
    m_reach->clear();
    m_cluster->setText(connecting ? m_store->stateMessage()
                                  : tr("%1 — %2").arg(m_store->endpoint().toString(), why));
    return true;
}

void OverviewView::update()
{
    if (showConnectionState())
        return;
    const auto &nodes = m_store->nodes()->records();
    int ready = 0, managers = 0, reachable = 0;
    QString leader;
    for (const NodeRecord &node : nodes) {
        ready += node.isReady();
        if (node.role == QLatin1String("manager")) {
            ++managers;
            reachable += node.managerStatus == QLatin1String("leader") || node.managerStatus == QLatin1String("reachable");
        }
        if (node.managerStatus == QLatin1String("leader"))
            leader = node.hostname;
    }
    const int total = int(nodes.size());
    m_nodes->setValue(QStringLiteral("%1/%2").arg(ready).arg(total),
                      ready == total ? tr("every node is ready") : tr("%n node(s) not ready", nullptr, total - ready),
                      ready == total ? QStringLiteral("ready") : QStringLiteral("down"));
    // A swarm keeps working while a majority of its managers are reachable.
    const bool quorum = reachable > managers / 2;
    m_managers->setValue(QStringLiteral("%1/%2").arg(reachable).arg(managers),
                         leader.isEmpty() ? tr("no leader") : tr("leader: %1").arg(leader),
                         !quorum ? QStringLiteral("down") : reachable == managers ? QStringLiteral("ready") : QStringLiteral("degraded"));

    int converged = 0;
    const auto &services = m_store->services()->records();
    for (const ServiceRecord &service : services)
        converged += m_store->services()->healthOf(service) == QLatin1String("converged");
    const int serviceCount = int(services.size());
    m_services->setValue(QStringLiteral("%1/%2").arg(converged).arg(serviceCount),
                         converged == serviceCount ? tr("all at their desired replicas")
                                                   : tr("%n service(s) degraded or updating", nullptr, serviceCount - converged),
                         converged == serviceCount ? QStringLiteral("converged") : QStringLiteral("degraded"));

    QMap<QString, int> states;
    int running = 0, desired = 0;
    for (const TaskRecord &task : m_store->tasks()->records()) {
        if (task.isHistory())
            continue;
        ++states[task.state];
        ++desired;
        running += task.isRunning();
    }
    m_tasks->setValue(QString::number(running), tr("of %n active task(s)", nullptr, desired),
                      running == desired ? QStringLiteral("running") : QStringLiteral("degraded"));
    QStringList parts;
    for (auto it = states.begin(); it != states.end(); ++it)
        parts << QStringLiteral("<span style='color:%1'>&#9679;</span> %2 %3")
                     .arg(StateColors::of(it.key()).name(), it.key().toHtmlEscaped())
                     .arg(it.value());
    m_taskStates->setText(tr("<b>Tasks by state:</b>&nbsp; %1").arg(parts.isEmpty() ? tr("none") : parts.join(QStringLiteral("&nbsp;&nbsp;&nbsp;"))));

    showReach();

    // Lost after having been live: the last known figures, marked as such.
    if (m_store->state() == ClusterStore::State::Reconnecting) {
        for (StatCard *card : {m_nodes, m_managers, m_services, m_tasks})
            card->setValue(card->value(), tr("last known; not connected"), QStringLiteral("unknown"));
    }
    const QJsonObject swarm = m_store->swarm();
    const QString where =
        m_store->state() == ClusterStore::State::Reconnecting
            ? tr("Not connected to %1: the figures are the last known").arg(m_store->endpoint().toString())
            : m_store->stateMessage();
    m_cluster->setText(where +
                       (swarm.isEmpty()
                            ? QString()
                            : tr("  ·  swarm %1").arg(swarm.value(QLatin1String("ID")).toString().left(12))));
}

// Per node, how its own engine (container events, stats, logs) is reached:
// grouped, so that three nodes through the agent read as one line, and what
// does not answer is in red with its reason.
void OverviewView::showReach()
{
    using Way = ClusterStore::NodeReach::Way;
    QMap<QString, QStringList> fine; // how -> nodes
    QStringList trouble;
    for (const NodeRecord &node : m_store->nodes()->records()) {
        const ClusterStore::NodeReach reach = m_store->reachOf(node.id);
        const QString name = node.hostname.toHtmlEscaped();
        const QString problem = reach.problem.toHtmlEscaped();
        const auto bad = [&](const QString &text) {
            trouble << QStringLiteral("<span style='color:%1'>%2</span>")
                           .arg(StateColors::of(QStringLiteral("failed")).name(), text);
        };
        switch (reach.way) {
        case Way::Connection:
            fine[tr("this connection")] << name;
            break;
        case Way::OwnEndpoint:
        case Way::Agent: {
            const QString how = reach.way == Way::Agent ? tr("through cape-agent") : tr("its own endpoint");
            if (reach.answering)
                fine[how] << name;
            else if (reach.problem.isEmpty())
                fine[how + tr(" (connecting)")] << name;
            else if (reach.way == Way::Agent)
                bad(tr("%1: its cape-agent does not answer (%2)").arg(name, problem));
            else
                bad(tr("%1: its endpoint does not answer (%2)").arg(name, problem));
            break;
        }
        case Way::None:
            bad(m_store->agentService().isEmpty()
                    ? tr("%1: not reached (install cape-agent from the Daemons view, or give its endpoint)")
                          .arg(name)
                    : tr("%1: not reached yet").arg(name));
            break;
        }
    }
    QStringList parts;
    for (auto it = fine.begin(); it != fine.end(); ++it) {
        it.value().sort();
        parts << tr("%1: %2").arg(it.value().join(QStringLiteral(", ")), it.key());
    }
    parts << trouble;
    m_reach->setText(
        parts.isEmpty()
            ? QString()
            : tr("<b>Node engines:</b>&nbsp; %1").arg(parts.join(QStringLiteral(" &nbsp;·&nbsp; "))));
}

} // namespace cape
