#include "dockerclient.h"

#include "dockerhijack.h"

#include "dockerconnectionpool.h"

#include <QFile>
#include <QJsonArray>
#include <QSslCertificate>
#include <QSslKey>

namespace cape {

namespace {

QString pathOf(const char *prefix, const QString &id, const char *suffix = "")
{
    return QLatin1String(prefix) + id + QLatin1String(suffix);
}

QUrlQuery filtersQuery(const DockerClient::Filters &filters)
{
    QUrlQuery query;
    if (!filters.isEmpty())
        query.addQueryItem(QStringLiteral("filters"), DockerClient::encodeFilters(filters));
    return query;
}

// Reads the CA, the client certificate and its key, each from memory (the
// *Pem fields) or else from its file; returns an error message or empty.
QString loadTlsMaterial(const DockerEndpoint &endpoint, QSslConfiguration *config)
{
    *config = QSslConfiguration::defaultConfiguration();
    config->setProtocol(QSsl::TlsV1_2OrLater);
    if (endpoint.tlsVerify) {
        if (!endpoint.caPem.isEmpty()) {
            const auto cas = QSslCertificate::fromData(endpoint.caPem, QSsl::Pem);
            if (cas.isEmpty())
                return QStringLiteral("the CA certificate (in memory) is not a PEM certificate");
            config->setCaCertificates(cas);
        } else if (!endpoint.caFile.isEmpty()) {
            const auto cas = QSslCertificate::fromPath(endpoint.caFile, QSsl::Pem);
            if (cas.isEmpty())
                return QStringLiteral("cannot read the CA certificate %1").arg(endpoint.caFile);
            config->setCaCertificates(cas);
        }
        // Neither: the system's CAs, as the docker CLI does without a ca.pem.
        config->setPeerVerifyMode(QSslSocket::VerifyPeer);
    } else {
        config->setPeerVerifyMode(QSslSocket::VerifyNone);
    }
    const bool certInMemory = !endpoint.certPem.isEmpty();
    const bool keyInMemory = !endpoint.keyPem.isEmpty();
    if (!certInMemory && !keyInMemory && endpoint.certFile.isEmpty() && endpoint.keyFile.isEmpty())
        return {};
    if (!certInMemory && endpoint.certFile.isEmpty())
        return QStringLiteral("a client key needs a client certificate");
    const auto certs = certInMemory ? QSslCertificate::fromData(endpoint.certPem, QSsl::Pem)
                                    : QSslCertificate::fromPath(endpoint.certFile, QSsl::Pem);
    if (certs.isEmpty())
        return certInMemory ? QStringLiteral("the client certificate (in memory) is not a PEM certificate")
                            : QStringLiteral("cannot read the client certificate %1").arg(endpoint.certFile);
    QByteArray pem = endpoint.keyPem;
    if (!keyInMemory) {
        QFile keyFile(endpoint.keyFile);
        if (!keyFile.open(QIODevice::ReadOnly))
            return QStringLiteral("cannot read the client key %1: %2")
                .arg(endpoint.keyFile, keyFile.errorString());
        pem = keyFile.readAll();
    }
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        key = QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey);
        if (!key.isNull())
            break;
    }
    if (key.isNull())
        return keyInMemory
                   ? QStringLiteral("the client key (in memory) is not an unencrypted PEM private key")
                   : QStringLiteral("the client key %1 is not an unencrypted PEM private key")
                         .arg(endpoint.keyFile);
    config->setLocalCertificate(certs.first());
    if (certs.size() > 1)
        config->setLocalCertificateChain(certs);
    config->setPrivateKey(key);
    return {};
}

bool isOutOfSequence(const DockerError &error)
{
    return error.kind == DockerError::Kind::Http &&
           error.message.contains(QLatin1String("update out of sequence"));
}

} // namespace

DockerClient::DockerClient(const DockerEndpoint &endpoint, QObject *parent)
    : DockerClient(endpoint, Options(), parent)
{}

