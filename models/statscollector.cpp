#include "statscollector.h"

#include "clusterstore.h"
#include "nodetablemodel.h"

#include "services/docker/dockerclient.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>
#include <QSet>

#include <algorithm>

Q_LOGGING_CATEGORY(lcStats, "cape.stats")

namespace cape {

namespace {
constexpr int MaxRetryDelayMs = 30000;
constexpr int BatchMs = 500;
constexpr int ProblemsBatchMs = 200;
// An engine that stays up this long has recovered: its back-off starts over.
constexpr int SteadyMs = 30000;

// A sample newer than this is current; a stream being retried has a newest
// sample, but not a current one.
qint64 currentSinceMs()
{
    return QDateTime::currentMSecsSinceEpoch() - (StatsSeries::AlignToleranceSeconds + 1) * 1000;
}

int backoffMs(int attempt)
{
    return std::min(MaxRetryDelayMs, 1000 << std::min(attempt, 5));
}

QString label(const QJsonObject &labels, const char *key)
{
    return labels.value(QLatin1StringView(key)).toString();
}

// web.1.x7f3… is replica 1 of web; a global service's task is named by its
// node's ID, shown here by the node's name.
QString displayNameOf(const StatsCollector::Container &c, const QString &taskName, const QString &labelNodeId)
{
    QString name = taskName.isEmpty() ? c.name : taskName;
    if (!c.taskId.isEmpty() && name.endsWith(QLatin1Char('.') + c.taskId))
        name.chop(c.taskId.size() + 1);
    if (!labelNodeId.isEmpty() && !c.nodeName.isEmpty() &&
        name == c.serviceName + QLatin1Char('.') + labelNodeId)
        name = c.serviceName + QLatin1Char('.') + c.nodeName;
    return name;
}
} // namespace

struct StatsCollector::EngineFeed
{
    DockerEndpoint endpoint;
    DockerClient *client = nullptr;
    QPointer<DockerEventStream> events;
    QString nodeId;
    QString nodeName;
    int cpus = 0;
    quint64 memory = 0;
    EngineState state = EngineState::Connecting;
    QString message;
    int attempt = 0;
    int generation = 0; // bumped at each (re)start: late answers are dropped
    // While a listing is on its way, events newer than it win over it.
    bool listing = false;
    QSet<QString> startedWhileListing;
    QSet<QString> endedWhileListing;
};

struct StatsCollector::Tracked
{
    Container container;
    EngineFeed *feed = nullptr;
    QPointer<DockerStatsStream> stream;
    int attempt = 0;
    QString problem; // the last stream failure, until a sample arrives again
};

StatsCollector::StatsCollector(ClusterStore *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_batch.setSingleShot(true);
    m_batch.setInterval(BatchMs);
    connect(&m_batch, &QTimer::timeout, this, [this] {
        pruneRetired();
        emit changed();
    });
    // A node's hundreds of streams failing at once are one change to show.
    m_problemsBatch.setSingleShot(true);
    m_problemsBatch.setInterval(ProblemsBatchMs);
    connect(&m_problemsBatch, &QTimer::timeout, this, &StatsCollector::problemsChanged);
    // connectTo() another cluster (or other engines): follow it.
    connect(store, &ClusterStore::enginesChanged, this, &StatsCollector::followEngines);
    connect(store, &ClusterStore::stateChanged, this, [this] {
        if (m_running && !followsStore())
            start();
    });
    // Nodes without an engine to ask are named in problems().
    connect(store->nodes(), &QAbstractItemModel::rowsInserted, this, &StatsCollector::markProblemsChanged);
    connect(store->nodes(), &QAbstractItemModel::rowsRemoved, this, &StatsCollector::markProblemsChanged);
}

StatsCollector::~StatsCollector()
{
    // Its owner (the view) is half destroyed by now: tell no one.
    const QSignalBlocker quiet(this);
    stop();
}

bool StatsCollector::hasCluster() const
{
    return m_store->state() != ClusterStore::State::Idle && m_store->state() != ClusterStore::State::Refused;
}

bool StatsCollector::followsStore() const
{
    QList<DockerEndpoint> wanted;
    if (hasCluster())
        wanted << m_store->endpoint() << m_store->nodeEndpoints();
    return wanted == m_endpoints;
}

void StatsCollector::start()
{
    stop();
    m_running = true;
    if (!hasCluster())
        return; // not connected yet, or not to a manager: stateChanged() starts it
    m_endpoints << m_store->endpoint() << m_store->nodeEndpoints();
    QList<DockerEndpoint> distinct;
    for (const DockerEndpoint &endpoint : std::as_const(m_endpoints)) {
        if (distinct.contains(endpoint))
            continue;
        distinct << endpoint;
        auto *feed = new EngineFeed;
        feed->endpoint = endpoint;
        feed->client = new DockerClient(endpoint, this);
        m_feeds << feed;
        startEngine(feed);
    }
    markProblemsChanged();
}

// The store's engines changed (cape-agent came or went, a node joined or
// left): feeds for new engines start, those of engines gone stop with their
// containers; the others go on undisturbed.
void StatsCollector::followEngines()
{
    if (!m_running || !hasCluster() || followsStore())
        return;
    QList<DockerEndpoint> wanted;
    wanted << m_store->endpoint() << m_store->nodeEndpoints();
    const QList<EngineFeed *> feeds = m_feeds;
    for (EngineFeed *feed : feeds) {
        if (wanted.contains(feed->endpoint))
            continue;
        removeContainersOf(feed);
        m_feeds.removeOne(feed);
        ++feed->generation;
        if (feed->events)
            feed->events->abort();
        delete feed->client;
        delete feed;
    }
    for (const DockerEndpoint &endpoint : std::as_const(wanted)) {
        const bool fed = std::any_of(m_feeds.cbegin(), m_feeds.cend(),
                                     [&endpoint](const EngineFeed *f) { return f->endpoint == endpoint; });
        if (fed)
            continue;
        auto *feed = new EngineFeed;
        feed->endpoint = endpoint;
        feed->client = new DockerClient(endpoint, this);
        m_feeds << feed;
        startEngine(feed);
    }
    m_endpoints = wanted;
    markChanged();
    markProblemsChanged();
}

void StatsCollector::stop()
{
    const bool wasRunning = m_running || !m_feeds.isEmpty();
    m_running = false;
    m_endpoints.clear();
    const QHash<QString, Tracked *> containers = std::exchange(m_containers, {});
    for (Tracked *tracked : containers) {
        if (tracked->stream)
            tracked->stream->abort(); // its finished() finds nothing to retry
        delete tracked;
    }
    const QList<EngineFeed *> feeds = std::exchange(m_feeds, {});
    for (EngineFeed *feed : feeds) {
        ++feed->generation;
        if (feed->events)
            feed->events->abort();
        delete feed->client;
        delete feed;
    }
    m_malformed = 0;
    m_lastMalformed.clear();
    m_retired.clear();
    if (wasRunning) {
        markChanged();
        markProblemsChanged();
    }
}

void StatsCollector::startEngine(EngineFeed *feed)
{
    const int generation = ++feed->generation;
    feed->state = EngineState::Connecting;
    feed->client->info()->then(feed->client, [this, feed, generation](DockerReply *reply) {
        if (generation != feed->generation)
            return;
        if (reply->error()) {
            engineLost(feed, reply->error());
            return;
        }
        const QJsonObject info = reply->object();
        feed->nodeId =
            info.value(QLatin1String("Swarm")).toObject().value(QLatin1String("NodeID")).toString();
        if (feed->nodeId.isEmpty())
            feed->nodeId = info.value(QLatin1String("ID")).toString(); // an engine outside a swarm
        feed->nodeName = info.value(QLatin1String("Name")).toString();
        feed->cpus = info.value(QLatin1String("NCPU")).toInt();
        feed->memory = quint64(std::max(0.0, info.value(QLatin1String("MemTotal")).toDouble()));
        // The same engine under two spellings would count every container twice.
        for (const EngineFeed *other : std::as_const(m_feeds)) {
            if (other != feed && other->nodeId == feed->nodeId && other->state != EngineState::Duplicate &&
                other->state != EngineState::Lost) {
                feed->state = EngineState::Duplicate;
                feed->message = tr("%1 is the same engine as %2")
                                    .arg(feed->endpoint.toString(), other->endpoint.toString());
                markProblemsChanged();
                return;
            }
        }

        DockerClient::EventOptions options;
        options.filters.insert(QStringLiteral("type"), {QStringLiteral("container")});
        options.filters.insert(QStringLiteral("event"),
                               {QStringLiteral("start"), QStringLiteral("die"), QStringLiteral("destroy")});
        DockerEventStream *events = feed->client->events(options);
        feed->events = events;
        connect(events, &DockerEventStream::event, feed->client,
                [this, feed, generation](const QJsonObject &event) {
                    if (generation == feed->generation)
                        onContainerEvent(feed, event);
                });
        connect(events, &DockerStream::live, feed->client, [this, feed, generation] {
            if (generation == feed->generation)
                listContainers(feed);
        });
        connect(events, &DockerExchange::finished, feed->client, [this, feed, events, generation] {
            events->deleteLater();
            if (generation != feed->generation)
                return;
            DockerError error = events->error();
            if (!error) {
                error.kind = DockerError::Kind::Connection;
                error.endpoint = feed->endpoint.toString();
                error.message = tr("the engine ended the event stream");
            }
            engineLost(feed, error);
        });
    });
}

void StatsCollector::removeContainersOf(const EngineFeed *feed)
{
    QStringList gone;
    for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it) {
        if (it.value()->feed == feed)
            gone << it.key();
    }
    for (const QString &id : std::as_const(gone))
        removeContainer(id);
}

