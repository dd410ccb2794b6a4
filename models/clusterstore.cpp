#include "clusterstore.h"

#include "backgrounddecode.h"
#include "errortext.h"
#include "eventlogmodel.h"
#include "managercheck.h"
#include "nodetablemodel.h"
#include "objecttablemodel.h"
#include "servicetablemodel.h"
#include "stacktablemodel.h"
#include "tasktablemodel.h"
#include "tasktally.h"

#include "services/docker/dockerclient.h"

#include <QDateTime>
#include <QJsonArray>

#ifdef __GLIBC__
#include <malloc.h> // malloc_trim
#endif

namespace cape {

namespace {
constexpr int MaxRetryDelayMs = 30000;
constexpr int MaxTaskSyncAttempts = 14; // about two minutes of back-off
constexpr int RefusedRetryMs = 30000;
const QString AllServices; // the key of a whole-cluster task listing

QString attribute(const QJsonObject &event, const char *key)
{
    return event.value(QLatin1String("Actor"))
        .toObject()
        .value(QLatin1String("Attributes"))
        .toObject()
        .value(QLatin1StringView(key))
        .toString();
}
QString actorId(const QJsonObject &event)
{
    return event.value(QLatin1String("Actor")).toObject().value(QLatin1String("ID")).toString();
}
} // namespace

struct ClusterStore::NodeFeed
{
    DockerEndpoint endpoint;
    bool own = false; // given by hand (not through the agent)
    QString nodeId;   // its engine's node, once /info said so
    DockerClient *client = nullptr;
    bool live = false; // its event stream flows
    QString problem;   // why it does not, once it failed
    QPointer<DockerEventStream> stream;
    int attempt = 0;
};

ClusterStore::ClusterStore(QObject *parent)
    : QObject(parent)
    , m_nodes(new NodeTableModel(this))
    , m_services(new ServiceTableModel(this))
    , m_tasks(new TaskTableModel(m_services, m_nodes, this))
    , m_stacks(new StackTableModel(this))
    , m_networks(ObjectTableModel::networks(this))
    , m_configs(ObjectTableModel::configs(this))
    , m_secrets(ObjectTableModel::secrets(this))
    , m_events(new EventLogModel(1000, this))
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &ClusterStore::startEvents);
    m_stacksTimer.setSingleShot(true);
    m_stacksTimer.setInterval(0);
    connect(&m_stacksTimer, &QTimer::timeout, this, &ClusterStore::rebuildStacks);
    m_recountTimer.setSingleShot(true);
    m_recountTimer.setInterval(0);
    connect(&m_recountTimer, &QTimer::timeout, this, &ClusterStore::recount);
    // Which nodes the agent reaches follows the services and the nodes.
    m_agentTimer.setSingleShot(true);
    m_agentTimer.setInterval(0);
    connect(&m_agentTimer, &QTimer::timeout, this, &ClusterStore::updateAgentEngines);
    const auto agentsMayChange = [this] {
        if (m_loaded)
            m_agentTimer.start();
    };
    for (QAbstractItemModel *model :
         {static_cast<QAbstractItemModel *>(m_nodes), static_cast<QAbstractItemModel *>(m_services)}) {
        connect(model, &QAbstractItemModel::rowsInserted, this, agentsMayChange);
        connect(model, &QAbstractItemModel::rowsRemoved, this, agentsMayChange);
        connect(model, &QAbstractItemModel::modelReset, this, agentsMayChange);
    }
    connect(m_services, &QAbstractItemModel::dataChanged, this, agentsMayChange);
    // Names shown in task rows and events live in the service and node models.
    m_events->setNodeNames([this](const QString &id) { return m_nodes->hostnameOf(id); });
    const auto renamed = [this] { m_tasks->namesChanged(); };
    connect(m_nodes, &QAbstractItemModel::rowsInserted, m_events, &EventLogModel::nodeNamesChanged);
    connect(m_services, &QAbstractItemModel::rowsInserted, this, renamed);
    connect(m_nodes, &QAbstractItemModel::rowsInserted, this, renamed);
    // A node that goes down no longer runs its tasks (its own Tasks column
    // changing is no news: roles say which).
    connect(m_nodes, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                if (from.column() != NodeTableModel::Tasks || to.column() != NodeTableModel::Tasks)
                    scheduleRecount();
            });
    connect(m_nodes, &QAbstractItemModel::rowsInserted, this, &ClusterStore::scheduleRecount);
    connect(m_nodes, &QAbstractItemModel::rowsRemoved, this, &ClusterStore::scheduleRecount);
}