DockerClient::DockerClient(const DockerEndpoint &endpoint, const Options &options, QObject *parent)
    : QObject(parent)
    , m_endpoint(endpoint)
    , m_options(options)
{
    DockerConnection::Settings settings;
    settings.endpoint = endpoint;
    settings.connectTimeoutMs = options.connectTimeoutMs;
    settings.responseTimeoutMs = options.responseTimeoutMs;
    settings.headers = options.headers;
    if (endpoint.tls)
        m_configError = loadTlsMaterial(endpoint, &settings.ssl);
    m_pool = new DockerConnectionPool(settings, this);
    m_pool->setMaxConnections(options.maxConnections);
    if (!options.apiVersion.isEmpty()) {
        m_apiVersion = options.apiVersion;
        m_negotiation = Negotiation::Done;
    }
}

DockerClient::~DockerClient() = default;

int DockerClient::compareVersions(const QString &a, const QString &b)
{
    const auto parts = [](const QString &v) {
        const QStringList p = v.split(QLatin1Char('.'));
        return std::pair(p.value(0).toInt(), p.value(1).toInt());
    };
    const auto pa = parts(a);
    const auto pb = parts(b);
    return pa < pb ? -1 : (pa == pb ? 0 : 1);
}

QString DockerClient::encodeFilters(const Filters &filters)
{
    QJsonObject object;
    for (auto it = filters.begin(); it != filters.end(); ++it)
        object.insert(it.key(), QJsonArray::fromStringList(it.value()));
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

DockerReply *DockerClient::createReply(DockerRequest request)
{
    auto *reply = new DockerReply(std::move(request), m_endpoint.toString());
    submit(reply);
    return reply;
}

DockerReply *DockerClient::composite(const QString &what)
{
    DockerRequest request;
    request.method = "CALL";
    request.path = what;
    request.versioned = false;
    return new DockerReply(std::move(request), m_endpoint.toString());
}

void DockerClient::submit(DockerExchange *exchange)
{
    if (!m_configError.isEmpty()) {
        QMetaObject::invokeMethod(
            exchange,
            [exchange, message = m_configError] {
                exchange->fail(exchange->makeError(DockerError::Kind::Config, message));
            },
            Qt::QueuedConnection);
        return;
    }
    if (!exchange->request().versioned || m_negotiation == Negotiation::Done) {
        exchange->setApiVersion(m_apiVersion);
        m_pool->submit(exchange, m_apiVersion);
        return;
    }
    m_pending.append(exchange);
    if (m_negotiation == Negotiation::NotStarted)
        negotiate();
}

void DockerClient::negotiate()
{
    m_negotiation = Negotiation::Running;
    DockerReply *pingReply = ping();
    pingReply->then(this, [this](DockerReply *pinged) {
        if (pinged->error()) {
            negotiationFailed(pinged->error());
            return;
        }
        version()->then(this, [this, pingVersion = QString::fromLatin1(pinged->header("API-Version"))](
                                  DockerReply *reply) {
            if (reply->error()) {
                negotiationFailed(reply->error());
                return;
            }
            const QJsonObject v = reply->object();
            QString serverMax = v.value(QLatin1String("ApiVersion")).toString();
            if (serverMax.isEmpty())
                serverMax = pingVersion;
            const QString serverMin = v.value(QLatin1String("MinAPIVersion")).toString();
            if (serverMax.isEmpty()) {
                DockerError error = reply->error();
                error.kind = DockerError::Kind::Decode;
                error.endpoint = m_endpoint.toString();
                error.request = QStringLiteral("GET /version");
                error.message = QStringLiteral("the engine reports no API version");
                negotiationFailed(error);
                return;
            }
            const QString chosen = compareVersions(serverMax, QLatin1String(MaxApiVersion)) < 0
                                       ? serverMax
                                       : QString::fromLatin1(MaxApiVersion);
            if (compareVersions(chosen, QLatin1String(MinApiVersion)) < 0 ||
                (!serverMin.isEmpty() && compareVersions(chosen, serverMin) < 0)) {
                DockerError error;
                error.kind = DockerError::Kind::Http;
                error.endpoint = m_endpoint.toString();
                error.request = QStringLiteral("GET /version");
                error.message =
                    QStringLiteral("no common API version: the engine speaks %1 to %2, Cape %3 to %4")
                        .arg(serverMin.isEmpty() ? serverMax : serverMin, serverMax,
                             QLatin1String(MinApiVersion), QLatin1String(MaxApiVersion));
                negotiationFailed(error);
                return;
            }
            m_apiVersion = chosen;
            m_engineVersion = v.value(QLatin1String("Version")).toString();
            m_negotiation = Negotiation::Done;
            emit apiVersionNegotiated(m_apiVersion);
            flushPending();
        });
    });
}

void DockerClient::negotiationFailed(const DockerError &error)
{
    // Try again with the next call: the engine may come back.
    m_negotiation = Negotiation::NotStarted;
    const auto pending = std::exchange(m_pending, {});
    for (const QPointer<DockerExchange> &exchange : pending) {
        if (!exchange || exchange->isFinished())
            continue;
        DockerError copy = error;
        copy.message = QStringLiteral("API version negotiation failed: %1").arg(error.message);
        exchange->fail(copy);
    }
}

void DockerClient::flushPending()
{
    const auto pending = std::exchange(m_pending, {});
    for (const QPointer<DockerExchange> &exchange : pending) {
        if (exchange && !exchange->isFinished()) {
            exchange->setApiVersion(m_apiVersion);
            m_pool->submit(exchange, m_apiVersion);
        }
    }
}

DockerReply *DockerClient::send(DockerRequest request)
{
    return createReply(std::move(request));
}

DockerReply *DockerClient::ping()
{
    DockerRequest request = DockerRequest::get(QStringLiteral("/_ping"));
    request.versioned = false;
    // Any engine answers at once: one that keeps silent this long is not
    // one, or not well, and the user hears so in seconds, not a minute. Over
    // ssh the first answer waits for the handshake (ssh's own timeout is 10 s).
    const int pingTimeoutMs = m_endpoint.transport == DockerEndpoint::Transport::Ssh ? 20000 : 5000;
    request.timeoutMs = m_options.responseTimeoutMs > 0 ? std::min(m_options.responseTimeoutMs, pingTimeoutMs)
                                                        : pingTimeoutMs;
    return createReply(std::move(request));
}

DockerReply *DockerClient::version()
{
    DockerRequest request = DockerRequest::get(QStringLiteral("/version"));
    request.versioned = false;
    return createReply(std::move(request));
}

DockerReply *DockerClient::info()
{
    return createReply(DockerRequest::get(QStringLiteral("/info")));
}

// --- swarm -----------------------------------------------------------------

DockerReply *DockerClient::inspectSwarm()
{
    return createReply(DockerRequest::get(QStringLiteral("/swarm")));
}

DockerReply *DockerClient::initSwarm(const QJsonObject &request)
{
    return createReply(DockerRequest::post(QStringLiteral("/swarm/init"), QJsonDocument(request)));
}

DockerReply *DockerClient::joinSwarm(const QJsonObject &request)
{
    return createReply(DockerRequest::post(QStringLiteral("/swarm/join"), QJsonDocument(request)));
}

DockerReply *DockerClient::leaveSwarm(bool force)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("force"), force ? QStringLiteral("true") : QStringLiteral("false"));
    return createReply(DockerRequest::post(QStringLiteral("/swarm/leave"), {}, query));
}

