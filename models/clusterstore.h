#pragma once

#include "agentengines.h"
#include "managercheck.h"

#include "services/docker/dockerendpoint.h"
#include "services/docker/dockererror.h"

#include <QFutureWatcher>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace cape {

class DockerClient;
class DockerEventStream;
class DockerReply;
class EventLogModel;
class NodeTableModel;
class ObjectTableModel;
class ServiceTableModel;
class StackTableModel;
class TaskTableModel;
struct TaskRecord;

// The live state of one swarm, behind table models that views share.
//
// It lists everything once, then follows the manager's /events: a changed
// service, node, network, config or secret is fetched again by ID and
// updated in place. The Engine API has no task events, so tasks are kept
// live by the container events of every engine it can reach (the manager
// and the optional per-node endpoints) and by re-listing a service's tasks
// after an event, with back-off, until the service has converged. Nothing
// polls on a timer.
//
// A lost engine shows as Reconnecting; it is retried with back-off and
// everything is resynced, in place, when it answers again.
//
// Other nodes' engines: those given by hand, and, while the swarm runs
// cape-agent, every other node through it (AgentEngines); enginesChanged()
// says when that set changes.
class ClusterStore : public QObject
{
    Q_OBJECT

public:
    // Refused: the endpoint answers, but is no manager (a worker, an engine
    // in no swarm, not an engine at all); refusal() says which.
    enum class State { Idle, Connecting, Live, Reconnecting, Refused };
    Q_ENUM(State)

    explicit ClusterStore(QObject *parent = nullptr);
    ~ClusterStore() override;

    // The manager to follow, and the engines of other nodes given by hand
    // (may include the manager's own; duplicates are ignored).
    void connectTo(const DockerEndpoint &manager, const QList<DockerEndpoint> &nodeEndpoints = {});
    // Lists everything again (F5); the models change only where it differs.
    void refresh();

    DockerClient *client() const { return m_client; }
    const DockerEndpoint &endpoint() const { return m_endpoint; }
    // The other nodes' engines: given by hand, then through the agent.
    const QList<DockerEndpoint> &nodeEndpoints() const { return m_nodeEndpoints; }
    // The node an endpoint reaches through cape-agent; empty for any other.
    QString agentNodeOf(const DockerEndpoint &endpoint) const { return m_agentEngines.nodeOf(endpoint); }
    // The swarm service of cape-agent; empty while none runs.
    const QString &agentService() const { return m_agentEngines.service(); }

    // How Cape reaches a node's own engine (its container events, stats and
    // logs), and whether that engine answers now.
    struct NodeReach
    {
        enum class Way { Connection, OwnEndpoint, Agent, None };
        Way way = Way::None;
        bool answering = false;
        QString problem; // why not, while it does not answer (the engine's or agent's words)
    };
    NodeReach reachOf(const QString &nodeId) const;
    // Every engine Cape has an endpoint of its own for: the manager's, then
    // the other nodes' given by hand (each once). Not those through the
    // agent: it forwards only what changes nothing (no image loads).
    QList<DockerEndpoint> engines() const;
    State state() const { return m_state; }
    // "Lost connection to unix:///…: … Retrying in 4 s."
    QString stateMessage() const { return m_stateMessage; }
    bool isLoaded() const { return m_loaded; }
    // Why the endpoint cannot be followed, while the state is Refused.
    const ManagerCheck &refusal() const { return m_refusal; }
    // The error that made the state Reconnecting (the engine's own words).
    const DockerError &lastError() const { return m_lastError; }
    // GET /info and GET /swarm as of the last sync.
    QJsonObject info() const { return m_info; }
    QJsonObject swarm() const { return m_swarm; }

    NodeTableModel *nodes() const { return m_nodes; }
    ServiceTableModel *services() const { return m_services; }
    TaskTableModel *tasks() const { return m_tasks; }
    StackTableModel *stacks() const { return m_stacks; }
    ObjectTableModel *networks() const { return m_networks; }
    ObjectTableModel *configs() const { return m_configs; }
    ObjectTableModel *secrets() const { return m_secrets; }
    EventLogModel *events() const { return m_events; }
    // The name of a node, service, task, network, config or secret by its
    // ID or a prefix of it (12 characters or more); empty when unknown.
    QString nameOf(const QString &id) const;

signals:
    void stateChanged(ClusterStore::State state, const QString &message);
    // The first complete listing after connectTo() is in the models.
    void loaded();
    // Every complete listing, the first included.
    void synced();
    // A task was fetched and applied after an event (for tests and benchmarks).
    void taskApplied(const QString &taskId);
    // nodeEndpoints() changed: cape-agent came or went, a node joined or left.
    void enginesChanged();
    // reachOf() may say something else: an engine came up or went down.
    void reachChanged();

private:
    struct NodeFeed; // one per-node engine's container events

    void setState(State state, const QString &message);
    void startEvents();
    void inspectEndpoint(int generation);
    void openEventStream(int generation);
    void refuse(const ManagerCheck &check);
    void clearModels();
    void loadEventHistory();
    void syncAll();
    void syncFinished(int generation);
    void connectionLost(const DockerError &error);
    void onEvent(const QJsonObject &event);
    void onContainerEvent(const QJsonObject &event);
    void logEvent(const QJsonObject &event);
    void fetchService(const QString &id);
    void fetchNode(const QString &id);
    void fetchTask(const QString &id);
    void relistObjects(const QString &type);
    void scheduleTaskSync(const QString &serviceId, int delayMs);
    void runTaskSync(const QString &serviceId);
    void applyTaskListing(const QString &serviceId, const QList<TaskRecord> &tasks);
    bool isSettling(const QString &serviceId) const;
    void recount();
    void scheduleRecount();
    void scheduleStacks();
    void rebuildStacks();
    void startNodeFeed(NodeFeed *feed);
    NodeFeed *addNodeFeed(const DockerEndpoint &endpoint, bool own);
    void removeNodeFeed(NodeFeed *feed);
    void updateAgentEngines();
    bool listFailed(int generation, DockerReply *reply);

    DockerEndpoint m_endpoint;
    QList<DockerEndpoint> m_ownEndpoints; // given by hand
    QList<DockerEndpoint> m_nodeEndpoints;
    AgentEngines m_agentEngines;
    QTimer m_agentTimer;
    DockerClient *m_client = nullptr;
    QPointer<DockerEventStream> m_eventStream;
    QList<NodeFeed *> m_feeds;
    State m_state = State::Idle;
    QString m_stateMessage;
    bool m_loaded = false;
    bool m_historyLoaded = false;
    int m_generation = 0; // bumped by connectTo and each reconnect: late answers are dropped
    int m_pendingLists = 0;
    bool m_syncFailed = false;
    int m_retryAttempt = 0;
    QTimer m_retryTimer;
    QTimer m_stacksTimer;
    QTimer m_recountTimer;
    QJsonObject m_info;
    QJsonObject m_swarm;
    ManagerCheck m_refusal;
    DockerError m_lastError;

    // Task re-listing per service ("" = the whole cluster).
    QSet<QString> m_taskSyncDue;
    QSet<QString> m_taskSyncRunning;
    QSet<QString> m_taskSyncAgain;
    QHash<QString, int> m_taskSyncAttempt;
    QSet<QString> m_objectsDue;

    NodeTableModel *m_nodes;
    ServiceTableModel *m_services;
    TaskTableModel *m_tasks;
    StackTableModel *m_stacks;
    ObjectTableModel *m_networks;
    ObjectTableModel *m_configs;
    ObjectTableModel *m_secrets;
    EventLogModel *m_events;
};

} // namespace cape