ClusterStore::~ClusterStore()
{
    ++m_generation; // streams finishing as their clients go must not reconnect
    const QList<NodeFeed *> feeds = std::exchange(m_feeds, {});
    for (NodeFeed *feed : feeds) {
        delete feed->client;
        delete feed;
    }
    delete m_client;
}

QList<DockerEndpoint> ClusterStore::engines() const
{
    QList<DockerEndpoint> engines{m_endpoint};
    QStringList seen{m_endpoint.toString()};
    for (const DockerEndpoint &node : m_ownEndpoints) {
        if (!seen.contains(node.toString())) {
            seen << node.toString();
            engines << node;
        }
    }
    return engines;
}

QString ClusterStore::nameOf(const QString &id) const
{
    if (id.size() < 12)
        return {};
    const auto named = [&id](const auto *model, auto name) -> QString {
        for (const auto &record : model->records()) {
            if (record.id.startsWith(id))
                return name(record);
        }
        return {};
    };
    QString name = named(m_nodes, [](const NodeRecord &n) { return n.hostname; });
    if (name.isEmpty())
        name = named(m_services, [](const ServiceRecord &s) { return s.name; });
    if (name.isEmpty())
        name = named(m_tasks, [this](const TaskRecord &t) { return m_tasks->taskName(t); });
    for (const ObjectTableModel *objects : {m_networks, m_configs, m_secrets}) {
        if (name.isEmpty())
            name = named(objects, [](const ObjectRecord &o) { return o.name; });
    }
    return name;
}

void ClusterStore::connectTo(const DockerEndpoint &manager, const QList<DockerEndpoint> &nodeEndpoints)
{
    ++m_generation;
    delete m_client; // aborts its streams and pending replies
    const QList<NodeFeed *> feeds = std::exchange(m_feeds, {});
    for (NodeFeed *feed : feeds) {
        delete feed->client;
        delete feed;
    }
    m_retryTimer.stop();
    m_retryAttempt = 0;
    m_loaded = false;
    m_taskSyncDue.clear();
    m_taskSyncRunning.clear();
    m_taskSyncAgain.clear();
    m_taskSyncAttempt.clear();
    m_objectsDue.clear();
    m_info = {};
    m_swarm = {};
    // Another cluster: nothing of the last one may linger in the views.
    clearModels();
    m_events->clear();
    m_events->setLiveSince(0);

    m_endpoint = manager;
    m_ownEndpoints.clear();
    m_nodeEndpoints.clear();
    m_agentEngines.reset(manager);
    m_agentTimer.stop();
    m_client = new DockerClient(manager, this);
    for (const DockerEndpoint &endpoint : nodeEndpoints) {
        if (endpoint == manager || m_ownEndpoints.contains(endpoint))
            continue;
        m_ownEndpoints.append(endpoint);
        addNodeFeed(endpoint, true);
    }
    m_nodeEndpoints = m_ownEndpoints;
    m_historyLoaded = false;
    setState(State::Connecting, tr("Connecting to %1…").arg(manager.toString()));
    startEvents();
}

// The last hour of events, for the log only: they describe the past, the
// listing that follows describes the present.
void ClusterStore::clearModels()
{
    m_nodes->replaceAll({});
    m_services->replaceAll({});
    m_tasks->replaceAll({});
    m_networks->replaceAll({});
    m_configs->replaceAll({});
    m_secrets->replaceAll({});
    m_stacks->replaceAll({});
    recount();
}