DockerReply *DockerClient::joinTokens()
{
    DockerReply *result = composite(QStringLiteral("join tokens"));
    inspectSwarm()->then(result, [result](DockerReply *swarm) {
        if (swarm->error()) {
            result->resolveFrom(swarm);
            return;
        }
        result->resolveWithJson(QJsonDocument(swarm->object().value(QLatin1String("JoinTokens")).toObject()));
    });
    return result;
}

DockerReply *DockerClient::rotateJoinTokens(bool worker, bool manager)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("rotateWorkerToken"),
                       worker ? QStringLiteral("true") : QStringLiteral("false"));
    query.addQueryItem(QStringLiteral("rotateManagerToken"),
                       manager ? QStringLiteral("true") : QStringLiteral("false"));
    return updateVersioned(
        QStringLiteral("/swarm"), QStringLiteral("/swarm/update"), query,
        [](QJsonObject &) { return QString(); }, 5, composite(QStringLiteral("rotate tokens")));
}

// --- versioned updates -----------------------------------------------------

DockerReply *DockerClient::updateVersioned(const QString &inspectPath, const QString &updatePath,
                                           const QUrlQuery &query, SpecMutation mutation, int attemptsLeft,
                                           DockerReply *result)
{
    createReply(DockerRequest::get(inspectPath))->then(result, [=, this](DockerReply *current) {
        if (current->error()) {
            result->resolveFrom(current);
            return;
        }
        const QJsonObject object = current->object();
        QJsonObject spec = object.value(QLatin1String("Spec")).toObject();
        const qint64 index = qint64(
            object.value(QLatin1String("Version")).toObject().value(QLatin1String("Index")).toDouble());
        const QString refused = mutation(spec);
        if (!refused.isEmpty()) {
            DockerError error;
            error.kind = DockerError::Kind::Config;
            error.endpoint = m_endpoint.toString();
            error.request = QStringLiteral("POST ") + updatePath;
            error.message = refused;
            result->resolveWithError(error);
            return;
        }
        QUrlQuery updateQuery = query;
        updateQuery.addQueryItem(QStringLiteral("version"), QString::number(index));
        createReply(DockerRequest::post(updatePath, QJsonDocument(spec), updateQuery))
            ->then(result, [=, this](DockerReply *updated) {
                if (isOutOfSequence(updated->error()) && attemptsLeft > 1) {
                    // Someone else updated it meanwhile: re-read, re-apply.
                    updateVersioned(inspectPath, updatePath, query, mutation, attemptsLeft - 1, result);
                    return;
                }
                result->resolveFrom(updated);
            });
    });
    return result;
}