void StatsCollector::engineLost(EngineFeed *feed, const DockerError &error)
{
    const int generation = ++feed->generation;
    if (feed->events)
        feed->events->abort();
    // Its containers cannot be measured: showing their last numbers would
    // count them twice once swarm reschedules them elsewhere.
    removeContainersOf(feed);
    const int delay = backoffMs(feed->attempt++);
    feed->state = EngineState::Lost;
    feed->listing = false;
    feed->message =
        tr("%1: %2 — retrying in %3 s").arg(feed->endpoint.toString(), error.message).arg(delay / 1000);
    qCWarning(lcStats).noquote() << error.toString() << "— retrying in" << delay / 1000 << "s";
    markProblemsChanged();
    QTimer::singleShot(delay, feed->client, [this, feed, generation] {
        if (m_feeds.contains(feed) && generation == feed->generation)
            startEngine(feed);
    });
}

void StatsCollector::listContainers(EngineFeed *feed)
{
    const int generation = feed->generation;
    feed->listing = true;
    feed->startedWhileListing.clear();
    feed->endedWhileListing.clear();
    feed->client->listContainers()->then(feed->client, [this, feed, generation](DockerReply *reply) {
        if (generation != feed->generation)
            return;
        feed->listing = false;
        if (reply->error()) {
            engineLost(feed, reply->error());
            return;
        }
        QSet<QString> listed;
        for (const QJsonValue &value : reply->array()) {
            const QJsonObject c = value.toObject();
            const QString id = c.value(QLatin1String("Id")).toString();
            if (id.isEmpty() || feed->endedWhileListing.contains(id))
                continue;
            listed.insert(id);
            QString name = c.value(QLatin1String("Names")).toArray().first().toString();
            if (name.startsWith(QLatin1Char('/')))
                name.remove(0, 1);
            addContainer(feed, id, name, c.value(QLatin1String("Labels")).toObject());
        }
        QStringList gone;
        for (auto it = m_containers.cbegin(); it != m_containers.cend(); ++it) {
            if (it.value()->feed == feed && !listed.contains(it.key()) &&
                !feed->startedWhileListing.contains(it.key()))
                gone << it.key();
        }
        for (const QString &id : std::as_const(gone))
            removeContainer(id);
        feed->state = EngineState::Live;
        feed->message.clear();
        // Not at once: an engine whose events stream drops right after each
        // listing would be listed, and its streams reopened, every second.
        QTimer::singleShot(SteadyMs, feed->client, [feed, generation] {
            if (generation == feed->generation)
                feed->attempt = 0;
        });
        // Streams that failed while the engine was away start again now.
        for (Tracked *tracked : std::as_const(m_containers)) {
            if (tracked->feed == feed && !tracked->stream)
                openStream(tracked);
        }
        markProblemsChanged();
        markChanged();
    });
}

