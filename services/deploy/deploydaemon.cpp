#include "deploydaemon.h"

#include "deploymenthistory.h"
#include "repositorydeployer.h"
#include "services/core/hostport.h"
#include "services/core/observabilityserver.h"
#include "services/core/secretcompare.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockerendpoint.h"
#include "services/eventsource/eventsourceclient.h"
#include "templatesandbox.h"
#include "webhookverifier.h"

#include <QHttpServer>
#include <QHttpServerRequest>
#include <QHttpServerResponse>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>
#include <QUrlQuery>

namespace cape {

namespace {

using Status = QHttpServerResponse::StatusCode;

QHttpServerResponse answer(const QJsonObject &body, Status status = Status::Ok)
{
    return QHttpServerResponse(body, status);
}

QHttpServerResponse problem(Status status, const QString &message)
{
    return answer({{QStringLiteral("error"), message}}, status);
}

QString prometheusLabel(const QString &text)
{
    QString escaped = text;
    return escaped.replace(u'\\', QStringLiteral("\\\\")).replace(u'"', QStringLiteral("\\\""));
}

} // namespace

DeployDaemon::DeployDaemon(const DeploydConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
{}

DeployDaemon::~DeployDaemon() = default;

void DeployDaemon::setSandboxProgram(const QString &program)
{
    delete m_sandbox;
    m_sandbox = new TemplateSandbox(program, this);
}

quint16 DeployDaemon::port() const
{
    return m_http ? m_http->port() : 0;
}

bool DeployDaemon::start(QString *error)
{
    DockerEndpoint endpoint;
    if (!DockerEndpoint::parse(m_config.docker, &endpoint, error))
        return false;
    m_client = std::make_unique<DockerClient>(endpoint);
    if (!m_config.redis.isEmpty()) {
        const auto where = HostPort::parse(m_config.redis);
        if (!where) {
            *error = QStringLiteral("redis: \"%1\" is not host:port").arg(m_config.redis);
            return false;
        }
        m_eventsource = new EventsourceClient(this);
        RedisConnection::Options options;
        options.host = where->host;
        options.port = where->port;
        m_eventsource->open(options);
    }
    m_history = new DeploymentHistory(m_eventsource, this);
    connect(m_history, &DeploymentHistory::problem, this, &DeployDaemon::message);
    if (!m_sandbox)
        m_sandbox = new TemplateSandbox({}, this);
    m_sandbox->setLimits({m_config.templateTimeoutMs, m_config.templateMemoryBytes});

    m_http = std::make_unique<ObservabilityServer>(
        [this] {
            QJsonObject repositories;
            for (RepositoryDeployer *deployer : std::as_const(m_deployers))
                repositories.insert(deployer->settings().name, deployer->isBusy()
                                                                   ? QStringLiteral("deploying")
                                                                   : QStringLiteral("idle"));
            const bool eventsource = !m_eventsource || m_eventsource->isReady();
            return ObservabilityServer::Health{
                eventsource,
                {{QStringLiteral("repositories"), repositories},
                 {QStringLiteral("eventsource"), !m_eventsource ? QStringLiteral("not configured")
                                                 : eventsource  ? QStringLiteral("ready")
                                                                : QStringLiteral("unavailable")}}};
        },
        [this] { return metrics(); });
    QHttpServer *http = m_http->http();
    using Method = QHttpServerRequest::Method;
    http->route(QStringLiteral("/hooks/<arg>"), Method::Post,
                [this](const QString &repository, const QHttpServerRequest &request) {
                    return webhook(repository, request);
                });
    http->route(QStringLiteral("/deployments"), Method::Get,
                [this](const QHttpServerRequest &request) { return deploymentsList(request); });
    http->route(QStringLiteral("/deployments"), Method::Post,
                [this](const QHttpServerRequest &request) { return deployNow(request); });
    http->route(
        QStringLiteral("/deployments/<arg>/rollback"), Method::Post,
        [this](const QString &id, const QHttpServerRequest &request) { return rollback(id, request); });
    http->route(
        QStringLiteral("/deployments/<arg>"), Method::Get,
        [this](const QString &id, const QHttpServerRequest &request) { return deploymentOne(id, request); });
    http->route(QStringLiteral("/repositories"), Method::Get,
                [this](const QHttpServerRequest &request) { return repositories(request); });
    if (!m_http->listen(m_config.listen, error))
        return false;

    RepositoryDeployer::Options options;
    options.fetchTimeoutMs = m_config.fetchTimeoutMs;
    options.nodes = m_config.nodes;
    QStringList names;
    for (const DeploydConfig::Repository &repository : std::as_const(m_config.repositories))
        names << repository.name;
    // The history first: the deployers start from what was deployed last.
    const auto restore = [this, names, options] { restoreAndStart(names, options); };
    if (!m_eventsource || m_eventsource->isReady()) {
        restore();
        return true;
    }
    // Redis is asked once it answers (or without the history after a while: deploying matters more).
    auto started = std::make_shared<bool>(false);
    const auto once = [started, restore] {
        if (!*started) {
            *started = true;
            restore();
        }
    };
    connect(m_eventsource, &EventsourceClient::ready, this, once);
    QTimer::singleShot(10000, this, [this, started, once] {
        if (!*started)
            emit message(
                QStringLiteral("the eventsource did not answer within 10 s: starting without the history"));
        once();
    });
    return true;
}

void DeployDaemon::restoreAndStart(const QStringList &names, const RepositoryDeployer::Options &options)
{
    m_history->restore(names, [this, options](const QString &problemText) {
        if (!problemText.isEmpty())
            emit message(QStringLiteral("the history could not be read back in full: %1").arg(problemText));
        for (const DeploydConfig::Repository &repository : std::as_const(m_config.repositories)) {
            auto *deployer = new RepositoryDeployer(repository, m_config.cacheDirectory, m_client.get(),
                                                    m_history, m_sandbox, options, this);
            connect(deployer, &RepositoryDeployer::deploymentFinished, this,
                    [this](const QString &id, Deployment::Status status) {
                        const Deployment *deployment = m_history->find(id);
                        emit message(QStringLiteral("%1: %2%3")
                                         .arg(id, Deployment::statusName(status),
                                              deployment && !deployment->error.isEmpty()
                                                  ? QStringLiteral(" (%1)").arg(deployment->error)
                                                  : QString()));
                    });
            m_deployers.insert(repository.name, deployer);
            deployer->startPolling();
        }
        emit message(QStringLiteral("deploying %1 repositor%2")
                         .arg(m_deployers.size())
                         .arg(m_deployers.size() == 1 ? QStringLiteral("y") : QStringLiteral("ies")));
    });
}

std::unique_ptr<QHttpServerResponse> DeployDaemon::refused(const QHttpServerRequest &request) const
{
    if (m_config.apiToken.isEmpty())
        return nullptr;
    const QByteArray given = request.value("Authorization");
    const QByteArray wanted = "Bearer " + m_config.apiToken;
    if (secretsEqual(given, wanted))
        return nullptr;
    return std::make_unique<QHttpServerResponse>(
        problem(Status::Unauthorized, QStringLiteral("give the API token: Authorization: Bearer <token>")));
}

QHttpServerResponse DeployDaemon::webhook(const QString &repository, const QHttpServerRequest &request)
{
    RepositoryDeployer *deployer = m_deployers.value(repository);
    if (!deployer) {
        ++m_webhooks[repository + QStringLiteral(" unknown")];
        return problem(Status::NotFound,
                       QStringLiteral("no repository \"%1\" is configured").arg(repository));
    }
    const QByteArray body = request.body();
    const QString refusal =
        WebhookVerifier::check(deployer->settings().webhookSecret, body,
                               {request.value("X-Hub-Signature-256"), request.value("X-Gitlab-Token")});
    if (!refusal.isEmpty()) {
        ++m_webhooks[repository + QStringLiteral(" refused")];
        emit message(QStringLiteral("webhook for %1 refused: %2").arg(repository, refusal));
        return problem(Status::Unauthorized, refusal);
    }
    if (request.value("X-GitHub-Event") == "ping") {
        ++m_webhooks[repository + QStringLiteral(" ping")];
        return answer({{QStringLiteral("status"), QStringLiteral("pong")}});
    }
    QJsonParseError parseError;
    const QJsonDocument payload = QJsonDocument::fromJson(body, &parseError);
    if (!payload.isObject()) {
        ++m_webhooks[repository + QStringLiteral(" invalid")];
        return problem(Status::BadRequest,
                       QStringLiteral("the body is not a JSON object: %1").arg(parseError.errorString()));
    }
    const QString ref = payload[QLatin1String("ref")].toString();
    if (ref.isEmpty()) {
        ++m_webhooks[repository + QStringLiteral(" invalid")];
        return problem(Status::BadRequest,
                       QStringLiteral("the payload has no \"ref\" (a push event is expected)"));
    }
    if (!deployer->watches(ref)) {
        ++m_webhooks[repository + QStringLiteral(" ignored")];
        return answer({{QStringLiteral("status"), QStringLiteral("ignored")},
                       {QStringLiteral("reason"),
                        QStringLiteral("%1 is not watched (%2)").arg(ref, deployer->settings().branch)}},
                      Status::Accepted);
    }
    ++m_webhooks[repository + QStringLiteral(" accepted")];
    const QString id = deployer->request(QStringLiteral("webhook"), ref);
    return answer({{QStringLiteral("status"), QStringLiteral("queued")}, {QStringLiteral("deployment"), id}},
                  Status::Accepted);
}

QHttpServerResponse DeployDaemon::deploymentsList(const QHttpServerRequest &request) const
{
    if (auto no = refused(request))
        return std::move(*no);
    const QUrlQuery query = request.query();
    const int limit = query.hasQueryItem(QStringLiteral("limit"))
                          ? query.queryItemValue(QStringLiteral("limit")).toInt()
                          : 100;
    QJsonArray list;
    for (const Deployment &deployment :
         m_history->list(query.queryItemValue(QStringLiteral("repository")), limit))
        list << deployment.summary();
    return answer({{QStringLiteral("deployments"), list}});
}

QHttpServerResponse DeployDaemon::deploymentOne(const QString &id, const QHttpServerRequest &request) const
{
    if (auto no = refused(request))
        return std::move(*no);
    const Deployment *deployment = m_history->find(id);
    if (!deployment)
        return problem(Status::NotFound, QStringLiteral("no deployment %1").arg(id));
    return answer(deployment->toJson());
}

QHttpServerResponse DeployDaemon::deployNow(const QHttpServerRequest &request)
{
    if (auto no = refused(request))
        return std::move(*no);
    const QJsonObject body = QJsonDocument::fromJson(request.body()).object();
    const QString repository = body[QLatin1String("repository")].toString();
    RepositoryDeployer *deployer = m_deployers.value(repository);
    if (!deployer)
        return problem(Status::NotFound,
                       QStringLiteral("no repository \"%1\" is configured").arg(repository));
    const QString id = deployer->request(QStringLiteral("api"), body[QLatin1String("ref")].toString());
    return answer({{QStringLiteral("status"), QStringLiteral("queued")}, {QStringLiteral("deployment"), id}},
                  Status::Accepted);
}

QHttpServerResponse DeployDaemon::rollback(const QString &id, const QHttpServerRequest &request)
{
    if (auto no = refused(request))
        return std::move(*no);
    const Deployment *target = m_history->find(id);
    RepositoryDeployer *deployer = target ? m_deployers.value(target->repository) : nullptr;
    if (!deployer)
        return problem(Status::NotFound, QStringLiteral("no deployment %1").arg(id));
    QString error;
    const QString queued = deployer->requestRollback(id, &error);
    if (queued.isEmpty())
        return problem(Status::UnprocessableEntity, error);
    return answer(
        {{QStringLiteral("status"), QStringLiteral("queued")}, {QStringLiteral("deployment"), queued}},
        Status::Accepted);
}

QHttpServerResponse DeployDaemon::repositories(const QHttpServerRequest &request) const
{
    if (auto no = refused(request))
        return std::move(*no);
    QJsonArray list;
    for (const DeploydConfig::Repository &repository : m_config.repositories) {
        const RepositoryDeployer *deployer = m_deployers.value(repository.name);
        const Deployment *last = m_history->lastApplied(repository.name);
        list << QJsonObject{{QStringLiteral("name"), repository.name},
                            {QStringLiteral("url"), repository.url},
                            {QStringLiteral("branch"), repository.branch},
                            {QStringLiteral("templates"), repository.templates},
                            {QStringLiteral("pollIntervalSeconds"), repository.pollIntervalSeconds},
                            {QStringLiteral("deploying"), deployer ? deployer->currentId() : QString()},
                            {QStringLiteral("lastApplied"), last ? last->summary() : QJsonObject()}};
    }
    return answer({{QStringLiteral("repositories"), list}});
}

QByteArray DeployDaemon::metrics() const
{
    QByteArray out;
    out += "# HELP cape_deployd_deployments Deployments in the history by repository and status.\n"
           "# TYPE cape_deployd_deployments gauge\n";
    QHash<QString, int> counts;
    for (const Deployment &deployment : m_history->list({}, -1))
        ++counts[deployment.repository + u'\n' + Deployment::statusName(deployment.status)];
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        out += QStringLiteral("cape_deployd_deployments{repository=\"%1\",status=\"%2\"} %3\n")
                   .arg(prometheusLabel(it.key().section(u'\n', 0, 0)), it.key().section(u'\n', 1),
                        QString::number(it.value()))
                   .toUtf8();
    out += "# HELP cape_deployd_webhooks_total Webhooks received, by repository and what became of them.\n"
           "# TYPE cape_deployd_webhooks_total counter\n";
    for (auto it = m_webhooks.cbegin(); it != m_webhooks.cend(); ++it)
        out += QStringLiteral("cape_deployd_webhooks_total{repository=\"%1\",result=\"%2\"} %3\n")
                   .arg(prometheusLabel(it.key().section(u' ', 0, 0)), it.key().section(u' ', 1),
                        QString::number(it.value()))
                   .toUtf8();
    out +=
        "# HELP cape_deployd_last_duration_seconds How long the repository's last finished deployment took.\n"
        "# TYPE cape_deployd_last_duration_seconds gauge\n";
    for (const DeploydConfig::Repository &repository : m_config.repositories) {
        const QList<Deployment> last = m_history->list(repository.name, 1);
        if (!last.isEmpty() && last.first().isFinished())
            out += QStringLiteral("cape_deployd_last_duration_seconds{repository=\"%1\"} %2\n")
                       .arg(prometheusLabel(repository.name))
                       .arg(last.first().durationMs() / 1000.0)
                       .toUtf8();
    }
    return out;
}

} // namespace cape