// --- nodes -----------------------------------------------------------------

DockerReply *DockerClient::listNodes(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/nodes"), filtersQuery(filters)));
}

DockerReply *DockerClient::inspectNode(const QString &id)
{
    return createReply(DockerRequest::get(pathOf("/nodes/", id)));
}

DockerReply *DockerClient::updateNode(const QString &id, SpecMutation mutation)
{
    return updateVersioned(pathOf("/nodes/", id), pathOf("/nodes/", id, "/update"), {}, std::move(mutation),
                           5, composite(QStringLiteral("update node ") + id));
}

DockerReply *DockerClient::setNodeAvailability(const QString &id, const QString &availability)
{
    return updateNode(id, [availability](QJsonObject &spec) {
        static const QStringList allowed{QStringLiteral("active"), QStringLiteral("pause"),
                                         QStringLiteral("drain")};
        if (!allowed.contains(availability))
            return QStringLiteral("availability must be active, pause or drain, not %1").arg(availability);
        spec.insert(QLatin1String("Availability"), availability);
        return QString();
    });
}

DockerReply *DockerClient::setNodeRole(const QString &id, const QString &role)
{
    return updateNode(id, [role](QJsonObject &spec) {
        if (role != QLatin1String("worker") && role != QLatin1String("manager"))
            return QStringLiteral("role must be worker or manager, not %1").arg(role);
        spec.insert(QLatin1String("Role"), role);
        return QString();
    });
}

DockerReply *DockerClient::setNodeLabel(const QString &id, const QString &key, const QString &value)
{
    return updateNode(id, [key, value](QJsonObject &spec) {
        if (key.isEmpty())
            return QStringLiteral("a label needs a key");
        QJsonObject labels = spec.value(QLatin1String("Labels")).toObject();
        labels.insert(key, value);
        spec.insert(QLatin1String("Labels"), labels);
        return QString();
    });
}

DockerReply *DockerClient::removeNodeLabel(const QString &id, const QString &key)
{
    return updateNode(id, [key](QJsonObject &spec) {
        QJsonObject labels = spec.value(QLatin1String("Labels")).toObject();
        labels.remove(key);
        spec.insert(QLatin1String("Labels"), labels);
        return QString();
    });
}

DockerReply *DockerClient::removeNode(const QString &id, bool force)
{
    QUrlQuery query;
    if (force)
        query.addQueryItem(QStringLiteral("force"), QStringLiteral("true"));
    return createReply(DockerRequest::remove(pathOf("/nodes/", id), query));
}

// --- services --------------------------------------------------------------

DockerReply *DockerClient::listServices(const Filters &filters, bool status)
{
    QUrlQuery query = filtersQuery(filters);
    if (status)
        query.addQueryItem(QStringLiteral("status"), QStringLiteral("true"));
    return createReply(DockerRequest::get(QStringLiteral("/services"), query));
}