void StatsCollector::onContainerEvent(EngineFeed *feed, const QJsonObject &event)
{
    const QString action = event.value(QLatin1String("Action")).toString();
    const QJsonObject actor = event.value(QLatin1String("Actor")).toObject();
    const QString id = actor.value(QLatin1String("ID")).toString();
    if (id.isEmpty())
        return;
    if (action == QLatin1String("start")) {
        // Container events carry the container's labels, and its name.
        const QJsonObject attributes = actor.value(QLatin1String("Attributes")).toObject();
        if (feed->listing) {
            feed->startedWhileListing.insert(id);
            feed->endedWhileListing.remove(id);
        }
        addContainer(feed, id, attributes.value(QLatin1String("name")).toString(), attributes);
    } else if (action == QLatin1String("die") || action == QLatin1String("destroy")) {
        if (feed->listing) {
            feed->endedWhileListing.insert(id);
            feed->startedWhileListing.remove(id);
        }
        removeContainer(id);
    }
}

void StatsCollector::addContainer(EngineFeed *feed, const QString &id, const QString &name,
                                  const QJsonObject &labels)
{
    if (m_containers.contains(id))
        return;
    auto *tracked = new Tracked;
    tracked->feed = feed;
    Container &c = tracked->container;
    c.id = id;
    c.name = name;
    c.serviceId = label(labels, "com.docker.swarm.service.id");
    c.serviceName = label(labels, "com.docker.swarm.service.name");
    c.taskId = label(labels, "com.docker.swarm.task.id");
    c.nodeId = feed->nodeId;
    c.nodeName = feed->nodeName;
    c.displayName = displayNameOf(c, label(labels, "com.docker.swarm.task.name"),
                                  label(labels, "com.docker.swarm.node.id"));
    m_containers.insert(id, tracked);
    openStream(tracked);
    markChanged();
}

