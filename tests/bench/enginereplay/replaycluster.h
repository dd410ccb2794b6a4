#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QRandomGenerator>
#include <QString>
#include <QStringList>

namespace cape {

// A swarm of any size made from a few responses recorded from a real
// engine (tests/bench/data): every node, service and task is a recorded
// one with new IDs, names, slots, placement and times. It answers as the
// engine does, filters included; the big lists are serialised once and
// only re-serialised after a change.
class ReplayCluster
{
public:
    struct Size
    {
        int nodes = 30;
        int services = 1000;
        int tasks = 10000;
    };

    // An answer's status and JSON body.
    struct Answer
    {
        int status = 200;
        QByteArray body;
    };

    // The result of a control request: the event line to send, the answer.
    struct Change
    {
        Answer answer;
        QByteArray event; // one JSON line, empty when nothing changed
    };

    using Filters = QHash<QString, QStringList>;
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // Reads the recordings from a directory (or a resource path).
    bool load(const QString &dataDir, QString *error);
    void generate(const Size &size, quint32 seed);
    // Back to the state generate() made, lists serialised again.
    void reset();

    QString apiVersion() const { return m_apiVersion; }
    // The engine's headers on every answer, and those GET /_ping adds.
    const Headers &commonHeaders() const { return m_commonHeaders; }
    const Headers &pingHeaders() const { return m_pingHeaders; }

    QByteArray version() const { return m_version; }
    QByteArray info() const { return m_info; }
    QByteArray swarm() const { return m_swarm; }
    QByteArray networks() const { return m_networks; }
    QByteArray configs() const { return m_configs; }
    QByteArray secrets() const { return m_secrets; }

    Answer nodes(const Filters &filters);
    Answer node(const QString &ref) const;
    Answer services(const Filters &filters, bool status);
    Answer service(const QString &ref) const;
    Answer tasks(const Filters &filters);
    Answer task(const QString &ref) const;

    // The orchestrator's view of a container that changed: the task's state
    // and Version.Index, and with replace a new task in the same slot, as
    // the engine starts one for a failed replica.
    Change setTaskState(const QString &taskId, const QString &state, bool replace);

    int nodeCount() const { return int(m_nodes.size()); }
    int serviceCount() const { return int(m_services.size()); }
    int taskCount() const { return int(m_tasks.size()); }

    // filters={"service":["a"]} or the Go client's {"service":{"a":true}}.
    static bool parseFilters(const QString &json, Filters *filters, QString *error);
    static Answer error(int status, const QString &message);

private:
    struct Node
    {
        QString id;
        QString hostname;
        QString role;
        QJsonObject json;
        QByteArray bytes;
    };
    struct Service
    {
        QString id;
        QString name;
        QString stack;
        QJsonObject labels;
        int replicas = 0;
        int running = 0;
        QJsonObject json;
        QByteArray bytes;
        QByteArray bytesWithStatus;
    };
    struct Task
    {
        QString id;
        QString serviceId;
        QString nodeId;
        QString desiredState;
        int slot = 0;
        QJsonObject json;
        QByteArray bytes;
    };
    struct State
    {
        QList<Service> services;
        QList<Task> tasks;
        quint64 index = 0;
    };

    QString newId();
    QString newContainerId();
    QJsonObject makeTask(const QJsonObject &templ, const Service &service, int slot, const Node &node,
                         const QString &state, qint64 createdMs, qint64 sinceMs);
    void serialiseService(Service &service);
    void rebuildIndexes();
    void rebuildLists();
    // -1 and an answer when the reference is unknown or ambiguous.
    int resolveService(const QString &ref, Answer *failure) const;
    int resolveNode(const QString &ref, Answer *failure) const;
    bool taskMatches(const Task &task, const Filters &filters) const;

    QRandomGenerator m_random;
    QString m_apiVersion;
    Headers m_commonHeaders;
    Headers m_pingHeaders;

    // Recordings.
    QJsonObject m_managerTemplate;
    QJsonObject m_workerTemplate;
    QJsonObject m_stackServiceTemplate; // with a stack label, ports, constraints, configs, secrets
    QJsonObject m_plainServiceTemplate; // updated once: UpdateStatus and PreviousSpec
    QJsonObject m_runningTaskTemplate;
    QJsonObject m_failedTaskTemplate;
    QJsonObject m_shutdownTaskTemplate;
    QList<QJsonObject> m_recordedNetworks;
    QJsonObject m_configTemplate;
    QJsonObject m_secretTemplate;
    QJsonObject m_dieEventTemplate;
    QJsonObject m_recordedInfo;
    QJsonObject m_recordedSwarm;
    QByteArray m_version;

    // The generated cluster.
    QList<Node> m_nodes;
    QHash<QString, int> m_nodeById;
    QHash<QString, int> m_nodeByName;
    QList<Service> m_services;
    QHash<QString, int> m_serviceById;
    QHash<QString, int> m_serviceByName;
    QList<Task> m_tasks;
    QHash<QString, int> m_taskById;
    QHash<QString, QList<int>> m_tasksOfService; // rows of m_tasks
    quint64 m_index = 0;
    State m_initial;

    QByteArray m_info;
    QByteArray m_swarm;
    QByteArray m_networks;
    QByteArray m_configs;
    QByteArray m_secrets;
    QByteArray m_nodeList;
    QByteArray m_serviceList;
    QByteArray m_serviceStatusList;
    QByteArray m_taskList;
    bool m_servicesDirty = true;
    bool m_tasksDirty = true;
};

} // namespace cape