DockerReply *DockerClient::inspectService(const QString &id)
{
    return createReply(DockerRequest::get(pathOf("/services/", id)));
}

DockerReply *DockerClient::createService(const QJsonObject &spec)
{
    return createReply(DockerRequest::post(QStringLiteral("/services/create"), QJsonDocument(spec)));
}

DockerReply *DockerClient::updateService(const QString &id, SpecMutation mutation)
{
    return updateVersioned(pathOf("/services/", id), pathOf("/services/", id, "/update"), {},
                           std::move(mutation), 5, composite(QStringLiteral("update service ") + id));
}

DockerReply *DockerClient::scaleService(const QString &id, int replicas)
{
    return updateService(id, [replicas](QJsonObject &spec) {
        if (replicas < 0)
            return QStringLiteral("replicas cannot be negative");
        QJsonObject mode = spec.value(QLatin1String("Mode")).toObject();
        if (!mode.contains(QLatin1String("Replicated")))
            return QStringLiteral("only replicated services can be scaled");
        QJsonObject replicated = mode.value(QLatin1String("Replicated")).toObject();
        replicated.insert(QLatin1String("Replicas"), replicas);
        mode.insert(QLatin1String("Replicated"), replicated);
        spec.insert(QLatin1String("Mode"), mode);
        return QString();
    });
}

DockerReply *DockerClient::forceUpdateService(const QString &id)
{
    // What `docker service update --force` does: bump ForceUpdate.
    return updateService(id, [](QJsonObject &spec) {
        QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
        task.insert(QLatin1String("ForceUpdate"), task.value(QLatin1String("ForceUpdate")).toInt() + 1);
        spec.insert(QLatin1String("TaskTemplate"), task);
        return QString();
    });
}

DockerReply *DockerClient::rollbackService(const QString &id)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("rollback"), QStringLiteral("previous"));
    return updateVersioned(
        pathOf("/services/", id), pathOf("/services/", id, "/update"), query,
        [](QJsonObject &) { return QString(); }, 5, composite(QStringLiteral("rollback service ") + id));
}

DockerReply *DockerClient::removeService(const QString &id)
{
    return createReply(DockerRequest::remove(pathOf("/services/", id)));
}

// --- tasks, containers -----------------------------------------------------

DockerReply *DockerClient::listTasks(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/tasks"), filtersQuery(filters)));
}

DockerReply *DockerClient::inspectTask(const QString &id)
{
    return createReply(DockerRequest::get(pathOf("/tasks/", id)));
}

DockerReply *DockerClient::listContainers(bool all, const Filters &filters)
{
    QUrlQuery query = filtersQuery(filters);
    if (all)
        query.addQueryItem(QStringLiteral("all"), QStringLiteral("true"));
    return createReply(DockerRequest::get(QStringLiteral("/containers/json"), query));
}

DockerReply *DockerClient::inspectContainer(const QString &id)
{
    return createReply(DockerRequest::get(pathOf("/containers/", id, "/json")));
}

// --- networks, configs, secrets ---------------------------------------------

DockerReply *DockerClient::listNetworks(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/networks"), filtersQuery(filters)));
}

DockerReply *DockerClient::inspectNetwork(const QString &id)
{
    return createReply(DockerRequest::get(pathOf("/networks/", id)));
}

DockerReply *DockerClient::createNetwork(const QJsonObject &request)
{
    return createReply(DockerRequest::post(QStringLiteral("/networks/create"), QJsonDocument(request)));
}

DockerReply *DockerClient::removeNetwork(const QString &id)
{
    return createReply(DockerRequest::remove(pathOf("/networks/", id)));
}

DockerReply *DockerClient::createNamedBlob(const QString &kind, const QString &name, const QByteArray &data,
                                           const QJsonObject &labels)
{
    QJsonObject spec;
    spec.insert(QLatin1String("Name"), name);
    spec.insert(QLatin1String("Data"), QString::fromLatin1(data.toBase64()));
    if (!labels.isEmpty())
        spec.insert(QLatin1String("Labels"), labels);
    return createReply(
        DockerRequest::post(QLatin1Char('/') + kind + QStringLiteral("/create"), QJsonDocument(spec)));
}