void StatsCollector::removeContainer(const QString &id)
{
    Tracked *tracked = m_containers.take(id);
    if (!tracked)
        return;
    if (tracked->stream)
        tracked->stream->abort();
    const bool hadProblem = !tracked->problem.isEmpty();
    if (!tracked->container.series.isEmpty())
        m_retired.append(std::move(tracked->container));
    delete tracked;
    if (hadProblem)
        markProblemsChanged();
    markChanged();
}

void StatsCollector::pruneRetired()
{
    // Kept as long as the longest window shows them.
    const qint64 before = QDateTime::currentMSecsSinceEpoch() -
                          qint64(StatsSeries::RollupSeconds) * StatsSeries::RollupCount * 1000;
    m_retired.removeIf([before](const Container &c) { return c.series.lastArrivalMs() < before; });
}

void StatsCollector::openStream(Tracked *tracked)
{
    const QString id = tracked->container.id;
    DockerStatsStream *stream = tracked->feed->client->containerStats(id, true);
    tracked->stream = stream;
    connect(stream, &DockerStatsStream::sample, this, [this, id, stream](const ContainerStats &stats) {
        Tracked *t = m_containers.value(id);
        if (!t || t->stream != stream)
            return;
        // A container that stopped goes on being "sampled" with zeroes and
        // no read time: it no longer runs, whether or not its die event came.
        if (!stats.read.isValid() || stats.read.date().year() <= 1) {
            removeContainer(id);
            return;
        }
        t->container.series.append(stats, QDateTime::currentMSecsSinceEpoch());
        ++m_samples;
        if (t->attempt > 0 || !t->problem.isEmpty()) {
            t->attempt = 0;
            t->problem.clear();
            markProblemsChanged();
        }
        markChanged();
    });
    connect(stream, &DockerStatsStream::malformed, this, [this, id](const QString &reason) {
        ++m_malformed;
        const Tracked *t = m_containers.value(id);
        m_lastMalformed = tr("%1: %2").arg(t ? t->container.displayName : id, reason);
        if (m_malformed <= 10 || m_malformed % 1000 == 0) // a broken stream sends one a second
            qCWarning(lcStats).noquote() << "malformed stats sample" << m_malformed << m_lastMalformed;
        markProblemsChanged();
    });
    connect(stream, &DockerExchange::finished, this, [this, id, stream] { streamFinished(id, stream); });
}

