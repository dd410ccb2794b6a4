#pragma once

#include "statsseries.h"

#include "services/docker/dockerendpoint.h"
#include "services/docker/dockererror.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QTimer>

#include <optional>

namespace cape {

class ClusterStore;
class DockerStatsStream;

// Live resource usage of every container Cape can reach, from the engines of
// a ClusterStore (its manager and per-node endpoints: stats come only from
// the node that runs a container).
//
// Per engine: GET /info names the node; its container events (start, die,
// destroy) open and close one streamed /containers/{id}/stats each; the
// running containers are listed once the events flow, so none is missed.
// Nothing polls: a lost stream is reopened, a lost engine listed again, with
// back-off (1 s … 30 s). Containers keep their swarm labels, so samples add
// up per service (with a line per replica) and per node, aligned by the
// second. The UI hears of it in batches (changed()), not once per sample.
class StatsCollector : public QObject
{
    Q_OBJECT

public:
    enum class Group { Container, Service, Node, Cluster };
    Q_ENUM(Group)

    struct Container
    {
        QString id;
        QString name;        // as the engine names it: web.1.x7f3…
        QString displayName; // web.1, or agent.node2 for a global service's task
        QString serviceId;   // the com.docker.swarm.* labels; empty outside a service
        QString serviceName;
        QString taskId;
        QString nodeId; // the engine's swarm node (its engine ID outside a swarm)
        QString nodeName;
        StatsSeries series;
    };

    enum class EngineState { Connecting, Live, Lost, Duplicate };
    struct Engine
    {
        QString endpoint;
        QString nodeId;
        QString nodeName;
        EngineState state = EngineState::Connecting;
        QString message; // why it is lost, with the retry delay
        int cpus = 0;
        quint64 memory = 0; // bytes
        int containers = 0;
    };

    struct Line
    {
        QString key;  // the group's key, or the member container's ID
        QString name; // "Total", or the member's display name
        QList<StatsSeries::Point> points;
    };

    explicit StatsCollector(ClusterStore *store, QObject *parent = nullptr);
    ~StatsCollector() override;

    ClusterStore *store() const { return m_store; }

    // Follows the store's engines, and follows it to another cluster.
    void start();
    void stop();
    bool isRunning() const { return m_running; }

    QList<const Container *> containers() const;
    const Container *container(const QString &id) const;
    // Every group of a kind and its member containers, in one pass.
    QHash<QString, QList<const Container *>> groups(Group group) const;
    QList<const Container *> members(Group group, const QString &key) const;
    QList<Engine> engines() const;

    // Now: the sum of the members' newest samples. A node's memory limit is
    // the node's memory, the cluster's the sum of its nodes'.
    std::optional<StatsSeries::Point> current(Group group, const QString &key) const;
    // The same, for members already at hand (from groups()).
    std::optional<StatsSeries::Point> current(Group group, const QString &key,
                                              const QList<const Container *> &members) const;
    // How much of a total is measured now: the members with a current
    // sample, of all the members, and engines still being asked (whose
    // containers are not even known yet). A total is partial until
    // measured == members and no engine is connecting.
    struct Coverage
    {
        int members = 0;
        int measured = 0;
        int enginesConnecting = 0;
        bool isComplete() const { return measured == members && enginesConnecting == 0; }
    };
    Coverage coverage(Group group, const QString &key) const;
    // As of one second (ms since the epoch / 1000): the members aligned.
    std::optional<StatsSeries::Point> at(Group group, const QString &key, qint64 second) const;
    // For charts: a container's own line; for a group its total first, then
    // the busiest maxMembers members (by CPU now).
    QList<Line> lines(Group group, const QString &key, int windowSeconds, int maxMembers, qint64 nowMs) const;

    // What keeps numbers from being complete: lost engines, nodes without
    // an engine to ask, streams being retried, undecodable samples.
    QStringList problems() const;
    qint64 samplesReceived() const { return m_samples; }

signals:
    // Samples arrived or containers came and went; at most twice a second.
    void changed();
    void problemsChanged();

private:
    struct EngineFeed;
    struct Tracked;

    void startEngine(EngineFeed *feed);
    void engineLost(EngineFeed *feed, const DockerError &error);
    void listContainers(EngineFeed *feed);
    void onContainerEvent(EngineFeed *feed, const QJsonObject &event);
    void addContainer(EngineFeed *feed, const QString &id, const QString &name, const QJsonObject &labels);
    void removeContainer(const QString &id);
    void removeContainersOf(const EngineFeed *feed);
    void openStream(Tracked *tracked);
    void streamFinished(const QString &id, DockerStatsStream *stream);
    void markChanged();
    void pruneRetired();
    void markProblemsChanged();
    bool followsStore() const;
    void followEngines();
    bool hasCluster() const;
    const EngineFeed *feedOfNode(const QString &nodeId) const;

    ClusterStore *m_store;
    bool m_running = false;
    QList<DockerEndpoint> m_endpoints;
    QList<EngineFeed *> m_feeds;
    QHash<QString, Tracked *> m_containers;
    // Containers gone in the last hour (a rolling update, a node lost): their
    // history still counts in their service's, node's and cluster's totals.
    QList<Container> m_retired;
    QTimer m_batch;
    QTimer m_problemsBatch;
    qint64 m_samples = 0;
    int m_malformed = 0;
    QString m_lastMalformed;
};

} // namespace cape