void ClusterStore::loadEventHistory()
{
    DockerClient::EventOptions options;
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    options.since = QString::number(now - 3600);
    options.until = QString::number(now);
    DockerEventStream *history = m_client->events(options);
    connect(history, &DockerEventStream::event, m_events,
            [this](const QJsonObject &event) { logEvent(event); });
    connect(history, &DockerExchange::finished, history, &QObject::deleteLater);
}

void ClusterStore::refresh()
{
    if (m_state == State::Reconnecting || m_state == State::Refused) {
        m_retryTimer.stop();
        startEvents();
    } else if (m_client) {
        syncAll();
    }
}

void ClusterStore::setState(State state, const QString &message)
{
    if (m_state == state && m_stateMessage == message)
        return;
    m_state = state;
    m_stateMessage = message;
    emit stateChanged(state, message);
}

// First what the endpoint is (GET /info): a worker, an engine outside a
// swarm or something that is no engine at all is said at once, as the
// docker CLI does, instead of retrying a listing it can never give. Then
// the event stream, then the listing: nothing that happens in between is
// missed, and version indexes settle what arrives twice.
void ClusterStore::startEvents()
{
    if (m_eventStream)
        m_eventStream->abort();
    const int generation = ++m_generation;
    // /_ping first: what answers it wrongly is no engine at all.
    m_client->ping()->then(this, [this, generation](DockerReply *pinged) {
        if (generation != m_generation)
            return;
        if (pinged->error()) {
            const ManagerCheck check = ManagerCheck::ofError(pinged->error(), m_endpoint.toString(), true);
            if (check.isRefusal())
                refuse(check);
            else
                connectionLost(pinged->error());
            return;
        }
        inspectEndpoint(generation);
    });
}

void ClusterStore::inspectEndpoint(int generation)
{
    m_client->info()->then(this, [this, generation](DockerReply *reply) {
        if (generation != m_generation)
            return;
        const QString endpoint = m_endpoint.toString();
        const ManagerCheck check = reply->error() ? ManagerCheck::ofError(reply->error(), endpoint, false)
                                                  : ManagerCheck::ofInfo(reply->object(), endpoint);
        if (check.isRefusal()) {
            refuse(check);
            return;
        }
        if (reply->error()) {
            connectionLost(reply->error());
            return;
        }
        m_info = reply->object();
        // What the manager recorded before: once, and only from a manager.
        if (!std::exchange(m_historyLoaded, true))
            loadEventHistory();
        openEventStream(generation);
    });
}

void ClusterStore::openEventStream(int generation)
{
    DockerEventStream *stream = m_client->events();
    m_eventStream = stream;
    connect(stream, &DockerEventStream::event, this, &ClusterStore::onEvent);
    connect(stream, &DockerStream::live, this, [this, generation] {
        if (generation != m_generation)
            return;
        // The log is whole from the first moment the stream flowed; a
        // reconnect later may have missed some (said in the log itself).
        if (m_events->liveSince() == 0)
            m_events->setLiveSince(QDateTime::currentMSecsSinceEpoch());
        syncAll();
    });
    connect(stream, &DockerExchange::finished, this, [this, stream, generation] {
        stream->deleteLater();
        if (generation != m_generation)
            return;
        DockerError error = stream->error();
        if (!error) {
            error.kind = DockerError::Kind::Connection;
            error.endpoint = m_endpoint.toString();
            error.message = tr("the engine ended the event stream");
        }
        connectionLost(error);
    });
}

// The endpoint answers, but cannot be a manager: nothing it would list is
// the cluster's. It is asked again now and then (a worker may be promoted,
// a swarm initialised); F5 asks at once.
void ClusterStore::refuse(const ManagerCheck &check)
{
    ++m_generation;
    if (m_eventStream)
        m_eventStream->abort();
    m_refusal = check;
    m_info = {};
    m_swarm = {};
    // What an earlier session listed is not this endpoint's: it must not
    // stand in the views as if it were.
    clearModels();
    setState(State::Refused, check.message);
    m_retryTimer.start(RefusedRetryMs);
    if (!m_loaded) {
        m_loaded = true;
        emit loaded();
    }
}