void StatsCollector::streamFinished(const QString &id, DockerStatsStream *stream)
{
    stream->deleteLater();
    Tracked *tracked = m_containers.value(id);
    if (!tracked || tracked->stream != stream)
        return;
    tracked->stream = nullptr;
    DockerError error = stream->error();
    if (error.kind == DockerError::Kind::Cancelled)
        return;
    if (error.httpStatus == 404) {
        removeContainer(id); // gone before its events reached us
        return;
    }
    if (tracked->feed->state == EngineState::Lost)
        return; // its next listing reopens what still runs
    if (!error) {
        error.kind = DockerError::Kind::Connection;
        error.endpoint = tracked->feed->endpoint.toString();
        error.message = tr("the engine ended the stats stream");
    }
    const int delay = backoffMs(tracked->attempt++);
    tracked->problem = tr("Stats of %1 on %2: %3 — retrying in %4 s")
                           .arg(tracked->container.displayName, tracked->container.nodeName, error.message)
                           .arg(delay / 1000);
    qCWarning(lcStats).noquote() << error.toString() << "— retrying in" << delay / 1000 << "s";
    markProblemsChanged();
    QTimer::singleShot(delay, this, [this, id] {
        Tracked *t = m_containers.value(id);
        if (t && !t->stream && t->feed->state == EngineState::Live)
            openStream(t);
    });
}

void StatsCollector::markChanged()
{
    if (!m_batch.isActive())
        m_batch.start();
}

void StatsCollector::markProblemsChanged()
{
    if (!m_problemsBatch.isActive())
        m_problemsBatch.start();
}

QList<const StatsCollector::Container *> StatsCollector::containers() const
{
    QList<const Container *> result;
    result.reserve(m_containers.size());
    for (const Tracked *tracked : m_containers)
        result << &tracked->container;
    return result;
}

const StatsCollector::Container *StatsCollector::container(const QString &id) const
{
    const Tracked *tracked = m_containers.value(id);
    return tracked ? &tracked->container : nullptr;
}

QHash<QString, QList<const StatsCollector::Container *>> StatsCollector::groups(Group group) const
{
    QHash<QString, QList<const Container *>> result;
    for (const Tracked *tracked : m_containers) {
        const Container &c = tracked->container;
        switch (group) {
        case Group::Container:
            result[c.id] << &c;
            break;
        case Group::Service:
            if (!c.serviceId.isEmpty())
                result[c.serviceId] << &c;
            break;
        case Group::Node:
            result[c.nodeId] << &c;
            break;
        case Group::Cluster:
            result[QString()] << &c;
            break;
        }
    }
    // A node is a group even with nothing running on it.
    if (group == Group::Node) {
        for (const EngineFeed *feed : m_feeds) {
            if (feed->state == EngineState::Live && !result.contains(feed->nodeId))
                result.insert(feed->nodeId, {});
        }
    }
    return result;
}

