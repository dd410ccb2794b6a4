#include "logfeed.h"

#include "clusterstore.h"
#include "logmodel.h"
#include "nodetablemodel.h"
#include "servicetablemodel.h"
#include "tasktablemodel.h"

#include <algorithm>

namespace cape {

namespace {

constexpr int RetryMinMs = 1000;
constexpr int RetryMaxMs = 30000;
constexpr qint64 RecentNs = 60'000'000'000LL;

QString shortId(const QString &id) { return id.left(12); }

} // namespace

LogFeed::LogFeed(ClusterStore *store, Target target, LogModel *model, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_target(std::move(target))
    , m_model(model)
{
    const bool otherEngine = m_target.kind == Kind::Container && !m_target.engine.toString().isEmpty()
                             && m_target.engine.toString() != store->endpoint().toString();
    if (otherEngine) {
        m_client = new DockerClient(m_target.engine, this);
        m_ownsClient = true;
    } else {
        m_client = store->client();
    }
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, &LogFeed::open);
    m_noticeSource = m_model->addSource({QString(), QString(), QStringLiteral("cape")});
    connect(store->tasks(), &QAbstractItemModel::rowsInserted, this, &LogFeed::resolveLabels);
    connect(store->tasks(), &QAbstractItemModel::modelReset, this, &LogFeed::resolveLabels);
    connect(store->nodes(), &QAbstractItemModel::dataChanged, this, &LogFeed::watchNodes);
    connect(store->nodes(), &QAbstractItemModel::rowsInserted, this, &LogFeed::watchNodes);
    connect(store->nodes(), &QAbstractItemModel::modelReset, this, &LogFeed::watchNodes);
    // Which replicas cannot be read follows the tasks and nodes as they change.
    m_coverageTimer.setSingleShot(true);
    m_coverageTimer.setInterval(50);
    connect(&m_coverageTimer, &QTimer::timeout, this, &LogFeed::updateCoverage);
    for (QAbstractItemModel *watched : {static_cast<QAbstractItemModel *>(store->tasks()),
                                        static_cast<QAbstractItemModel *>(store->nodes())}) {
        connect(watched, &QAbstractItemModel::dataChanged, this, &LogFeed::scheduleCoverage);
        connect(watched, &QAbstractItemModel::rowsInserted, this, &LogFeed::scheduleCoverage);
        connect(watched, &QAbstractItemModel::rowsRemoved, this, &LogFeed::scheduleCoverage);
        connect(watched, &QAbstractItemModel::modelReset, this, &LogFeed::scheduleCoverage);
    }
    updateCoverage();
}

LogFeed::~LogFeed()
{
    // No stateChanged() from here: the panel that listens is going too.
    m_retryTimer.stop();
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort();
        m_stream->deleteLater();
    }
}

QString LogFeed::apiTime(qint64 timestampNs)
{
    return QStringLiteral("%1.%2").arg(timestampNs / 1'000'000'000).arg(timestampNs % 1'000'000'000, 9, 10, QLatin1Char('0'));
}

void LogFeed::start(const Window &window)
{
    stop();
    m_window = window;
    m_model->clear();
    m_newestNs = 0;
    m_newestBySource.clear();
    m_reopened = false;
    m_attempt = 0;
    open();
}

void LogFeed::stop()
{
    m_retryTimer.stop();
    if (m_stream) {
        m_stream->disconnect(this);
        m_stream->abort();
        m_stream->deleteLater();
    }
    m_stream = nullptr;
    if (m_state != State::Idle && m_state != State::Ended)
        setState(State::Ended, tr("Stopped"));
}