void ClusterStore::connectionLost(const DockerError &error)
{
    ++m_generation; // whatever is still in flight belongs to the lost session
    if (m_eventStream)
        m_eventStream->abort();
    const int delay = std::min(MaxRetryDelayMs, 1000 << std::min(m_retryAttempt, 5));
    ++m_retryAttempt;
    m_lastError = error;
    setState(State::Reconnecting,
             tr("%1 Retrying in %n s.", nullptr, delay / 1000).arg(ErrorText::of(error).summary));
    m_retryTimer.start(delay);
    if (!m_loaded) {
        // The first attempt is over: views can show what went wrong.
        m_loaded = true;
        emit loaded();
    }
}

bool ClusterStore::listFailed(int generation, DockerReply *reply)
{
    if (generation != m_generation)
        return true;
    if (reply->error()) {
        m_syncFailed = true;
        if (!--m_pendingLists)
            connectionLost(reply->error());
        return true;
    }
    return false;
}

void ClusterStore::syncAll()
{
    const int generation = m_generation;
    m_pendingLists = 8;
    m_syncFailed = false;
    const auto done = [this, generation] { syncFinished(generation); };

    m_client->info()->then(this, [this, generation, done](DockerReply *reply) {
        if (listFailed(generation, reply))
            return;
        m_info = reply->object();
        done();
    });
    m_client->inspectSwarm()->then(this, [this, generation, done](DockerReply *reply) {
        if (listFailed(generation, reply))
            return;
        m_swarm = reply->object();
        done();
    });
    m_client->listNodes()->then(this, [this, generation, done](DockerReply *reply) {
        if (listFailed(generation, reply))
            return;
        m_nodes->setNodes(reply->array());
        done();
    });
    DockerRequest services = DockerRequest::get(
        QStringLiteral("/services"), QUrlQuery{{QStringLiteral("status"), QStringLiteral("true")}});
    services.decodeJson = false;
    m_client->send(services)->then(this, [this, generation, done](DockerReply *reply) {
        if (listFailed(generation, reply))
            return;
        decodeInBackground<ServiceRecord>(this, reply->body(),
                                          [this, generation, done](const DecodedList<ServiceRecord> &list) {
                                              if (generation != m_generation)
                                                  return;
                                              m_services->replaceAll(list.records);
                                              scheduleStacks();
                                              done();
                                          });
    });
    DockerRequest tasks = DockerRequest::get(QStringLiteral("/tasks"));
    tasks.decodeJson = false;
    m_client->send(tasks)->then(this, [this, generation, done](DockerReply *reply) {
        if (listFailed(generation, reply))
            return;
        decodeInBackground<TaskRecord>(this, reply->body(),
                                       [this, generation, done](const DecodedList<TaskRecord> &list) {
                                           if (generation != m_generation)
                                               return;
                                           applyTaskListing(AllServices, list.records);
                                           done();
                                       });
    });
    const auto objects = [this, generation, done](DockerReply *listing, ObjectTableModel *model) {
        listing->then(this, [this, generation, done, model](DockerReply *reply) {
            if (listFailed(generation, reply))
                return;
            model->setObjects(reply->array());
            done();
        });
    };
    objects(m_client->listNetworks(), m_networks);
    objects(m_client->listConfigs(), m_configs);
    objects(m_client->listSecrets(), m_secrets);
}

