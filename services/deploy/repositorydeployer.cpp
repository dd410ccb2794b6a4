#include "repositorydeployer.h"

#include "deploymentapplier.h"
#include "deploymenthistory.h"
#include "deploymentplan.h"
#include "gitrepository.h"
#include "imagebuilder.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"
#include "servicespecbuilder.h"
#include "specreferences.h"
#include "templatesandbox.h"

#include <QFutureWatcher>
#include <QJsonArray>
#include <QRegularExpression>
#include <QtConcurrent>

#include <mutex>

namespace cape {

struct RepositoryDeployer::Checkout
{
    std::optional<GitRepository::Commit> commit;
    QHash<QString, QByteArray> files;
    QString error;
};

namespace {

QJsonObject commitJson(const GitRepository::Commit &commit)
{
    return {{QStringLiteral("sha"), commit.sha},
            {QStringLiteral("ref"), commit.ref},
            {QStringLiteral("branch"), commit.ref},
            {QStringLiteral("message"), commit.message},
            {QStringLiteral("author"), commit.author},
            {QStringLiteral("email"), commit.authorEmail},
            {QStringLiteral("time"), commit.time.toString(Qt::ISODate)}};
}

bool globMatches(const QString &pattern, const QString &text)
{
    return QRegularExpression(QRegularExpression::wildcardToRegularExpression(pattern))
        .match(text)
        .hasMatch();
}

// Runs work on the thread pool and then() with its result on receiver's thread.
template<typename Result, typename Work, typename Then>
void inBackground(QObject *receiver, Work work, Then then)
{
    auto *watcher = new QFutureWatcher<Result>(receiver);
    QObject::connect(watcher, &QFutureWatcher<Result>::finished, receiver, [watcher, then]() mutable {
        watcher->deleteLater();
        then(watcher->result());
    });
    watcher->setFuture(QtConcurrent::run(work));
}

} // namespace

RepositoryDeployer::RepositoryDeployer(const DeploydConfig::Repository &settings,
                                       const QString &cacheDirectory, DockerClient *client,
                                       DeploymentHistory *history, TemplateSandbox *sandbox,
                                       const Options &options, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_client(client)
    , m_history(history)
    , m_sandbox(sandbox)
    , m_options(options)
    , m_git(std::make_shared<GitRepository>(settings.url, cacheDirectory + u'/' + settings.name,
                                            settings.credentials))
    , m_builder(new ImageBuilder(client, options.nodes, this))
{
    if (const Deployment *last = history->lastApplied(settings.name))
        m_lastSeenSha = last->commit[QLatin1String("sha")].toString();
    connect(&m_pollTimer, &QTimer::timeout, this, &RepositoryDeployer::poll);
}

RepositoryDeployer::~RepositoryDeployer() = default;

bool RepositoryDeployer::watches(const QString &ref) const
{
    QString name = ref;
    if (name.startsWith(QLatin1String("refs/heads/")))
        name = name.mid(11);
    else if (name.startsWith(QLatin1String("refs/tags/")))
        name = name.mid(10);
    return GitRepository::branchMatches(m_settings.branch, name);
}

QString RepositoryDeployer::branchToDeploy(const QString &ref) const
{
    QString name = ref.isEmpty() ? m_settings.branch : ref;
    if (name.startsWith(QLatin1String("refs/heads/")))
        name = name.mid(11);
    else if (name.startsWith(QLatin1String("refs/tags/")))
        name = name.mid(10);
    return name;
}

Deployment RepositoryDeployer::make(const QString &trigger, const QString &ref) const
{
    Deployment deployment;
    deployment.id = DeploymentHistory::newId(m_settings.name);
    deployment.repository = m_settings.name;
    deployment.trigger = trigger;
    deployment.ref = branchToDeploy(ref);
    deployment.queuedAt = QDateTime::currentDateTimeUtc();
    return deployment;
}

QString RepositoryDeployer::request(const QString &trigger, const QString &ref)
{
    const Deployment deployment = make(trigger, ref);
    enqueue(deployment);
    return deployment.id;
}

void RepositoryDeployer::enqueue(Deployment deployment)
{
    if (!m_current) {
        start(deployment);
        return;
    }
    // One at a time; of those waiting, the newest wins.
    if (m_pending) {
        m_pending->status = Deployment::Status::Superseded;
        m_pending->finishedAt = QDateTime::currentDateTimeUtc();
        m_pending->error =
            QStringLiteral("a newer request (%1) replaced it before it started").arg(deployment.id);
        m_history->record(*m_pending, QStringLiteral("deployment superseded"));
    }
    deployment.addLog(QStringLiteral("queued behind %1").arg(m_current->id));
    m_pending = deployment;
    m_history->record(deployment, QStringLiteral("deployment queued"));
}

QString RepositoryDeployer::requestRollback(const QString &id, QString *error)
{
    const Deployment *target = m_history->find(id);
    if (!target || target->repository != m_settings.name) {
        *error = QStringLiteral("no deployment %1 of repository %2").arg(id, m_settings.name);
        return {};
    }
    if (target->specs.isEmpty()) {
        *error = QStringLiteral("deployment %1 applied no services to go back to").arg(id);
        return {};
    }
    Deployment deployment = make(QStringLiteral("rollback"), target->ref);
    deployment.rollbackOf = id;
    deployment.services = target->specs;
    deployment.commit = target->commit;
    enqueue(deployment);
    return deployment.id;
}

void RepositoryDeployer::log(const QString &line)
{
    m_current->addLog(line);
    m_history->update(*m_current); // GET /deployments/{id} follows a running deployment
}

void RepositoryDeployer::record(const QString &event)
{
    m_history->record(*m_current, event);
}

void RepositoryDeployer::start(Deployment deployment)
{
    m_current = deployment;
    m_current->status = Deployment::Status::Running;
    m_current->startedAt = QDateTime::currentDateTimeUtc();
    m_templates.clear();
    m_files.clear();
    // A rollback's services are known: no fetch, no templates (its commit is recorded already).
    if (m_current->trigger == QLatin1String("rollback") && !m_current->services.isEmpty()) {
        log(QStringLiteral("restoring the services as deployment %1 left them").arg(m_current->rollbackOf));
        record(QStringLiteral("deployment started"));
        QList<QJsonObject> specs;
        for (const QJsonValue &spec : std::as_const(m_current->services))
            specs << spec.toObject();
        QMetaObject::invokeMethod(
            this, [this, specs] { specsReady(specs); }, Qt::QueuedConnection);
        return;
    }
    log(QStringLiteral("fetching %1 (%2)").arg(m_settings.url, m_current->ref));
    record(QStringLiteral("deployment started"));
    const std::shared_ptr<GitRepository> git = m_git;
    const std::shared_ptr<std::mutex> lock = m_gitLock;
    const QString ref = m_current->ref;
    const Options options = m_options;
    inBackground<Checkout>(
        this,
        [git, lock, ref, options] {
            const std::lock_guard guard(*lock); // a poll may be fetching
            Checkout checkout;
            if (!git->fetch(options.fetchTimeoutMs, &checkout.error))
                return checkout;
            checkout.commit = git->resolve(ref, &checkout.error);
            if (!checkout.commit)
                return checkout;
            const auto files =
                git->files(checkout.commit->sha, options.maxFileSize, options.maxFilesTotal, &checkout.error);
            if (files)
                checkout.files = *files;
            else
                checkout.commit.reset();
            return checkout;
        },
        [this](const Checkout &checkout) { checkedOut(checkout); });
}

void RepositoryDeployer::checkedOut(const Checkout &checkout)
{
    if (!checkout.commit) {
        finish(Deployment::Status::Failed, checkout.error);
        return;
    }
    m_lastSeenSha = checkout.commit->sha;
    m_current->commit = commitJson(*checkout.commit);
    log(QStringLiteral("commit %1: %2")
            .arg(checkout.commit->sha.left(12), checkout.commit->message.section(u'\n', 0, 0)));
    m_files = checkout.files;
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it) {
        if (globMatches(m_settings.templates, it.key()))
            m_templates << TemplateEvaluator::Template{it.key(), QString::fromUtf8(it.value())};
    }
    std::sort(m_templates.begin(), m_templates.end(),
              [](const auto &a, const auto &b) { return a.path < b.path; });
    if (m_templates.isEmpty()) {
        finish(Deployment::Status::Failed, QStringLiteral("commit %1 has no deploy template (%2)")
                                               .arg(checkout.commit->sha.left(12), m_settings.templates));
        return;
    }
    if (!m_client) {
        finish(Deployment::Status::Failed, QStringLiteral("no connection to the engine"));
        return;
    }
    m_client->listServices({}, false)->then(this, [this](DockerReply *reply) {
        if (reply->error()) {
            finish(Deployment::Status::Failed,
                   QStringLiteral("listing the services: %1").arg(reply->error().toString()));
            return;
        }
        listed(reply->json().array());
    });
}

void RepositoryDeployer::listed(const QJsonArray &services)
{
    m_running = services;
    QJsonObject specs;
    for (const QJsonValue &service : services)
        specs.insert(service[QLatin1String("Spec")][QLatin1String("Name")].toString(),
                     service[QLatin1String("Spec")]);
    QJsonObject files;
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
        files.insert(it.key(), QString::fromUtf8(it.value()));
    const QJsonObject context{
        {QStringLiteral("commit"), m_current->commit},
        {QStringLiteral("repository"),
         QJsonObject{{QStringLiteral("name"), m_settings.name}, {QStringLiteral("url"), m_settings.url}}},
        {QStringLiteral("env"), m_settings.env},
        {QStringLiteral("services"), specs},
        {QStringLiteral("files"), files}};
    QStringList paths;
    for (const TemplateEvaluator::Template &source : std::as_const(m_templates))
        paths << source.path;
    log(QStringLiteral("running %1").arg(paths.join(QStringLiteral(", "))));
    m_sandbox->run(m_templates, context,
                   [this](const TemplateEvaluator::Outcome &outcome) { evaluated(outcome); });
}

void RepositoryDeployer::evaluated(const TemplateEvaluator::Outcome &outcome)
{
    for (const QString &line : outcome.log)
        log(QStringLiteral("template: ") + line);
    if (!outcome.ok) {
        finish(Deployment::Status::Failed, outcome.error.text());
        return;
    }
    m_current->services = outcome.services;
    buildImages(outcome.services, 0);
}

// Services that ask to be built ("build"): their image from this commit's
// tree, one after another, then the specs.
void RepositoryDeployer::buildImages(QJsonArray services, int from)
{
    for (int index = from; index < services.size(); ++index) {
        QJsonObject service = services.at(index).toObject();
        const QJsonValue build = service[QLatin1String("build")];
        if (build.isUndefined() || build.isNull())
            continue;
        const QString name = service[QLatin1String("name")].toString();
        const QJsonObject settings =
            build.isString() ? QJsonObject{{QStringLiteral("dockerfile"), build}} : build.toObject();
        const QString context = settings[QLatin1String("context")].toString(QStringLiteral("."));
        const QString dockerfile =
            settings[QLatin1String("dockerfile")].toString(QStringLiteral("Dockerfile"));
        const QString sha = m_current->commit[QLatin1String("sha")].toString();
        // Tagged with the commit: the same commit builds the same tag.
        const QString tag =
            QStringLiteral("%1/%2:%3").arg(m_settings.name.toLower(), name.toLower(), sha.left(12));
        log(QStringLiteral("building %1 (%2 in %3)").arg(tag, dockerfile, context));
        const std::shared_ptr<GitRepository> git = m_git;
        const std::shared_ptr<std::mutex> lock = m_gitLock;
        inBackground<std::pair<QByteArray, QString>>(
            this,
            [git, lock, sha, context] {
                const std::lock_guard guard(*lock);
                QString error;
                const auto tar = git->archive(sha, context, qint64(512) * 1024 * 1024, &error);
                return std::pair{tar.value_or(QByteArray()), error};
            },
            [this, services, index, tag, dockerfile,
             name](const std::pair<QByteArray, QString> &archived) mutable {
                if (!archived.second.isEmpty()) {
                    finish(
                        Deployment::Status::Failed,
                        QStringLiteral("service \"%1\": its build context: %2").arg(name, archived.second));
                    return;
                }
                m_builder->build(archived.first, tag, dockerfile,
                                 [this, services, index, tag, name](const QString &error,
                                                                    const QStringList &output) mutable {
                                     for (const QString &line : output)
                                         log(QStringLiteral("build: ") + line);
                                     if (!error.isEmpty()) {
                                         finish(Deployment::Status::Failed,
                                                QStringLiteral("service \"%1\": %2").arg(name, error));
                                         return;
                                     }
                                     QJsonObject built = services.at(index).toObject();
                                     built.remove(QLatin1String("build"));
                                     built.insert(QStringLiteral("image"), tag);
                                     services[index] = built;
                                     buildImages(services, index + 1);
                                 });
            });
        return;
    }
    QStringList errors;
    const QList<QJsonObject> specs = ServiceSpecBuilder::buildAll(
        services, {m_settings.name, m_current->commit[QLatin1String("sha")].toString()}, &errors);
    if (!errors.isEmpty()) {
        finish(Deployment::Status::Failed, errors.join(QStringLiteral("; ")));
        return;
    }
    specsReady(specs);
}

// Secrets, configs and networks are named in templates; the engine wants
// (and keeps) their IDs, so a spec compares with what runs only once they
// are filled in.
void RepositoryDeployer::specsReady(QList<QJsonObject> specs)
{
    if (!m_client) {
        finish(Deployment::Status::Failed, QStringLiteral("no connection to the engine"));
        return;
    }
    const bool secrets = SpecReferences::usesSecrets(specs);
    const bool configs = SpecReferences::usesConfigs(specs);
    const bool networks = SpecReferences::usesNetworks(specs);
    auto references = std::make_shared<SpecReferences>();
    auto remaining = std::make_shared<int>(int(secrets) + int(configs) + int(networks) + 1);
    auto problems = std::make_shared<QStringList>();
    const auto oneDone = [this, specs, references, remaining, problems] {
        if (--*remaining > 0)
            return;
        QStringList missing = *problems;
        const QList<QJsonObject> resolved = references->resolve(specs, &missing);
        if (!missing.isEmpty()) {
            finish(Deployment::Status::Failed, missing.join(QStringLiteral("; ")));
            return;
        }
        apply(resolved);
    };
    // One list from the engine into the references: `add` is SpecReferences' adder for it.
    const auto collect = [this, references, problems,
                          oneDone](DockerReply *request, const QString &kind,
                                   void (SpecReferences::*add)(const QJsonArray &)) {
        request->then(this, [references, problems, oneDone, kind, add](DockerReply *reply) {
            if (reply->error())
                *problems << QStringLiteral("listing %1: %2").arg(kind, reply->error().toString());
            else
                ((*references).*add)(reply->json().array());
            oneDone();
        });
    };
    if (secrets)
        collect(m_client->listSecrets(), QStringLiteral("secrets"), &SpecReferences::addSecrets);
    if (configs)
        collect(m_client->listConfigs(), QStringLiteral("configs"), &SpecReferences::addConfigs);
    if (networks)
        collect(m_client->listNetworks(), QStringLiteral("networks"), &SpecReferences::addNetworks);
    // The running services (a rollback has not listed them yet).
    if (m_running.isEmpty() || m_current->trigger == QLatin1String("rollback")) {
        m_client->listServices({}, false)->then(this, [this, problems, oneDone](DockerReply *r) {
            if (r->error())
                *problems << QStringLiteral("listing the services: %1").arg(r->error().toString());
            else
                m_running = r->json().array();
            oneDone();
        });
    } else {
        QMetaObject::invokeMethod(
            this, [oneDone] { oneDone(); }, Qt::QueuedConnection);
    }
}

void RepositoryDeployer::apply(const QList<QJsonObject> &specs)
{
    QStringList errors;
    const DeploymentPlan plan =
        DeploymentPlan::make(specs, m_running, m_settings.name, m_settings.prune, &errors);
    QJsonArray applied;
    for (const QJsonObject &spec : specs)
        applied << spec;
    m_current->specs = applied;
    m_current->plan = plan.toJson();
    if (!errors.isEmpty()) {
        finish(Deployment::Status::Failed, errors.join(QStringLiteral("; ")));
        return;
    }
    for (const DeploymentPlan::Service &service : plan.services) {
        QString line = QStringLiteral("%1: %2").arg(service.name, DeploymentPlan::actionName(service.action));
        for (const SpecDiff::Change &change : service.changes)
            line += QStringLiteral("\n  ") + change.text();
        log(line);
    }
    if (!plan.hasWork()) {
        finish(Deployment::Status::Unchanged);
        return;
    }
    record(QStringLiteral("deployment planned"));
    auto *applier = new DeploymentApplier(m_client, this);
    applier->setPollInterval(m_options.pollMs);
    applier->setTimeout(m_options.applyTimeoutMs);
    connect(applier, &DeploymentApplier::progress, this, [this](const QString &line) { log(line); });
    connect(applier, &DeploymentApplier::updateIssued, this, [this] {
        m_current->updateIssuedAt = QDateTime::currentDateTimeUtc();
        m_history->update(*m_current);
    });
    connect(applier, &DeploymentApplier::finished, this, [this, applier](bool ok, const QString &message) {
        applier->deleteLater();
        m_current->results = DeploymentApplier::toJson(applier->results());
        bool rolledBack = false;
        for (const DeploymentApplier::Result &result : applier->results())
            rolledBack = rolledBack || result.outcome == QLatin1String("rolled back");
        finish(ok           ? Deployment::Status::Succeeded
               : rolledBack ? Deployment::Status::RolledBack
                            : Deployment::Status::Failed,
               ok ? QString() : message);
    });
    applier->apply(plan);
}

void RepositoryDeployer::finish(Deployment::Status status, const QString &error)
{
    m_current->status = status;
    m_current->error = error;
    m_current->finishedAt = QDateTime::currentDateTimeUtc();
    log(error.isEmpty() ? Deployment::statusName(status)
                        : QStringLiteral("%1: %2").arg(Deployment::statusName(status), error));
    record(QStringLiteral("deployment finished"));
    const QString id = m_current->id;
    m_current.reset();
    m_running = {};
    m_files.clear();
    emit deploymentFinished(id, status);
    if (m_pending) {
        Deployment next = *m_pending;
        m_pending.reset();
        start(next);
    }
}

void RepositoryDeployer::startPolling()
{
    if (m_settings.pollIntervalSeconds <= 0)
        return;
    m_pollTimer.start(m_settings.pollIntervalSeconds * 1000);
    QMetaObject::invokeMethod(this, &RepositoryDeployer::poll, Qt::QueuedConnection);
}

// A fallback for webhooks that never came: fetch, and deploy the watched
// branch whose head moved (the newest, when a glob matches several).
void RepositoryDeployer::poll()
{
    if (m_polling || m_current)
        return; // a deployment fetches anyway
    m_polling = true;
    const std::shared_ptr<GitRepository> git = m_git;
    const std::shared_ptr<std::mutex> lock = m_gitLock;
    const QString pattern = m_settings.branch;
    const int timeout = m_options.fetchTimeoutMs;
    inBackground<std::optional<GitRepository::Commit>>(
        this,
        [git, lock, pattern, timeout]() -> std::optional<GitRepository::Commit> {
            const std::lock_guard guard(*lock);
            QString error;
            if (!git->fetch(timeout, &error))
                return std::nullopt;
            std::optional<GitRepository::Commit> newest;
            for (const QString &branch : git->branches(pattern)) {
                const auto commit = git->resolve(branch, &error);
                if (commit && (!newest || commit->time > newest->time))
                    newest = commit;
            }
            return newest;
        },
        [this](const std::optional<GitRepository::Commit> &head) {
            m_polling = false;
            if (!head || head->sha == m_lastSeenSha || m_current)
                return;
            m_lastSeenSha = head->sha;
            request(QStringLiteral("poll"), head->ref);
        });
}

} // namespace cape