QList<const StatsCollector::Container *> StatsCollector::members(Group group, const QString &key) const
{
    QList<const Container *> result;
    for (const Tracked *tracked : m_containers) {
        const Container &c = tracked->container;
        if (group == Group::Cluster || (group == Group::Container && c.id == key) ||
            (group == Group::Service && c.serviceId == key) || (group == Group::Node && c.nodeId == key))
            result << &c;
    }
    // The same order every time, so that lines keep their colours.
    std::sort(result.begin(), result.end(),
              [](const Container *a, const Container *b) { return a->displayName < b->displayName; });
    return result;
}

const StatsCollector::EngineFeed *StatsCollector::feedOfNode(const QString &nodeId) const
{
    for (const EngineFeed *feed : m_feeds) {
        if (feed->nodeId == nodeId && feed->state != EngineState::Duplicate)
            return feed;
    }
    return nullptr;
}

QList<StatsCollector::Engine> StatsCollector::engines() const
{
    QHash<const EngineFeed *, int> counts;
    for (const Tracked *tracked : m_containers)
        ++counts[tracked->feed];
    QList<Engine> result;
    for (const EngineFeed *feed : m_feeds) {
        result.append({feed->endpoint.toString(), feed->nodeId, feed->nodeName, feed->state, feed->message,
                       feed->cpus, feed->memory, counts.value(feed)});
    }
    return result;
}

std::optional<StatsSeries::Point> StatsCollector::current(Group group, const QString &key) const
{
    return current(group, key, members(group, key));
}

std::optional<StatsSeries::Point> StatsCollector::current(Group group, const QString &key,
                                                          const QList<const Container *> &members) const
{
    std::optional<StatsSeries::Point> total;
    const qint64 staleBefore = currentSinceMs();
    bool everyLimitSet = true;
    for (const Container *c : members) {
        const auto point = c->series.latest();
        if (point && point->timeMs >= staleBefore) {
            if (!total)
                total = StatsSeries::Point{};
            *total += *point;
            total->timeMs = std::max(total->timeMs, point->timeMs);
            // Without a limit the engine reports its host's memory.
            const EngineFeed *feed = feedOfNode(c->nodeId);
            if (!feed || feed->memory == 0 || point->memoryLimit >= double(feed->memory))
                everyLimitSet = false;
        }
    }
    // A service's limit is the sum of its replicas' only when each has one:
    // adding up hosts' memory would mean nothing.
    if (total && group == Group::Service && !everyLimitSet)
        total->memoryLimit = 0.0;
    if (group == Group::Node || group == Group::Cluster) {
        quint64 memory = 0;
        for (const EngineFeed *feed : m_feeds) {
            if (feed->state == EngineState::Live && (group == Group::Cluster || feed->nodeId == key))
                memory += feed->memory;
        }
        if (memory > 0) {
            if (!total)
                total = StatsSeries::Point{};
            total->memoryLimit = double(memory);
        }
    }
    return total;
}

StatsCollector::Coverage StatsCollector::coverage(Group group, const QString &key) const
{
    Coverage coverage;
    const qint64 staleBefore = currentSinceMs();
    for (const Container *c : members(group, key)) {
        ++coverage.members;
        const auto point = c->series.latest();
        coverage.measured += point && point->timeMs >= staleBefore;
    }
    for (const EngineFeed *feed : m_feeds) {
        const bool concerned = group == Group::Cluster || (group == Group::Node && feed->nodeId == key) ||
                               group == Group::Service; // a service's replicas may run there
        coverage.enginesConnecting += concerned && feed->state == EngineState::Connecting;
    }
    return coverage;
}