void LogFeed::open()
{
    DockerClient::LogOptions options;
    options.follow = m_window.follow;
    options.tty = m_target.tty;
    options.details = m_target.kind != Kind::Container;
    options.until = m_window.until;
    if (m_reopened && m_newestNs > 0) {
        options.since = apiTime(m_newestNs); // pick up where the broken stream stopped
        options.tail = -1;
    } else {
        options.since = m_window.since;
        options.tail = m_window.tail;
    }
    switch (m_target.kind) {
    case Kind::Service:
        m_stream = m_client->serviceLogs(m_target.id, options);
        break;
    case Kind::Task:
        m_stream = m_client->taskLogs(m_target.id, options);
        break;
    case Kind::Container:
        m_stream = m_client->containerLogs(m_target.id, options);
        break;
    }
    connect(m_stream, &DockerLogStream::lines, this, &LogFeed::onLines);
    connect(m_stream, &DockerStream::live, this, [this] {
        m_attempt = 0;
        setState(State::Streaming, m_window.follow ? tr("Following %1").arg(m_client->endpoint().toString())
                                                   : tr("Reading %1").arg(m_client->endpoint().toString()));
        watchNodes();
    });
    connect(m_stream, &DockerExchange::finished, this, &LogFeed::onFinished);
    setState(m_reopened ? State::Reconnecting : State::Connecting, tr("Connecting to %1…").arg(m_client->endpoint().toString()));
}

void LogFeed::onLines(const QList<LogLine> &lines)
{
    for (const LogLine &line : lines) {
        int source = m_noticeSource;
        if (line.stream != LogFrameDecoder::Stream::System) {
            const QString id = m_target.kind == Kind::Container ? m_target.id : line.taskId();
            source = id.isEmpty() ? m_noticeSource : sourceFor(id, line.nodeId());
        }
        if (line.timestampNs > 0) {
            qint64 &newest = m_newestBySource[source];
            // A reopened stream starts at the newest line seen, so it repeats
            // that second's lines of every replica: drop what we have.
            if (m_reopened && line.timestampNs <= newest)
                continue;
            newest = std::max(newest, line.timestampNs);
            m_newestNs = std::max(m_newestNs, line.timestampNs);
        }
        m_model->append(line.timestampNs, source, line.stream, line.text.toUtf8());
    }
}

void LogFeed::onFinished()
{
    DockerLogStream *stream = m_stream;
    m_stream = nullptr;
    if (!stream)
        return;
    stream->deleteLater();
    const DockerError error = stream->error();
    if (!m_window.follow && !error) {
        setState(State::Ended, tr("All lines read"));
        return;
    }
    bool gone = false;
    if (m_target.kind == Kind::Service)
        gone = m_store->isLoaded() && !m_store->services()->find(m_target.id);
    if (gone || error.httpStatus == 404) {
        m_model->appendNotice(m_noticeSource, tr("%1 no longer exists: the log ends here.").arg(m_target.name));
        setState(State::Ended, tr("%1 no longer exists").arg(m_target.name));
        return;
    }
    const int delay = std::min(RetryMaxMs, RetryMinMs << std::min(m_attempt, 5));
    ++m_attempt;
    const QString why = error ? error.message : tr("the engine closed the stream");
    m_model->appendNotice(m_noticeSource, tr("The log stream broke off (%1). Reconnecting in %2 s; no line will be lost or repeated.")
                                              .arg(why)
                                              .arg(delay / 1000));
    m_reopened = true;
    setState(State::Reconnecting, tr("Reconnecting in %1 s: %2").arg(delay / 1000).arg(why));
    m_retryTimer.start(delay);
}

void LogFeed::setState(State state, const QString &text)
{
    if (state == m_state && text == m_stateText)
        return;
    m_state = state;
    m_stateText = text;
    emit stateChanged(state, text);
}