DockerReply *DockerClient::listConfigs(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/configs"), filtersQuery(filters)));
}

DockerReply *DockerClient::createConfig(const QString &name, const QByteArray &data,
                                        const QJsonObject &labels)
{
    return createNamedBlob(QStringLiteral("configs"), name, data, labels);
}

DockerReply *DockerClient::removeConfig(const QString &id)
{
    return createReply(DockerRequest::remove(pathOf("/configs/", id)));
}

DockerReply *DockerClient::listSecrets(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/secrets"), filtersQuery(filters)));
}

DockerReply *DockerClient::createSecret(const QString &name, const QByteArray &data,
                                        const QJsonObject &labels)
{
    return createNamedBlob(QStringLiteral("secrets"), name, data, labels);
}

DockerReply *DockerClient::removeSecret(const QString &id)
{
    return createReply(DockerRequest::remove(pathOf("/secrets/", id)));
}

// --- images ----------------------------------------------------------------

DockerReply *DockerClient::listImages(const Filters &filters)
{
    return createReply(DockerRequest::get(QStringLiteral("/images/json"), filtersQuery(filters)));
}

DockerReply *DockerClient::loadImage(std::shared_ptr<QIODevice> tar, qint64 size)
{
    DockerRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/images/load");
    request.query.addQueryItem(QStringLiteral("quiet"), QStringLiteral("1"));
    request.contentType = "application/x-tar";
    request.bodyDevice = std::move(tar);
    request.bodyDeviceSize = size;
    return createReply(std::move(request));
}

DockerReply *DockerClient::buildImage(const QByteArray &contextTar, const QString &tag,
                                      const QString &dockerfile)
{
    DockerRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/build");
    request.query.addQueryItem(QStringLiteral("t"), tag);
    request.query.addQueryItem(QStringLiteral("dockerfile"), dockerfile);
    request.query.addQueryItem(QStringLiteral("rm"), QStringLiteral("1"));
    request.query.addQueryItem(QStringLiteral("forcerm"), QStringLiteral("1"));
    request.contentType = "application/x-tar";
    request.body = contextTar;
    request.decodeJson = false;
    request.timeoutMs = 0; // a build step may be silent for long; the caller bounds the whole build
    return createReply(std::move(request));
}

DockerReply *DockerClient::saveImage(const QString &name)
{
    DockerRequest request = DockerRequest::get(QStringLiteral("/images/%1/get").arg(name));
    request.decodeJson = false;
    return createReply(std::move(request));
}

// --- streams ---------------------------------------------------------------

DockerEventStream *DockerClient::events()
{
    return events(EventOptions());
}

DockerEventStream *DockerClient::events(const EventOptions &options)
{
    DockerRequest request = DockerRequest::get(QStringLiteral("/events"), filtersQuery(options.filters));
    if (!options.since.isEmpty())
        request.query.addQueryItem(QStringLiteral("since"), options.since);
    if (!options.until.isEmpty())
        request.query.addQueryItem(QStringLiteral("until"), options.until);
    request.stream = true;
    auto *stream = new DockerEventStream(std::move(request), m_endpoint.toString());
    // Silence on /events is normal; a silent engine that no longer answers a
    // ping is not.
    if (options.idleProbeMs > 0)
        probeWhenSilent(stream, options.idleProbeMs);
    submit(stream);
    return stream;
}

void DockerClient::probeWhenSilent(DockerStream *stream, int idleMs)
{
    stream->setLivenessProbe([this, self = QPointer<DockerClient>(this)](
                                 QObject *context, std::function<void(const DockerError &)> done) {
        if (!self) {
            done({});
            return;
        }
        ping()->then(context, [done](DockerReply *reply) { done(reply->error()); });
    });
    stream->setIdleTimeout(idleMs);
}

DockerStatsStream *DockerClient::containerStats(const QString &id, bool stream)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("stream"), stream ? QStringLiteral("true") : QStringLiteral("false"));
    DockerRequest request = DockerRequest::get(pathOf("/containers/", id, "/stats"), query);
    request.stream = true;
    auto *statsStream = new DockerStatsStream(std::move(request), m_endpoint.toString());
    // The engine sends a sample every second; ten seconds of nothing is a
    // dead node, not a quiet container.
    if (stream)
        statsStream->setIdleTimeout(10000);
    submit(statsStream);
    return statsStream;
}