void ClusterStore::syncFinished(int generation)
{
    if (generation != m_generation || --m_pendingLists > 0)
        return;
    if (m_syncFailed)
        return; // connectionLost() has run
    m_retryAttempt = 0;
    recount();
    rebuildStacks();
    QString swarmName = m_info.value(QLatin1String("Name")).toString();
    setState(State::Live,
             tr("Connected to %1 (%2) — Docker %3, API %4")
                 .arg(m_endpoint.toString(), swarmName, m_client->engineVersion(), m_client->apiVersion()));
    // Services caught mid-update go on being followed. One pass over the
    // tasks: asking each of 1,000 services would scan 10,000 tasks each.
    QSet<QString> settling;
    for (const TaskRecord &task : m_tasks->records()) {
        if (task.isSettling())
            settling.insert(task.serviceId);
    }
    for (const ServiceRecord &service : m_services->records()) {
        const auto replicas = m_services->replicas(service.id);
        if (settling.contains(service.id) || service.updateState == QLatin1String("updating") ||
            service.updateState == QLatin1String("rollback_started") ||
            (!service.isGlobal() && replicas.running != replicas.desired))
            scheduleTaskSync(service.id, 500);
    }
    updateAgentEngines();
    emit synced();
    if (!m_loaded) {
        m_loaded = true;
        emit loaded();
    }
}

void ClusterStore::onEvent(const QJsonObject &event)
{
    const QString type = event.value(QLatin1String("Type")).toString();
    const QString action = event.value(QLatin1String("Action")).toString();
    logEvent(event);
    const QString id = actorId(event);
    if (type == QLatin1String("service")) {
        if (action == QLatin1String("remove")) {
            m_services->remove(id);
            m_tasks->replaceAll({}, [&id](const TaskRecord &task) { return task.serviceId != id; });
            m_services->setReplicas(id, {});
            scheduleRecount();
        } else {
            fetchService(id);
            m_taskSyncAttempt.remove(id);
            scheduleTaskSync(id, 200);
        }
    } else if (type == QLatin1String("node")) {
        if (action == QLatin1String("remove"))
            m_nodes->remove(id);
        else
            fetchNode(id);
        // Draining, pausing or losing a node moves tasks across the cluster.
        m_taskSyncAttempt.remove(AllServices);
        scheduleTaskSync(AllServices, 300);
    } else if (type == QLatin1String("container")) {
        onContainerEvent(event);
    } else if (type == QLatin1String("network") || type == QLatin1String("config") ||
               type == QLatin1String("secret")) {
        if (action != QLatin1String("connect") && action != QLatin1String("disconnect"))
            relistObjects(type);
    }
}

void ClusterStore::logEvent(const QJsonObject &event)
{
    // Health checks run an exec every few seconds per container: three
    // events each that would bury everything else in the log.
    if (event.value(QLatin1String("Action")).toString().startsWith(QLatin1String("exec_")))
        return;
    QString node;
    if (event.value(QLatin1String("Type")).toString() == QLatin1String("container")) {
        node = m_nodes->hostnameOf(attribute(event, "com.docker.swarm.node.id"));
        if (node.isEmpty()) // a container of no task: the manager's own stream has it
            node = m_info.value(QLatin1String("Name")).toString();
    }
    m_events->append(event, node);
}

void ClusterStore::onContainerEvent(const QJsonObject &event)
{
    const QString taskId = attribute(event, "com.docker.swarm.task.id");
    if (taskId.isEmpty())
        return;
    const QString action = event.value(QLatin1String("Action")).toString();
    static const QStringList relevant{QStringLiteral("create"), QStringLiteral("start"),
                                      QStringLiteral("die"),    QStringLiteral("kill"),
                                      QStringLiteral("oom"),    QStringLiteral("destroy")};
    if (!relevant.contains(action) && !action.startsWith(QLatin1String("health_status")))
        return;
    fetchTask(taskId);
    // A replica that dies is replaced, maybe on a node we cannot see.
    if (action == QLatin1String("die") || action == QLatin1String("oom")) {
        const QString serviceId = attribute(event, "com.docker.swarm.service.id");
        if (!serviceId.isEmpty()) {
            m_taskSyncAttempt.remove(serviceId);
            scheduleTaskSync(serviceId, 300);
        }
    }
}

void ClusterStore::fetchService(const QString &id)
{
    const int generation = m_generation;
    m_client->inspectService(id)->then(this, [this, generation, id](DockerReply *reply) {
        if (generation != m_generation)
            return;
        if (reply->error().httpStatus == 404) {
            m_services->remove(id);
        } else if (reply->ok()) {
            m_services->upsert(ServiceRecord::fromJson(reply->object()));
            recount();
        }
        scheduleStacks();
    });
}

