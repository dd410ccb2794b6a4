#pragma once

#include "services/docker/dockerclient.h"
#include "services/docker/dockererror.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace cape {

class ClusterStore;
class LogModel;
struct LogLine;

// Streams the logs of a service, a task or a container into a LogModel,
// and keeps them coming.
//
// A service's logs come from the manager, which gathers every replica's
// lines from its node (details=1 names each line's task and node). When a
// node goes down, the manager says nothing on the stream: its replicas'
// lines just stop. So the feed watches the nodes and writes a line of its
// own when a node of one of its replicas goes down and when it is back.
// A stream that breaks is reopened with back-off from where it stopped
// (since = the newest line seen), and lines seen twice are dropped.
class LogFeed : public QObject
{
    Q_OBJECT

public:
    enum class Kind { Service, Task, Container };
    struct Target
    {
        Kind kind = Kind::Service;
        QString id;
        QString name;          // "web", "web.2", "redis-1": for titles and lines
        DockerEndpoint engine; // Container: the engine that runs it (default: the manager)
        bool tty = false;      // raw output, no stdout/stderr frames
    };
    struct Window
    {
        QString since; // unix seconds or RFC 3339; empty: from the start
        QString until; // empty: now, or never when following
        int tail = 1000; // per replica; -1: all
        bool follow = true;
    };
    enum class State { Idle, Connecting, Streaming, Reconnecting, Ended };
    Q_ENUM(State)

    LogFeed(ClusterStore *store, Target target, LogModel *model, QObject *parent = nullptr);
    ~LogFeed() override;

    const Target &target() const { return m_target; }
    const Window &window() const { return m_window; }
    State state() const { return m_state; }
    // "Streaming from unix:///…", "Reconnecting in 4 s: …"
    QString stateText() const { return m_stateText; }

    // A replica whose lines cannot reach this log now: its node is not ready.
    struct Unreadable
    {
        QString replica; // "web.2"
        QString node;    // "node3"
        QString state;   // the node's: down, unknown, disconnected
        bool operator==(const Unreadable &) const = default;
    };
    // Every replica of the target that should run on a node that is not
    // ready, whatever lines arrived before: the log is incomplete while
    // this is not empty (a container's own engine says so itself).
    QList<Unreadable> unreadable() const { return m_unreadable; }

    // Clears the model and streams the window anew.
    void start(const Window &window);
    void stop();

    // "1700000000.123456789", as the API's since and until take it.
    static QString apiTime(qint64 timestampNs);

signals:
    void stateChanged(LogFeed::State state, const QString &text);
    void unreadableChanged();

private:
    void open();
    void onLines(const QList<LogLine> &lines);
    void onFinished();
    void setState(State state, const QString &text);
    int sourceFor(const QString &taskId, const QString &nodeId);
    QString labelFor(const QString &taskId, const QString &nodeId, QString *resolvedNode) const;
    void resolveLabels();
    void watchNodes();
    void scheduleCoverage();
    void updateCoverage();

    ClusterStore *m_store;
    Target m_target;
    LogModel *m_model;
    DockerClient *m_client = nullptr; // the store's, or one of ours for another engine
    bool m_ownsClient = false;
    QPointer<DockerLogStream> m_stream;
    Window m_window;
    State m_state = State::Idle;
    QString m_stateText;
    int m_attempt = 0;
    QTimer m_retryTimer;
    qint64 m_newestNs = 0;                // the newest line seen: where a reopened stream starts
    QHash<int, qint64> m_newestBySource;  // per replica, to drop what a reopened stream repeats
    bool m_reopened = false;
    QHash<QString, int> m_sourceById;
    QSet<QString> m_unresolved; // tasks not yet in the task model: labelled by ID for now
    QHash<QString, bool> m_nodeReady; // the nodes of our replicas, as last seen
    int m_noticeSource = -1;          // Cape's own lines
    QList<Unreadable> m_unreadable;
    QTimer m_coverageTimer;
};

} // namespace cape