DockerReply *DockerClient::createExec(const QString &container, const ExecOptions &options)
{
    QJsonObject body{{QStringLiteral("AttachStdin"), options.attachStdin},
                     {QStringLiteral("AttachStdout"), true},
                     {QStringLiteral("AttachStderr"), true},
                     {QStringLiteral("Tty"), options.tty},
                     {QStringLiteral("Cmd"), QJsonArray::fromStringList(options.command)}};
    if (!options.env.isEmpty())
        body.insert(QStringLiteral("Env"), QJsonArray::fromStringList(options.env));
    if (!options.user.isEmpty())
        body.insert(QStringLiteral("User"), options.user);
    if (!options.workingDir.isEmpty())
        body.insert(QStringLiteral("WorkingDir"), options.workingDir);
    return send(DockerRequest::post(pathOf("/containers/", container, "/exec"), QJsonDocument(body)));
}

DockerHijack *DockerClient::startExec(const QString &execId, bool tty)
{
    return hijack(DockerRequest::post(
        pathOf("/exec/", execId, "/start"),
        QJsonDocument(QJsonObject{{QStringLiteral("Detach"), false}, {QStringLiteral("Tty"), tty}})));
}

DockerHijack *DockerClient::hijack(DockerRequest request)
{
    // As the docker CLI asks: the engine answers 101 and hands the socket over.
    request.headers.append(qMakePair(QByteArray("Connection"), QByteArray("Upgrade")));
    request.headers.append(qMakePair(QByteArray("Upgrade"), QByteArray("tcp")));
    request.stream = true; // a connection of its own, never back in the pool
    auto *stream = new DockerHijack(std::move(request), m_endpoint.toString());
    submit(stream);
    return stream;
}

DockerReply *DockerClient::resizeExec(const QString &execId, int rows, int columns)
{
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("h"), QString::number(rows));
    query.addQueryItem(QStringLiteral("w"), QString::number(columns));
    return send(DockerRequest::post(pathOf("/exec/", execId, "/resize"), {}, query));
}

DockerReply *DockerClient::inspectExec(const QString &execId)
{
    return send(DockerRequest::get(pathOf("/exec/", execId, "/json")));
}

DockerLogStream *DockerClient::logs(const QString &path, const LogOptions &options)
{
    QUrlQuery query;
    const auto flag = [&query](const char *name, bool on) {
        query.addQueryItem(QLatin1String(name), on ? QStringLiteral("1") : QStringLiteral("0"));
    };
    flag("stdout", options.stdoutLines);
    flag("stderr", options.stderrLines);
    flag("follow", options.follow);
    flag("timestamps", options.timestamps);
    flag("details", options.details);
    if (!options.since.isEmpty())
        query.addQueryItem(QStringLiteral("since"), options.since);
    if (!options.until.isEmpty())
        query.addQueryItem(QStringLiteral("until"), options.until);
    query.addQueryItem(QStringLiteral("tail"),
                       options.tail < 0 ? QStringLiteral("all") : QString::number(options.tail));
    DockerRequest request = DockerRequest::get(path, query);
    request.stream = true;
    auto *stream = new DockerLogStream(std::move(request), m_endpoint.toString(),
                                       {options.tty, options.timestamps, options.details});
    // A followed service may say nothing for hours; its engine must still answer.
    if (options.follow && options.idleProbeMs > 0)
        probeWhenSilent(stream, options.idleProbeMs);
    submit(stream);
    return stream;
}

DockerLogStream *DockerClient::serviceLogs(const QString &id, const LogOptions &options)
{
    return logs(pathOf("/services/", id, "/logs"), options);
}

DockerLogStream *DockerClient::taskLogs(const QString &id, const LogOptions &options)
{
    return logs(pathOf("/tasks/", id, "/logs"), options);
}

DockerLogStream *DockerClient::containerLogs(const QString &id, const LogOptions &options)
{
    return logs(pathOf("/containers/", id, "/logs"), options);
}

} // namespace cape