void ClusterStore::fetchNode(const QString &id)
{
    const int generation = m_generation;
    m_client->inspectNode(id)->then(this, [this, generation, id](DockerReply *reply) {
        if (generation != m_generation)
            return;
        if (reply->error().httpStatus == 404)
            m_nodes->remove(id);
        else if (reply->ok())
            m_nodes->upsert(NodeRecord::fromJson(reply->object()));
    });
}

void ClusterStore::fetchTask(const QString &id)
{
    const int generation = m_generation;
    m_client->inspectTask(id)->then(this, [this, generation, id](DockerReply *reply) {
        if (generation != m_generation)
            return;
        // A burst of container events (a stack starting) is one recount.
        if (reply->error().httpStatus == 404) {
            if (m_tasks->remove(id))
                scheduleRecount();
        } else if (reply->ok()) {
            if (m_tasks->upsert(TaskRecord::fromJson(reply->object())))
                scheduleRecount();
        }
        emit taskApplied(id);
    });
}

void ClusterStore::relistObjects(const QString &type)
{
    // Bursts (a stack deploy creates many) collapse into one listing.
    if (m_objectsDue.contains(type))
        return;
    m_objectsDue.insert(type);
    const int generation = m_generation;
    QTimer::singleShot(200, this, [this, type, generation] {
        m_objectsDue.remove(type);
        if (generation != m_generation)
            return;
        DockerReply *reply = type == QLatin1String("network")  ? m_client->listNetworks()
                             : type == QLatin1String("config") ? m_client->listConfigs()
                                                               : m_client->listSecrets();
        ObjectTableModel *model = type == QLatin1String("network")  ? m_networks
                                  : type == QLatin1String("config") ? m_configs
                                                                    : m_secrets;
        reply->then(this, [this, generation, model](DockerReply *r) {
            if (generation == m_generation && r->ok()) {
                model->setObjects(r->array());
                if (model == m_networks)
                    scheduleStacks();
            }
        });
    });
}

void ClusterStore::scheduleTaskSync(const QString &serviceId, int delayMs)
{
    if (m_taskSyncDue.contains(serviceId))
        return;
    m_taskSyncDue.insert(serviceId);
    const int generation = m_generation;
    QTimer::singleShot(delayMs, this, [this, serviceId, generation] {
        m_taskSyncDue.remove(serviceId);
        if (generation == m_generation)
            runTaskSync(serviceId);
    });
}

void ClusterStore::runTaskSync(const QString &serviceId)
{
    if (m_taskSyncRunning.contains(serviceId)) {
        m_taskSyncAgain.insert(serviceId);
        return;
    }
    m_taskSyncRunning.insert(serviceId);
    DockerRequest request = DockerRequest::get(QStringLiteral("/tasks"));
    if (!serviceId.isEmpty())
        request.query.addQueryItem(QStringLiteral("filters"),
                                   DockerClient::encodeFilters({{QStringLiteral("service"), {serviceId}}}));
    request.decodeJson = false;
    const int generation = m_generation;
    m_client->send(request)->then(this, [this, serviceId, generation](DockerReply *reply) {
        if (generation != m_generation)
            return;
        if (!reply->ok()) {
            m_taskSyncRunning.remove(serviceId);
            return; // the event stream notices a lost engine and resyncs
        }
        decodeInBackground<TaskRecord>(
            this, reply->body(), [this, serviceId, generation](const DecodedList<TaskRecord> &list) {
                if (generation != m_generation)
                    return;
                m_taskSyncRunning.remove(serviceId);
                if (list.error.isEmpty())
                    applyTaskListing(serviceId, list.records);
                // Follow the service until it has converged, backing off.
                const int attempt = m_taskSyncAttempt.value(serviceId);
                const bool again = m_taskSyncAgain.remove(serviceId);
                if (again || (isSettling(serviceId) && attempt < MaxTaskSyncAttempts)) {
                    m_taskSyncAttempt.insert(serviceId, attempt + 1);
                    scheduleTaskSync(serviceId, again ? 100 : std::min(8000, 250 << std::min(attempt, 5)));
                } else {
                    m_taskSyncAttempt.remove(serviceId);
                }
            });
    });
}