std::optional<StatsSeries::Point> StatsCollector::at(Group group, const QString &key, qint64 second) const
{
    std::optional<StatsSeries::Point> total;
    for (const Container *c : members(group, key)) {
        if (const auto point = c->series.at(second)) {
            if (!total)
                total = StatsSeries::Point{};
            *total += *point;
        }
    }
    if (total)
        total->timeMs = second * 1000;
    return total;
}

QList<StatsCollector::Line> StatsCollector::lines(Group group, const QString &key, int windowSeconds,
                                                  int maxMembers, qint64 nowMs) const
{
    QList<const Container *> list = members(group, key);
    if (group == Group::Container) {
        if (list.isEmpty())
            return {};
        return {{key, list.first()->displayName, list.first()->series.points(windowSeconds, nowMs)}};
    }
    QList<const StatsSeries *> series;
    for (const Container *c : std::as_const(list))
        series << &c->series;
    // The total's history includes what ran before: a rolling update or a
    // lost node does not wipe a service's chart.
    for (const Container &c : m_retired) {
        if (group == Group::Cluster || (group == Group::Service && c.serviceId == key) ||
            (group == Group::Node && c.nodeId == key))
            series << &c.series;
    }
    QList<Line> result{{key, tr("Total"), StatsSeries::sum(series, windowSeconds, nowMs)}};
    if (maxMembers <= 0)
        return result;
    // The busiest members get a line of their own; a chart of 200 lines
    // says nothing.
    if (list.size() > maxMembers) {
        const auto cpu = [](const Container *c) {
            const auto point = c->series.latest();
            return point ? point->cpuPercent : -1.0;
        };
        std::stable_sort(list.begin(), list.end(),
                         [&cpu](const Container *a, const Container *b) { return cpu(a) > cpu(b); });
        list.resize(std::max(0, maxMembers));
        std::sort(list.begin(), list.end(),
                  [](const Container *a, const Container *b) { return a->displayName < b->displayName; });
    }
    for (const Container *c : std::as_const(list))
        result.append({c->id, c->displayName, c->series.points(windowSeconds, nowMs)});
    return result;
}

QStringList StatsCollector::problems() const
{
    QStringList result;
    bool settled = m_running && !m_feeds.isEmpty();
    for (const EngineFeed *feed : m_feeds) {
        if (feed->state == EngineState::Lost)
            result << tr("Lost %1: %2")
                          .arg(feed->nodeName.isEmpty() ? feed->endpoint.toString() : feed->nodeName,
                               feed->message);
        if (feed->state == EngineState::Connecting)
            settled = false;
    }
    // Stats come only from the node that runs a container.
    if (settled) {
        QStringList unmeasured;
        for (const NodeRecord &node : m_store->nodes()->records()) {
            if (!feedOfNode(node.id))
                unmeasured << node.hostname;
        }
        if (!unmeasured.isEmpty() && m_store->agentService().isEmpty())
            result << tr("Not measured: %1 (no engine endpoint for them: install cape-agent from the "
                         "Daemons view, or add them with --node or to the connection's node list)")
                          .arg(unmeasured.join(QLatin1String(", ")));
        else if (!unmeasured.isEmpty())
            result << tr("Not measured: %1 (their cape-agent does not answer)")
                          .arg(unmeasured.join(QLatin1String(", ")));
    }
    QStringList streams;
    for (const Tracked *tracked : m_containers) {
        if (!tracked->problem.isEmpty())
            streams << tracked->problem;
    }
    std::sort(streams.begin(), streams.end());
    if (streams.size() > 3) {
        const qsizetype more = streams.size() - 3;
        streams.resize(3);
        streams << tr("… and %n more stream(s) being retried", nullptr, int(more));
    }
    result << streams;
    if (m_malformed > 0)
        result << tr("%n stats sample(s) could not be read; the last: %1", nullptr, m_malformed)
                      .arg(m_lastMalformed);
    return result;
}

} // namespace cape
