#include "stackdeployer.h"

#include <QJsonArray>
#include <QTimer>

namespace cape {

namespace {

using L = QLatin1String;

QString nameOf(const QJsonObject &object)
{
    // Services, secrets and configs keep their name in Spec; networks at the top.
    const QString inSpec = object.value(L("Spec")).toObject().value(L("Name")).toString();
    return inSpec.isEmpty() ? object.value(L("Name")).toString() : inSpec;
}

QHash<QString, QJsonObject> byName(const QJsonArray &objects)
{
    QHash<QString, QJsonObject> out;
    for (const QJsonValue &v : objects)
        out.insert(nameOf(v.toObject()), v.toObject());
    return out;
}

// How often and how long to retry removing an object a task still holds: a
// removed service's tasks (and their network attachments) go away shortly after.
constexpr int RemoveAttempts = 40;
constexpr int RemoveRetryMs = 500;

} // namespace

DockerClient::Filters StackDeployer::stackFilter(const QString &stack)
{
    return {{QStringLiteral("label"), {QLatin1String(StackPlan::NamespaceLabel) + QLatin1Char('=') + stack}}};
}

StackDeployer::StackDeployer(QObject *parent)
    : QObject(parent)
{}

StackDeployer::~StackDeployer() = default;

bool StackDeployer::start(DockerClient *client)
{
    QString refused;
    if (m_running)
        refused = QStringLiteral("a deployment is already running");
    else if (!client)
        refused = QStringLiteral("no engine to deploy to");
    if (!refused.isEmpty()) {
        // Keep the promise of asynchrony: finished() never comes from inside the call.
        QMetaObject::invokeMethod(
            this, [this, refused] { emit finished(false, refused); }, Qt::QueuedConnection);
        return false;
    }
    m_client = client;
    m_running = true;
    m_steps.clear();
    m_secretIds.clear();
    m_configIds.clear();
    m_removed = 0;
    return true;
}

void StackDeployer::deploy(DockerClient *client, const StackPlan &plan)
{
    if (!start(client))
        return;
    m_plan = plan;
    m_stack = plan.stack;
    m_steps = {
        [this] {
            call(m_client->listNetworks(), QStringLiteral("Listing networks"),
                 [this](DockerReply *r) { checkNetworks(r->array()); });
        },
        [this] {
            call(m_client->listSecrets(), QStringLiteral("Listing secrets"),
                 [this](DockerReply *r) { checkBlobs(r->array(), true); });
        },
        [this] {
            call(m_client->listConfigs(), QStringLiteral("Listing configs"),
                 [this](DockerReply *r) { checkBlobs(r->array(), false); });
        },
        [this] {
            call(m_client->listServices(stackFilter(m_stack), false), QStringLiteral("Listing services"),
                 [this](DockerReply *r) { applyServices(r->array()); });
        },
    };
    next();
}

void StackDeployer::remove(DockerClient *client, const QString &stack)
{
    if (!start(client))
        return;
    m_plan = StackPlan();
    m_stack = stack;
    const auto removeKind = [this](const QString &kind) -> Step {
        return [this, kind] {
            const DockerClient::Filters filter = stackFilter(m_stack);
            DockerReply *reply = kind == L("service")   ? m_client->listServices(filter, false)
                                 : kind == L("network") ? m_client->listNetworks(filter)
                                 : kind == L("secret")  ? m_client->listSecrets(filter)
                                                        : m_client->listConfigs(filter);
            call(reply, QStringLiteral("Listing %1s").arg(kind),
                 [this, kind](DockerReply *r) { removeAll(r->array(), kind); });
        };
    };
    m_steps = {removeKind(QStringLiteral("service")), removeKind(QStringLiteral("network")),
               removeKind(QStringLiteral("secret")), removeKind(QStringLiteral("config")), [this] {
                   if (m_removed == 0)
                       emit progress(QStringLiteral("Nothing found in stack %1").arg(m_stack));
                   next();
               }};
    next();
}

void StackDeployer::next()
{
    if (!m_running)
        return;
    if (!m_client)
        return fail(QStringLiteral("the engine client went away"));
    if (m_steps.isEmpty()) {
        m_running = false;
        emit finished(true, QString());
        return;
    }
    const Step step = m_steps.takeFirst();
    step();
}

void StackDeployer::insertNext(const QList<Step> &steps)
{
    m_steps = steps + m_steps;
}

void StackDeployer::fail(const QString &message)
{
    m_steps.clear();
    m_running = false;
    emit finished(false, message);
}

void StackDeployer::call(DockerReply *reply, const QString &what, Handler handler)
{
    reply->then(this, [this, what, handler = std::move(handler)](DockerReply *r) {
        if (r->error()) {
            fail(QStringLiteral("%1: %2").arg(what, r->error().toString()));
            return;
        }
        handler(r);
    });
}

// --- deploy ------------------------------------------------------------------

void StackDeployer::checkNetworks(const QJsonArray &existing)
{
    const QHash<QString, QJsonObject> networks = byName(existing);
    for (const QString &name : std::as_const(m_plan.externalNetworks)) {
        if (!networks.contains(name))
            return fail(
                QStringLiteral("network %1 is declared external but could not be found; create it first "
                               "(docker network create --driver overlay %1)")
                    .arg(name));
    }
    QList<Step> creates;
    for (const QJsonObject &body : std::as_const(m_plan.networks)) {
        const QString name = body.value(L("Name")).toString();
        if (networks.contains(name)) {
            const QString scope = networks.value(name).value(L("Scope")).toString();
            if (scope != L("swarm"))
                return fail(
                    QStringLiteral("network %1 exists with scope \"%2\"; a stack needs a swarm network")
                        .arg(name, scope));
            continue;
        }
        creates.append([this, body, name] {
            emit progress(QStringLiteral("Creating network %1").arg(name));
            call(m_client->createNetwork(body), QStringLiteral("Creating network %1").arg(name),
                 [this](DockerReply *) { next(); });
        });
    }
    insertNext(creates);
    next();
}

void StackDeployer::checkBlobs(const QJsonArray &existing, bool secrets)
{
    const QString kind = secrets ? QStringLiteral("secret") : QStringLiteral("config");
    QHash<QString, QString> &ids = secrets ? m_secretIds : m_configIds;
    const QHash<QString, QJsonObject> found = byName(existing);
    for (const QString &name : secrets ? m_plan.externalSecrets : m_plan.externalConfigs) {
        if (!found.contains(name))
            return fail(QStringLiteral("%1 %2 is declared external but could not be found; create it first")
                            .arg(kind, name));
        ids.insert(name, found.value(name).value(L("ID")).toString());
    }
    QList<Step> steps;
    for (const QJsonObject &spec : secrets ? m_plan.secrets : m_plan.configs) {
        const QString name = spec.value(L("Name")).toString();
        if (!found.contains(name)) {
            steps.append([this, spec, name, kind, secrets] {
                emit progress(QStringLiteral("Creating %1 %2").arg(kind, name));
                const QByteArray data = QByteArray::fromBase64(spec.value(L("Data")).toString().toLatin1());
                const QJsonObject labels = spec.value(L("Labels")).toObject();
                DockerReply *reply = secrets ? m_client->createSecret(name, data, labels)
                                             : m_client->createConfig(name, data, labels);
                call(reply, QStringLiteral("Creating %1 %2").arg(kind, name),
                     [this, name, secrets](DockerReply *r) {
                         (secrets ? m_secretIds : m_configIds)
                             .insert(name, r->object().value(L("ID")).toString());
                         next();
                     });
            });
            continue;
        }
        // Secrets and configs are immutable. An update with the same data only
        // relabels (as docker stack deploy does); the engine refuses other data,
        // which is also the only way to compare a secret's data.
        const QJsonObject current = found.value(name);
        const QString id = current.value(L("ID")).toString();
        ids.insert(name, id);
        steps.append([this, spec, name, kind, id, current] {
            emit progress(QStringLiteral("Updating %1 %2").arg(kind, name));
            QUrlQuery query;
            query.addQueryItem(
                QStringLiteral("version"),
                QString::number(qint64(current.value(L("Version")).toObject().value(L("Index")).toDouble())));
            DockerReply *reply = m_client->send(DockerRequest::post(
                QStringLiteral("/%1s/%2/update").arg(kind, id), QJsonDocument(spec), query));
            reply->then(this, [this, name, kind](DockerReply *r) {
                const DockerError error = r->error();
                if (error.kind == DockerError::Kind::Http && error.httpStatus == 400 &&
                    error.message.contains(QLatin1String("only updates to Labels"))) {
                    return fail(
                        QStringLiteral("%1 %2 already exists with different data; %1s are immutable: give "
                                       "the new data a new name, or remove the stack first")
                            .arg(kind, name));
                }
                if (error)
                    return fail(QStringLiteral("Updating %1 %2: %3").arg(kind, name, error.toString()));
                next();
            });
        });
    }
    insertNext(steps);
    next();
}

QJsonObject StackDeployer::withIds(QJsonObject spec) const
{
    QJsonObject task = spec.value(L("TaskTemplate")).toObject();
    QJsonObject container = task.value(L("ContainerSpec")).toObject();
    for (const auto &[field, nameKey, idKey, ids] :
         {std::tuple(L("Secrets"), L("SecretName"), L("SecretID"), &m_secretIds),
          std::tuple(L("Configs"), L("ConfigName"), L("ConfigID"), &m_configIds)}) {
        QJsonArray refs = container.value(field).toArray();
        if (refs.isEmpty())
            continue;
        for (qsizetype i = 0; i < refs.size(); ++i) {
            QJsonObject ref = refs.at(i).toObject();
            ref.insert(idKey, ids->value(ref.value(nameKey).toString()));
            refs.replace(i, ref);
        }
        container.insert(field, refs);
    }
    task.insert(L("ContainerSpec"), container);
    spec.insert(L("TaskTemplate"), task);
    return spec;
}

void StackDeployer::applyServices(const QJsonArray &existing)
{
    const QHash<QString, QJsonObject> found = byName(existing);
    QList<Step> steps;
    QStringList planned;
    for (const QJsonObject &planSpec : std::as_const(m_plan.services)) {
        const QString name = planSpec.value(L("Name")).toString();
        planned.append(name);
        const QJsonObject spec = withIds(planSpec);
        if (!found.contains(name)) {
            steps.append([this, spec, name] {
                emit progress(QStringLiteral("Creating service %1").arg(name));
                call(m_client->createService(spec), QStringLiteral("Creating service %1").arg(name),
                     [this](DockerReply *) { next(); });
            });
            continue;
        }
        const QString id = found.value(name).value(L("ID")).toString();
        steps.append([this, spec, name, id] {
            emit progress(QStringLiteral("Updating service %1 (id: %2)").arg(name, id));
            const auto mutation = [spec](QJsonObject &current) {
                QJsonObject next = spec;
                // A file without replicas leaves the current count (a manual scale survives).
                QJsonObject mode = next.value(L("Mode")).toObject();
                const QJsonObject replicated = mode.value(L("Replicated")).toObject();
                const QJsonObject currentReplicated =
                    current.value(L("Mode")).toObject().value(L("Replicated")).toObject();
                if (mode.contains(L("Replicated")) && !replicated.contains(L("Replicas")) &&
                    currentReplicated.contains(L("Replicas"))) {
                    mode.insert(L("Replicated"),
                                QJsonObject{{L("Replicas"), currentReplicated.value(L("Replicas"))}});
                    next.insert(L("Mode"), mode);
                }
                // Keep the force-update counter, or every task would restart.
                QJsonObject task = next.value(L("TaskTemplate")).toObject();
                const QJsonValue force = current.value(L("TaskTemplate")).toObject().value(L("ForceUpdate"));
                if (!force.isUndefined())
                    task.insert(L("ForceUpdate"), force);
                next.insert(L("TaskTemplate"), task);
                current = next;
                return QString();
            };
            call(m_client->updateService(id, mutation), QStringLiteral("Updating service %1").arg(name),
                 [this, name](DockerReply *r) {
                     for (const QJsonValue &w : r->object().value(L("Warnings")).toArray())
                         emit progress(QStringLiteral("Service %1: %2").arg(name, w.toString()));
                     next();
                 });
        });
    }
    if (m_prune) {
        for (auto it = found.cbegin(); it != found.cend(); ++it) {
            if (planned.contains(it.key()))
                continue;
            const QString name = it.key();
            const QString id = it.value().value(L("ID")).toString();
            steps.append([this, name, id] {
                emit progress(QStringLiteral("Removing service %1").arg(name));
                call(m_client->removeService(id), QStringLiteral("Removing service %1").arg(name),
                     [this](DockerReply *) { next(); });
            });
        }
    }
    insertNext(steps);
    next();
}

// --- remove ------------------------------------------------------------------

void StackDeployer::removeAll(const QJsonArray &objects, const QString &kind)
{
    QList<Step> steps;
    for (const QJsonValue &v : objects) {
        const QJsonObject object = v.toObject();
        const QString id = object.value(L("ID")).toString().isEmpty() ? object.value(L("Id")).toString()
                                                                      : object.value(L("ID")).toString();
        const QString name = nameOf(object);
        steps.append([this, kind, id, name] {
            ++m_removed;
            emit progress(QStringLiteral("Removing %1 %2").arg(kind, name));
            removeOne(kind, id, name, RemoveAttempts);
        });
    }
    insertNext(steps);
    next();
}

void StackDeployer::removeOne(const QString &kind, const QString &id, const QString &name, int attemptsLeft)
{
    DockerReply *reply = kind == L("service")   ? m_client->removeService(id)
                         : kind == L("network") ? m_client->removeNetwork(id)
                         : kind == L("secret")  ? m_client->removeSecret(id)
                                                : m_client->removeConfig(id);
    reply->then(this, [this, kind, id, name, attemptsLeft](DockerReply *r) {
        const DockerError error = r->error();
        if (!error || (error.kind == DockerError::Kind::Http && error.httpStatus == 404))
            return next(); // gone, or gone already
        // A network, secret or config that the removed services' tasks still hold.
        const bool inUse =
            error.kind == DockerError::Kind::Http && error.message.contains(QLatin1String("in use"));
        if (inUse && attemptsLeft > 1 && m_client) {
            QTimer::singleShot(RemoveRetryMs, this, [this, kind, id, name, attemptsLeft] {
                if (m_client)
                    removeOne(kind, id, name, attemptsLeft - 1);
                else
                    fail(QStringLiteral("Removing %1 %2: the engine client went away").arg(kind, name));
            });
            return;
        }
        fail(QStringLiteral("Removing %1 %2: %3").arg(kind, name, error.toString()));
    });
}

} // namespace cape