void ClusterStore::applyTaskListing(const QString &serviceId, const QList<TaskRecord> &tasks)
{
    if (serviceId.isEmpty())
        m_tasks->replaceAll(tasks);
    else
        m_tasks->replaceAll(tasks,
                            [&serviceId](const TaskRecord &task) { return task.serviceId != serviceId; });
    recount();
#ifdef __GLIBC__
    // A whole-cluster listing is tens of megabytes of JSON, decoded on a pool
    // thread between the records that outlive it: glibc keeps those pages
    // (80 MB at 10,000 tasks) unless told to give back what is free.
    if (serviceId.isEmpty())
        malloc_trim(0);
#endif
}

bool ClusterStore::isSettling(const QString &serviceId) const
{
    if (serviceId.isEmpty()) {
        for (const ServiceRecord &service : m_services->records()) {
            if (isSettling(service.id))
                return true;
        }
        return false;
    }
    const ServiceRecord *service = m_services->find(serviceId);
    if (!service)
        return false;
    if (service->updateState == QLatin1String("updating") ||
        service->updateState == QLatin1String("rollback_started"))
        return true;
    for (const TaskRecord &task : m_tasks->records()) {
        if (task.serviceId == serviceId && task.isSettling())
            return true;
    }
    const auto replicas = m_services->replicas(serviceId);
    return !service->isGlobal() && replicas.running != replicas.desired;
}

void ClusterStore::scheduleRecount()
{
    if (!m_recountTimer.isActive())
        m_recountTimer.start();
}

// Every figure derived from the tasks, in one pass: what services, nodes
// and stacks show can never disagree with each other or with the tasks.
void ClusterStore::recount()
{
    m_recountTimer.stop();
    QSet<QString> notReady;
    for (const NodeRecord &node : m_nodes->records()) {
        if (!node.isReady())
            notReady.insert(node.id);
    }
    const TaskTally tally = TaskTally::of(m_tasks->records(), notReady);
    for (const ServiceRecord &service : m_services->records()) {
        TaskTally::Replicas count = tally.services.value(service.id);
        // A replicated service wants its spec's replicas, whatever tasks exist yet.
        if (service.specReplicas >= 0)
            count.desired = service.specReplicas;
        m_services->setReplicas(service.id, count);
    }
    m_nodes->setLoads(tally.nodes);
    scheduleStacks();
}

void ClusterStore::scheduleStacks()
{
    if (!m_stacksTimer.isActive())
        m_stacksTimer.start();
}

void ClusterStore::rebuildStacks()
{
    QHash<QString, StackRecord> stacks;
    for (const ServiceRecord &service : m_services->records()) {
        if (service.stack.isEmpty())
            continue;
        StackRecord &stack = stacks[service.stack];
        stack.id = service.stack;
        ++stack.services;
        const auto replicas = m_services->replicas(service.id);
        stack.running += replicas.running;
        stack.desired += replicas.desired;
    }
    for (const ObjectRecord &network : m_networks->records()) {
        const QString stack = network.raw.value(QLatin1String("Labels"))
                                  .toObject()
                                  .value(QLatin1String("com.docker.stack.namespace"))
                                  .toString();
        if (stacks.contains(stack))
            ++stacks[stack].networks;
    }
    m_stacks->replaceAll(stacks.values());
}

ClusterStore::NodeFeed *ClusterStore::addNodeFeed(const DockerEndpoint &endpoint, bool own)
{
    auto *feed = new NodeFeed;
    feed->endpoint = endpoint;
    feed->own = own;
    feed->client = new DockerClient(endpoint, this);
    m_feeds.append(feed);
    if (own) {
        // Which node it is, so that the agent leaves that node to it.
        feed->client->info()->then(feed->client, [this, feed](DockerReply *reply) {
            feed->nodeId = reply->object()
                               .value(QLatin1String("Swarm"))
                               .toObject()
                               .value(QLatin1String("NodeID"))
                               .toString();
            if (!feed->nodeId.isEmpty() && m_loaded)
                m_agentTimer.start();
            emit reachChanged();
        });
    }
    startNodeFeed(feed);
    return feed;
}

