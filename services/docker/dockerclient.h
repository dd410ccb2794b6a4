#pragma once

#include "dockerconnection.h"
#include "dockerendpoint.h"
#include "dockereventstream.h"
#include "dockerhijack.h"
#include "dockerlogstream.h"
#include "dockerreply.h"
#include "dockerstatsstream.h"

#include <QJsonObject>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>
#include <memory>

namespace cape {

class DockerConnectionPool;

// An asynchronous client for one engine's API. Every call returns at once
// with a reply or stream that the caller owns; nothing blocks. The API
// version is negotiated from /_ping and /version before the first call
// (never pinned): the newest both sides speak, capped at MaxApiVersion.
class DockerClient : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        int connectTimeoutMs = 5000;
        int responseTimeoutMs = 60000;
        int maxConnections = 6;
        QString apiVersion; // empty: negotiate
        // Sent with every request (cape-agent's node and token).
        QList<QPair<QByteArray, QByteArray>> headers;
    };

    // Filters as the API takes them: {"label": ["a=b"], "service": ["web"]}.
    using Filters = QMap<QString, QStringList>;

    struct LogOptions
    {
        bool follow = false;
        bool timestamps = true;
        bool details = true;
        bool stdoutLines = true;
        bool stderrLines = true;
        bool tty = false; // the container has a TTY: raw bytes, no frames
        QString since;    // unix seconds (with fraction) or RFC 3339
        QString until;
        int tail = -1;           // -1: all
        int idleProbeMs = 30000; // when following: ping the engine after this much silence
    };

    struct EventOptions
    {
        Filters filters;
        QString since;
        QString until;
        int idleProbeMs = 30000; // ping the engine after this much silence
    };

    // Mutates a spec in place; returns an error message to refuse the update.
    using SpecMutation = std::function<QString(QJsonObject &spec)>;

    static constexpr auto MaxApiVersion = "1.47";
    static constexpr auto MinApiVersion = "1.40";

    explicit DockerClient(const DockerEndpoint &endpoint, QObject *parent = nullptr);
    DockerClient(const DockerEndpoint &endpoint, const Options &options, QObject *parent = nullptr);
    ~DockerClient() override;

    const DockerEndpoint &endpoint() const { return m_endpoint; }
    QString apiVersion() const { return m_apiVersion; }
    QString engineVersion() const { return m_engineVersion; }

    // Any call, for what the typed ones do not cover.
    DockerReply *send(DockerRequest request);

    DockerReply *ping();
    DockerReply *version();
    DockerReply *info();

    DockerReply *inspectSwarm();
    DockerReply *initSwarm(const QJsonObject &request);
    DockerReply *joinSwarm(const QJsonObject &request);
    DockerReply *leaveSwarm(bool force);
    // Resolves with {"Worker": token, "Manager": token}.
    DockerReply *joinTokens();
    DockerReply *rotateJoinTokens(bool worker, bool manager);

    DockerReply *listNodes(const Filters &filters = {});
    DockerReply *inspectNode(const QString &id);
    DockerReply *updateNode(const QString &id, SpecMutation mutation);
    DockerReply *setNodeAvailability(const QString &id, const QString &availability); // active|pause|drain
    DockerReply *setNodeRole(const QString &id, const QString &role);                 // worker|manager
    DockerReply *setNodeLabel(const QString &id, const QString &key, const QString &value);
    DockerReply *removeNodeLabel(const QString &id, const QString &key);
    DockerReply *removeNode(const QString &id, bool force = false);

    DockerReply *listServices(const Filters &filters = {}, bool status = true);
    DockerReply *inspectService(const QString &id);
    DockerReply *createService(const QJsonObject &spec);
    // Reads the spec and its version index, applies the mutation, sends it;
    // re-reads and tries again when the engine says "update out of sequence".
    DockerReply *updateService(const QString &id, SpecMutation mutation);
    DockerReply *scaleService(const QString &id, int replicas);
    DockerReply *forceUpdateService(const QString &id);
    DockerReply *rollbackService(const QString &id);
    DockerReply *removeService(const QString &id);

    DockerReply *listTasks(const Filters &filters = {});
    DockerReply *inspectTask(const QString &id);

    DockerReply *listContainers(bool all = false, const Filters &filters = {});
    DockerReply *inspectContainer(const QString &id);

    DockerReply *listNetworks(const Filters &filters = {});
    DockerReply *inspectNetwork(const QString &id);
    DockerReply *createNetwork(const QJsonObject &request);
    DockerReply *removeNetwork(const QString &id);

    DockerReply *listConfigs(const Filters &filters = {});
    DockerReply *createConfig(const QString &name, const QByteArray &data, const QJsonObject &labels = {});
    DockerReply *removeConfig(const QString &id);
    DockerReply *listSecrets(const Filters &filters = {});
    DockerReply *createSecret(const QString &name, const QByteArray &data, const QJsonObject &labels = {});
    DockerReply *removeSecret(const QString &id);

    DockerReply *listImages(const Filters &filters = {});
    // Streams a `docker save` tar to the engine; never holds it in memory.
    DockerReply *loadImage(std::shared_ptr<QIODevice> tar, qint64 size);
    // `docker build`: the context as a tar, the image tagged `tag`. The
    // answer is the engine's progress as JSON lines, raw (a failed build
    // still answers 200: its error is a line of the stream).
    DockerReply *buildImage(const QByteArray &contextTar, const QString &tag, const QString &dockerfile);
    // `docker save` of one image: a tar, raw.
    DockerReply *saveImage(const QString &name);

    DockerEventStream *events();
    DockerEventStream *events(const EventOptions &options);
    DockerStatsStream *containerStats(const QString &id, bool stream);

    // A command in a running container: created, then started with its
    // stream (DockerHijack), resized when it has a TTY.
    struct ExecOptions
    {
        QStringList command;
        bool tty = false;
        bool attachStdin = true;
        QStringList env;
        QString user;
        QString workingDir;
    };
    DockerReply *createExec(const QString &container, const ExecOptions &options);
    DockerHijack *startExec(const QString &execId, bool tty);
    DockerReply *resizeExec(const QString &execId, int rows, int columns);
    DockerReply *inspectExec(const QString &execId);
    // Any request whose answer upgrades the connection (the request as given).
    DockerHijack *hijack(DockerRequest request);
    DockerLogStream *serviceLogs(const QString &id, const LogOptions &options);
    DockerLogStream *taskLogs(const QString &id, const LogOptions &options);
    DockerLogStream *containerLogs(const QString &id, const LogOptions &options);

    static QString encodeFilters(const Filters &filters);
    // -1, 0, 1 as "1.41" compares with "1.47".
    static int compareVersions(const QString &a, const QString &b);

signals:
    void apiVersionNegotiated(const QString &version);

private:
    enum class Negotiation { NotStarted, Running, Done };

    void submit(DockerExchange *exchange);
    void negotiate();
    void negotiationFailed(const DockerError &error);
    void flushPending();
    DockerReply *createReply(DockerRequest request);
    DockerReply *composite(const QString &what);
    DockerReply *updateVersioned(const QString &inspectPath, const QString &updatePath,
                                 const QUrlQuery &query, SpecMutation mutation, int attemptsLeft,
                                 DockerReply *result);
    DockerLogStream *logs(const QString &path, const LogOptions &options);
    void probeWhenSilent(DockerStream *stream, int idleMs);
    DockerReply *createNamedBlob(const QString &kind, const QString &name, const QByteArray &data,
                                 const QJsonObject &labels);

    DockerEndpoint m_endpoint;
    Options m_options;
    DockerConnectionPool *m_pool = nullptr;
    QString m_configError; // unusable TLS material: every call fails with it
    QString m_apiVersion;
    QString m_engineVersion;
    Negotiation m_negotiation = Negotiation::NotStarted;
    QList<QPointer<DockerExchange>> m_pending;
};

} // namespace cape