int LogFeed::sourceFor(const QString &taskId, const QString &nodeId)
{
    const auto found = m_sourceById.constFind(taskId);
    if (found != m_sourceById.constEnd())
        return *found;
    QString node = nodeId;
    const QString label = labelFor(taskId, nodeId, &node);
    const int source = m_model->addSource({taskId, node, label});
    m_sourceById.insert(taskId, source);
    if (m_target.kind != Kind::Container && !m_store->tasks()->find(taskId))
        m_unresolved.insert(taskId);
    if (!node.isEmpty() && !m_nodeReady.contains(node)) {
        const NodeRecord *record = m_store->nodes()->find(node);
        m_nodeReady.insert(node, !record || record->isReady());
    }
    return source;
}

// "web.2@node3" for a task the store knows, its short ID until it does.
QString LogFeed::labelFor(const QString &taskId, const QString &nodeId, QString *resolvedNode) const
{
    if (m_target.kind == Kind::Container)
        return m_target.name;
    const TaskRecord *task = m_store->tasks()->find(taskId);
    QString node = nodeId;
    QString name = shortId(taskId);
    if (task) {
        name = m_store->tasks()->taskName(*task);
        if (node.isEmpty())
            node = task->nodeId;
    }
    *resolvedNode = node;
    const QString host = m_store->nodes()->hostnameOf(node);
    return host.isEmpty() ? name : name + QLatin1Char('@') + host;
}

void LogFeed::resolveLabels()
{
    for (auto it = m_unresolved.begin(); it != m_unresolved.end();) {
        if (!m_store->tasks()->find(*it)) {
            ++it;
            continue;
        }
        const int source = m_sourceById.value(*it);
        QString node = m_model->sources().at(source).nodeId;
        const QString label = labelFor(*it, node, &node);
        m_model->addSource({*it, node, label});
        it = m_unresolved.erase(it);
    }
}

void LogFeed::scheduleCoverage()
{
    if (!m_coverageTimer.isActive())
        m_coverageTimer.start();
}

void LogFeed::updateCoverage()
{
    QList<Unreadable> unreadable;
    if (m_target.kind != Kind::Container) {
        const TaskTableModel *tasks = m_store->tasks();
        for (const TaskRecord &task : tasks->records()) {
            const bool ours =
                m_target.kind == Kind::Service ? task.serviceId == m_target.id : task.id == m_target.id;
            if (!ours || task.nodeId.isEmpty() ||
                (m_target.kind == Kind::Service && !task.isDesiredRunning()))
                continue;
            const NodeRecord *node = m_store->nodes()->find(task.nodeId);
            if (node && !node->isReady())
                unreadable.append({tasks->taskName(task), node->hostname, node->state});
        }
        std::sort(unreadable.begin(), unreadable.end(),
                  [](const Unreadable &a, const Unreadable &b) { return a.replica < b.replica; });
    }
    if (unreadable == m_unreadable)
        return;
    m_unreadable = unreadable;
    emit unreadableChanged();
}

// The manager goes quiet about a lost node's replicas; say so in the log.
void LogFeed::watchNodes()
{
    for (auto it = m_nodeReady.begin(); it != m_nodeReady.end(); ++it) {
        const NodeRecord *node = m_store->nodes()->find(it.key());
        if (!node || node->isReady() == it.value())
            continue;
        it.value() = node->isReady();
        // The replicas that were writing lately: the node's task may already be
        // marked for shutdown by the time the node is seen down.
        QStringList replicas;
        for (int i = 0; i < m_model->sources().size(); ++i) {
            const LogSource &source = m_model->sources().at(i);
            if (source.nodeId == node->id && !source.id.isEmpty() && m_newestBySource.value(i) > m_newestNs - RecentNs)
                replicas.append(source.label);
        }
        const QString who = replicas.isEmpty() ? tr("its replicas") : replicas.join(QStringLiteral(", "));
        m_model->appendNotice(m_noticeSource, node->isReady()
                                                  ? tr("Node %1 is back (%2): its replicas' lines follow again.").arg(node->hostname, node->state)
                                                  : tr("Node %1 is %2: no lines from %3 until it is back.").arg(node->hostname, node->state, who));
    }
}

} // namespace cape