void ClusterStore::removeNodeFeed(NodeFeed *feed)
{
    m_feeds.removeOne(feed); // first: its stream's end must not restart it
    delete feed->client;
    delete feed;
}

// The nodes reached through cape-agent: every node but the manager's own
// and those with an endpoint given by hand, while the agent runs.
void ClusterStore::updateAgentEngines()
{
    QSet<QString> own;
    for (const NodeFeed *feed : std::as_const(m_feeds)) {
        if (feed->own && !feed->nodeId.isEmpty())
            own.insert(feed->nodeId);
    }
    const QString managerNode =
        m_info.value(QLatin1String("Swarm")).toObject().value(QLatin1String("NodeID")).toString();
    if (!m_agentEngines.update(m_services->records(), m_nodes->records(), managerNode, own))
        return;
    const QList<DockerEndpoint> agents = m_agentEngines.endpoints();
    const QList<NodeFeed *> feeds = m_feeds;
    for (NodeFeed *feed : feeds) {
        if (!feed->own && !agents.contains(feed->endpoint))
            removeNodeFeed(feed);
    }
    for (const DockerEndpoint &endpoint : agents) {
        if (!m_nodeEndpoints.contains(endpoint))
            addNodeFeed(endpoint, false);
    }
    m_nodeEndpoints = m_ownEndpoints + agents;
    emit enginesChanged();
    emit reachChanged();
}

ClusterStore::NodeReach ClusterStore::reachOf(const QString &nodeId) const
{
    NodeReach reach;
    const QString managerNode =
        m_info.value(QLatin1String("Swarm")).toObject().value(QLatin1String("NodeID")).toString();
    if (nodeId == managerNode) {
        reach.way = NodeReach::Way::Connection;
        reach.answering = m_state == State::Live;
        reach.problem = m_state == State::Live ? QString() : m_stateMessage;
        return reach;
    }
    for (const NodeFeed *feed : m_feeds) {
        const bool own = feed->own && feed->nodeId == nodeId;
        if (!own && m_agentEngines.nodeOf(feed->endpoint) != nodeId)
            continue;
        reach.way = own ? NodeReach::Way::OwnEndpoint : NodeReach::Way::Agent;
        reach.answering = feed->live;
        reach.problem = feed->problem;
        return reach;
    }
    return reach;
}

void ClusterStore::startNodeFeed(NodeFeed *feed)
{
    DockerClient::EventOptions options;
    options.filters.insert(QStringLiteral("type"), {QStringLiteral("container")});
    options.filters.insert(QStringLiteral("label"), {QStringLiteral("com.docker.swarm.task.id")});
    DockerEventStream *stream = feed->client->events(options);
    feed->stream = stream;
    connect(stream, &DockerEventStream::event, this, [this](const QJsonObject &event) {
        logEvent(event); // the manager hears nothing of other nodes' containers
        onContainerEvent(event);
    });
    connect(stream, &DockerStream::live, this, [this, feed] {
        feed->attempt = 0;
        feed->live = true;
        feed->problem.clear();
        emit reachChanged();
    });
    connect(stream, &DockerExchange::finished, this, [this, feed, stream] {
        stream->deleteLater();
        if (!m_feeds.contains(feed))
            return;
        feed->live = false;
        feed->problem = stream->error() ? stream->error().message : tr("its event stream ended");
        emit reachChanged();
        // A node that is down comes back on its own: try again, backing off.
        const int delay = std::min(MaxRetryDelayMs, 1000 << std::min(feed->attempt++, 5));
        QTimer::singleShot(delay, feed->client, [this, feed] {
            if (m_feeds.contains(feed))
                startNodeFeed(feed);
        });
    });
}

} // namespace cape
