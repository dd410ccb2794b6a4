#include "replaycluster.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

#include <algorithm>
#include <initializer_list>
#include <numeric>
#include <tuple>

namespace cape {

namespace {

const QLatin1String StackLabel("com.docker.stack.namespace");
const QLatin1String StackImageLabel("com.docker.stack.image");

QByteArray readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, file.errorString());
        return {};
    }
    return file.readAll();
}

QJsonDocument readJson(const QString &path, QString *error)
{
    const QByteArray data = readFile(path, error);
    if (!error->isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        *error = QStringLiteral("%1: %2").arg(path, parseError.errorString());
    return document;
}

QByteArray compact(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// The engine's encoder ends every JSON answer with a newline.
QByteArray jsonAnswer(const QJsonObject &object)
{
    return compact(object) + '\n';
}

QByteArray jsonList(const QList<QByteArray> &items)
{
    qsizetype size = 3;
    for (const QByteArray &item : items)
        size += item.size() + 1;
    QByteArray out;
    out.reserve(size);
    out += '[';
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (i)
            out += ',';
        out += items.at(i);
    }
    out += "]\n";
    return out;
}

// Sets a value at a path of keys, creating objects on the way.
void setAt(QJsonObject &object, std::initializer_list<const char *> path, const QJsonValue &value)
{
    const auto set = [&](auto &self, QJsonObject &o, const char *const *key) -> void {
        const QLatin1String name(*key);
        if (key + 1 == path.end()) {
            o.insert(name, value);
            return;
        }
        QJsonObject child = o.value(name).toObject();
        self(self, child, key + 1);
        o.insert(name, child);
    };
    set(set, object, path.begin());
}

QJsonValue at(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonValue value = object;
    for (const char *key : path)
        value = value.toObject().value(QLatin1String(key));
    return value;
}

// RFC 3339 with nanoseconds, as Go writes times.
QString goTime(qint64 ms, int extraNanos = 0)
{
    const QDateTime time = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
    return time.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")) +
           QStringLiteral("%1Z").arg(extraNanos % 1000000, 6, 10, QLatin1Char('0'));
}

bool hasPrefix(const QStringList &prefixes, const QString &value)
{
    return std::any_of(prefixes.begin(), prefixes.end(),
                       [&](const QString &p) { return value.startsWith(p); });
}

// label=key or label=key=value against a labels object.
bool labelsMatch(const QStringList &wanted, const QJsonObject &labels)
{
    for (const QString &label : wanted) {
        const qsizetype eq = label.indexOf(u'=');
        const QString key = eq < 0 ? label : label.left(eq);
        if (!labels.contains(key))
            return false;
        if (eq >= 0 && labels.value(key).toString() != label.mid(eq + 1))
            return false;
    }
    return true;
}

// A service's spec (or PreviousSpec) renamed into a stack, or out of any.
QJsonObject restack(QJsonObject spec, const QString &name, const QString &stack, const QString &networkId,
                    const QString &alias, int publishedPort)
{
    spec.insert(QLatin1String("Name"), name);
    QJsonObject labels = spec.value(QLatin1String("Labels")).toObject();
    QJsonObject containerLabels = at(spec, {"TaskTemplate", "ContainerSpec", "Labels"}).toObject();
    if (stack.isEmpty()) {
        labels.remove(StackLabel);
        labels.remove(StackImageLabel);
        containerLabels.remove(StackLabel);
    } else {
        labels.insert(StackLabel, stack);
        containerLabels.insert(StackLabel, stack);
    }
    spec.insert(QLatin1String("Labels"), labels);
    setAt(spec, {"TaskTemplate", "ContainerSpec", "Labels"}, containerLabels);
    setAt(spec, {"TaskTemplate", "Networks"},
          QJsonArray{QJsonObject{{QStringLiteral("Target"), networkId},
                                 {QStringLiteral("Aliases"), QJsonArray{alias}}}});
    QJsonArray ports = at(spec, {"EndpointSpec", "Ports"}).toArray();
    for (qsizetype i = 0; i < ports.size(); ++i) {
        QJsonObject port = ports.at(i).toObject();
        port.insert(QLatin1String("PublishedPort"), publishedPort + int(i));
        ports.replace(i, port);
    }
    if (!ports.isEmpty())
        setAt(spec, {"EndpointSpec", "Ports"}, ports);
    return spec;
}

} // namespace

ReplayCluster::Answer ReplayCluster::error(int status, const QString &message)
{
    return {status, jsonAnswer(QJsonObject{{QStringLiteral("message"), message}})};
}

bool ReplayCluster::parseFilters(const QString &json, Filters *filters, QString *error)
{
    filters->clear();
    if (json.isEmpty())
        return true;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        *error = QStringLiteral("invalid filter: %1").arg(json);
        return false;
    }
    const QJsonObject object = document.object();
    for (auto it = object.begin(); it != object.end(); ++it) {
        QStringList values;
        if (it.value().isArray()) {
            for (const QJsonValue &v : it.value().toArray())
                values << v.toString();
        } else if (it.value().isObject()) {
            const QJsonObject set = it.value().toObject();
            for (auto v = set.begin(); v != set.end(); ++v) {
                if (v.value().toBool())
                    values << v.key();
            }
        } else {
            *error = QStringLiteral("invalid filter: %1").arg(json);
            return false;
        }
        filters->insert(it.key(), values);
    }
    return true;
}

bool ReplayCluster::load(const QString &dataDir, QString *error)
{
    error->clear();
    const auto path = [&](const char *name) { return dataDir + u'/' + QLatin1String(name); };
    const auto array = [&](const char *name) {
        return error->isEmpty() ? readJson(path(name), error).array() : QJsonArray();
    };
    const auto object = [&](const char *name) {
        return error->isEmpty() ? readJson(path(name), error).object() : QJsonObject();
    };

    for (const QJsonValue &v : array("nodes.json")) {
        const QJsonObject node = v.toObject();
        (at(node, {"Spec", "Role"}).toString() == QLatin1String("manager") ? m_managerTemplate
                                                                           : m_workerTemplate) = node;
    }
    for (const QJsonValue &v : array("services.json")) {
        const QJsonObject service = v.toObject();
        if (service.contains(QLatin1String("PreviousSpec")))
            m_plainServiceTemplate = service;
        else if (!at(service, {"Spec", "Labels", "com.docker.stack.namespace"}).toString().isEmpty())
            m_stackServiceTemplate = service;
    }
    for (const QJsonValue &v : array("tasks.json")) {
        const QJsonObject task = v.toObject();
        const QString state = at(task, {"Status", "State"}).toString();
        if (state == QLatin1String("running"))
            m_runningTaskTemplate = task;
        else if (state == QLatin1String("failed"))
            m_failedTaskTemplate = task;
        else if (state == QLatin1String("shutdown"))
            m_shutdownTaskTemplate = task;
    }
    for (const QJsonValue &v : array("networks.json"))
        m_recordedNetworks << v.toObject();
    m_configTemplate = array("configs.json").first().toObject();
    m_secretTemplate = array("secrets.json").first().toObject();
    m_recordedInfo = object("info.json");
    m_recordedSwarm = object("swarm.json");
    m_version = jsonAnswer(object("version.json"));
    m_apiVersion = QJsonDocument::fromJson(m_version).object().value(QLatin1String("ApiVersion")).toString();

    if (error->isEmpty()) {
        const QList<QByteArray> lines = readFile(path("events.jsonl"), error).split('\n');
        for (const QByteArray &line : lines) {
            const QJsonObject event = QJsonDocument::fromJson(line).object();
            if (event.value(QLatin1String("Action")).toString() == QLatin1String("die"))
                m_dieEventTemplate = event;
        }
    }
    if (error->isEmpty()) {
        // The recorded GET /_ping: its headers are the engine's on every answer.
        const QList<QByteArray> lines = readFile(path("ping.http"), error).split('\n');
        for (qsizetype i = 1; i < lines.size() && !lines.at(i).trimmed().isEmpty(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            const QByteArray name = line.left(colon).trimmed();
            const QByteArray value = line.mid(colon + 1).trimmed();
            const QByteArray lower = name.toLower();
            if (lower == "date" || lower == "content-length" || lower == "content-type")
                continue;
            if (lower == "cache-control" || lower == "pragma")
                m_pingHeaders.append({name, value});
            else
                m_commonHeaders.append({name, value});
        }
    }
    if (!error->isEmpty())
        return false;
    const QStringList missing = [&] {
        QStringList out;
        if (m_managerTemplate.isEmpty() || m_workerTemplate.isEmpty())
            out << QStringLiteral("a manager and a worker node");
        if (m_stackServiceTemplate.isEmpty() || m_plainServiceTemplate.isEmpty())
            out << QStringLiteral("a stack service and an updated service");
        if (m_runningTaskTemplate.isEmpty() || m_failedTaskTemplate.isEmpty() ||
            m_shutdownTaskTemplate.isEmpty())
            out << QStringLiteral("a running, a failed and a shut down task");
        if (m_dieEventTemplate.isEmpty())
            out << QStringLiteral("a container die event");
        if (m_apiVersion.isEmpty())
            out << QStringLiteral("the API version");
        return out;
    }();
    if (!missing.isEmpty()) {
        *error =
            QStringLiteral("the recordings in %1 lack %2").arg(dataDir, missing.join(QLatin1String(", ")));
        return false;
    }
    return true;
}

// 25 characters of base 36 from 128 random bits, as swarmkit's identity.NewID.
QString ReplayCluster::newId()
{
    quint32 limbs[4];
    m_random.fillRange(limbs);
    QString id(25, u'0');
    for (int i = 24; i >= 0; --i) {
        quint64 remainder = 0;
        for (quint32 &limb : limbs) {
            const quint64 value = (remainder << 32) | limb;
            limb = quint32(value / 36);
            remainder = value % 36;
        }
        id[i] = QLatin1Char("0123456789abcdefghijklmnopqrstuvwxyz"[remainder]);
    }
    return id;
}

QString ReplayCluster::newContainerId()
{
    quint64 words[4];
    m_random.fillRange(words);
    QString id;
    for (quint64 word : words)
        id += QStringLiteral("%1").arg(word, 16, 16, QLatin1Char('0'));
    return id;
}

QJsonObject ReplayCluster::makeTask(const QJsonObject &templ, const Service &service, int slot,
                                    const Node &node, const QString &state, qint64 createdMs, qint64 sinceMs)
{
    QJsonObject task = templ;
    const QString id = newId();
    task.insert(QLatin1String("ID"), id);
    setAt(task, {"Version", "Index"}, qint64(++m_index));
    task.insert(QLatin1String("CreatedAt"), goTime(createdMs, int(m_index)));
    task.insert(QLatin1String("UpdatedAt"), goTime(sinceMs, int(m_index) + 7));
    task.insert(QLatin1String("Spec"), at(service.json, {"Spec", "TaskTemplate"}));
    task.insert(QLatin1String("ServiceID"), service.id);
    task.insert(QLatin1String("Slot"), slot);
    task.insert(QLatin1String("NodeID"), node.id);
    QJsonObject status = task.value(QLatin1String("Status")).toObject();
    status.insert(QLatin1String("Timestamp"), goTime(sinceMs, int(m_index) + 3));
    setAt(status, {"ContainerStatus", "ContainerID"}, newContainerId());
    const bool running = state == QLatin1String("running");
    setAt(status, {"ContainerStatus", "PID"}, running ? int(1000 + m_random.bounded(60000)) : 0);
    const QJsonArray ports = at(service.json, {"Spec", "EndpointSpec", "Ports"}).toArray();
    status.insert(QLatin1String("PortStatus"), running && !ports.isEmpty()
                                                   ? QJsonObject{{QStringLiteral("Ports"), ports}}
                                                   : QJsonObject());
    task.insert(QLatin1String("Status"), status);
    task.insert(QLatin1String("DesiredState"),
                running ? QStringLiteral("running") : QStringLiteral("shutdown"));

    // The service's network, as a task carries it, with an address on it.
    const QString networkId = at(service.json, {"Spec", "TaskTemplate", "Networks"})
                                  .toArray()
                                  .first()
                                  .toObject()
                                  .value(QLatin1String("Target"))
                                  .toString();
    QJsonArray attachments = task.value(QLatin1String("NetworksAttachments")).toArray();
    if (!attachments.isEmpty()) {
        QJsonObject attachment = attachments.first().toObject();
        QJsonObject network = attachment.value(QLatin1String("Network")).toObject();
        network.insert(QLatin1String("ID"), networkId);
        setAt(network, {"Spec", "Name"},
              service.stack.isEmpty() ? QStringLiteral("backend")
                                      : service.stack + QStringLiteral("_default"));
        QJsonObject labels;
        if (!service.stack.isEmpty())
            labels.insert(StackLabel, service.stack);
        setAt(network, {"Spec", "Labels"}, labels);
        attachment.insert(QLatin1String("Network"), network);
        const quint64 host = m_index % 65000 + 2;
        attachment.insert(QLatin1String("Addresses"),
                          QJsonArray{QStringLiteral("10.1.%1.%2/16").arg(host / 256).arg(host % 256)});
        attachments.replace(0, attachment);
        task.insert(QLatin1String("NetworksAttachments"), attachments);
    }
    return task;
}

void ReplayCluster::serialiseService(Service &service)
{
    service.bytes = compact(service.json);
    QJsonObject withStatus = service.json;
    withStatus.insert(QLatin1String("ServiceStatus"),
                      QJsonObject{{QStringLiteral("RunningTasks"), service.running},
                                  {QStringLiteral("DesiredTasks"), service.replicas},
                                  {QStringLiteral("CompletedTasks"), 0}});
    service.bytesWithStatus = compact(withStatus);
}

void ReplayCluster::generate(const Size &size, quint32 seed)
{
    m_random.seed(seed);
    m_index = 100;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 created = now - qint64(3) * 86400 * 1000;

    // Nodes: three managers (the first leads), the rest workers.
    m_nodes.clear();
    const int managers = std::min(3, size.nodes);
    for (int i = 0; i < size.nodes; ++i) {
        Node node;
        node.id = newId();
        node.hostname = QStringLiteral("node%1").arg(i + 1, 2, 10, QLatin1Char('0'));
        node.role = i < managers ? QStringLiteral("manager") : QStringLiteral("worker");
        QJsonObject json = i < managers ? m_managerTemplate : m_workerTemplate;
        const QString addr = QStringLiteral("10.0.%1.%2").arg((i + 1) / 250).arg((i + 1) % 250 + 1);
        json.insert(QLatin1String("ID"), node.id);
        setAt(json, {"Version", "Index"}, qint64(++m_index));
        json.insert(QLatin1String("CreatedAt"), goTime(created + i * 1000, i));
        json.insert(QLatin1String("UpdatedAt"), goTime(now - 3600 * 1000 + i * 1000, i));
        setAt(json, {"Spec", "Labels"},
              QJsonObject{{QStringLiteral("zone"), QStringLiteral("zone-%1").arg(QLatin1Char('a' + i % 3))}});
        setAt(json, {"Description", "Hostname"}, node.hostname);
        setAt(json, {"Status", "Addr"}, addr);
        if (i < managers) {
            QJsonObject status{{QStringLiteral("Reachability"), QStringLiteral("reachable")},
                               {QStringLiteral("Addr"), addr + QStringLiteral(":2377")}};
            if (i == 0)
                status.insert(QLatin1String("Leader"), true);
            json.insert(QLatin1String("ManagerStatus"), status);
        }
        node.json = json;
        node.bytes = compact(json);
        m_nodes.append(node);
    }
    const QList<Node> workers = [&] {
        QList<Node> out;
        for (const Node &node : std::as_const(m_nodes)) {
            if (node.role == QLatin1String("worker"))
                out << node;
        }
        return out.isEmpty() ? m_nodes : out;
    }();

    // Stacks of five services make up 60% of them, the rest stand alone.
    static const char *const roles[] = {"api", "web", "worker", "cache", "queue"};
    const int stacks = size.services * 6 / 10 / 5;
    QStringList stackNames;
    for (int i = 0; i < stacks; ++i)
        stackNames << QStringLiteral("stack%1").arg(i + 1, 3, 10, QLatin1Char('0'));

    // Networks: the engine's own, one overlay per stack, one for the rest.
    QList<QByteArray> networks;
    QJsonObject stackNetworkTemplate;
    for (const QJsonObject &network : std::as_const(m_recordedNetworks)) {
        if (network.value(QLatin1String("Labels")).toObject().contains(StackLabel))
            stackNetworkTemplate = network;
        else
            networks << compact(network);
    }
    QHash<QString, QString> networkOf; // stack ("" for none) -> ID
    const auto addNetwork = [&](const QString &stack) {
        QJsonObject network = stackNetworkTemplate;
        const QString id = newId();
        networkOf.insert(stack, id);
        network.insert(QLatin1String("Id"), id);
        network.insert(QLatin1String("Name"),
                       stack.isEmpty() ? QStringLiteral("backend") : stack + QStringLiteral("_default"));
        network.insert(QLatin1String("Created"),
                       goTime(created + networks.size() * 1000, int(networks.size())));
        QJsonObject labels;
        if (!stack.isEmpty())
            labels.insert(StackLabel, stack);
        network.insert(QLatin1String("Labels"), labels);
        const int n = int(networkOf.size());
        network.insert(QLatin1String("IPAM"),
                       QJsonObject{{QStringLiteral("Driver"), QStringLiteral("default")},
                                   {QStringLiteral("Options"), QJsonValue::Null},
                                   {QStringLiteral("Config"),
                                    QJsonArray{QJsonObject{
                                        {QStringLiteral("Subnet"),
                                         QStringLiteral("10.%1.%2.0/24").arg(1 + n / 250).arg(n % 250)},
                                        {QStringLiteral("Gateway"),
                                         QStringLiteral("10.%1.%2.1").arg(1 + n / 250).arg(n % 250)}}}}});
        networks << compact(network);
    };
    addNetwork({});
    for (const QString &stack : std::as_const(stackNames))
        addNetwork(stack);
    m_networks = jsonList(networks);

    // A config and a secret per stack.
    QList<QByteArray> configs;
    QList<QByteArray> secrets;
    QHash<QString, QPair<QString, QString>> blobsOf; // stack -> config ID, secret ID
    for (const QString &stack : std::as_const(stackNames)) {
        QJsonObject config = m_configTemplate;
        QJsonObject secret = m_secretTemplate;
        const QString configId = newId();
        const QString secretId = newId();
        for (auto [object, id, name] :
             {std::tuple{&config, configId, stack + QStringLiteral("_proxy_conf")},
              std::tuple{&secret, secretId, stack + QStringLiteral("_db_password")}}) {
            object->insert(QLatin1String("ID"), id);
            setAt(*object, {"Version", "Index"}, qint64(++m_index));
            object->insert(QLatin1String("CreatedAt"), goTime(created + 5000, int(m_index)));
            object->insert(QLatin1String("UpdatedAt"), goTime(created + 5000, int(m_index)));
            setAt(*object, {"Spec", "Name"}, name);
            setAt(*object, {"Spec", "Labels"}, QJsonObject{{StackLabel, stack}});
        }
        configs << compact(config);
        secrets << compact(secret);
        blobsOf.insert(stack, {configId, secretId});
    }
    m_configs = jsonList(configs);
    m_secrets = jsonList(secrets);

    // Services and their tasks: `tasks` spread evenly, about a third of
    // each service's tasks history (the engine keeps five per slot).
    m_services.clear();
    m_tasks.clear();
    const int perService = size.services ? size.tasks / size.services : 0;
    const int extra = size.services ? size.tasks % size.services : 0;
    for (int s = 0; s < size.services; ++s) {
        Service service;
        service.id = newId();
        const bool stacked = s < stacks * 5;
        service.stack = stacked ? stackNames.at(s / 5) : QString();
        const QString role = QLatin1String(roles[s % 5]);
        service.name = stacked ? service.stack + u'_' + role
                               : QStringLiteral("app%1").arg(s + 1, 4, 10, QLatin1Char('0'));
        const int count = perService + (s < extra ? 1 : 0);
        const int history = std::min((count + s % 3) / 3, std::max(0, count - 1));
        service.replicas = count - history;
        service.running = service.replicas;

        QJsonObject json = stacked ? m_stackServiceTemplate : m_plainServiceTemplate;
        const qint64 createdMs = created + s * 1000;
        const qint64 updatedMs = stacked ? createdMs + 60 * 1000 : now - qint64(86400) * 1000 + s * 1000;
        json.insert(QLatin1String("ID"), service.id);
        setAt(json, {"Version", "Index"}, qint64(++m_index));
        json.insert(QLatin1String("CreatedAt"), goTime(createdMs, s));
        json.insert(QLatin1String("UpdatedAt"), goTime(updatedMs, s));
        const QString networkId = networkOf.value(service.stack);
        const int port = 20000 + s * 2;
        QJsonObject spec = restack(json.value(QLatin1String("Spec")).toObject(), service.name, service.stack,
                                   networkId, role, port);
        setAt(spec, {"Mode", "Replicated", "Replicas"}, service.replicas);
        if (stacked) {
            const auto [configId, secretId] = blobsOf.value(service.stack);
            QJsonObject containerSpec = at(spec, {"TaskTemplate", "ContainerSpec"}).toObject();
            QJsonArray refs = containerSpec.value(QLatin1String("Configs")).toArray();
            for (qsizetype i = 0; i < refs.size(); ++i) {
                QJsonObject ref = refs.at(i).toObject();
                ref.insert(QLatin1String("ConfigID"), configId);
                ref.insert(QLatin1String("ConfigName"), service.stack + QStringLiteral("_proxy_conf"));
                refs.replace(i, ref);
            }
            containerSpec.insert(QLatin1String("Configs"), refs);
            refs = containerSpec.value(QLatin1String("Secrets")).toArray();
            for (qsizetype i = 0; i < refs.size(); ++i) {
                QJsonObject ref = refs.at(i).toObject();
                ref.insert(QLatin1String("SecretID"), secretId);
                ref.insert(QLatin1String("SecretName"), service.stack + QStringLiteral("_db_password"));
                refs.replace(i, ref);
            }
            containerSpec.insert(QLatin1String("Secrets"), refs);
            setAt(spec, {"TaskTemplate", "ContainerSpec"}, containerSpec);
        }
        json.insert(QLatin1String("Spec"), spec);
        if (json.contains(QLatin1String("PreviousSpec"))) {
            QJsonObject previous = restack(json.value(QLatin1String("PreviousSpec")).toObject(), service.name,
                                           service.stack, networkId, role, port);
            setAt(previous, {"Mode", "Replicated", "Replicas"}, service.replicas);
            json.insert(QLatin1String("PreviousSpec"), previous);
            setAt(json, {"UpdateStatus", "StartedAt"}, goTime(updatedMs - 52000, s));
            setAt(json, {"UpdateStatus", "CompletedAt"}, goTime(updatedMs, s));
        }
        QJsonObject endpoint = json.value(QLatin1String("Endpoint")).toObject();
        endpoint.insert(QLatin1String("Spec"), spec.value(QLatin1String("EndpointSpec")));
        if (endpoint.contains(QLatin1String("Ports")))
            endpoint.insert(QLatin1String("Ports"), at(spec, {"EndpointSpec", "Ports"}));
        json.insert(QLatin1String("Endpoint"), endpoint);
        json.remove(QLatin1String("ServiceStatus"));
        service.labels = spec.value(QLatin1String("Labels")).toObject();
        service.json = json;

        const QList<Node> &eligible = stacked ? workers : m_nodes;
        const auto placed = [&](int slot, int generation) -> const Node & {
            return eligible.at((s * 7 + slot * 13 + generation * 5) % eligible.size());
        };
        // History first: older tasks have lower version indexes.
        for (int h = 0; h < history; ++h) {
            const int slot = 1 + h % service.replicas;
            const bool failed = h % 2 == 0;
            const qint64 since = updatedMs - (history - h) * 60000;
            Task task;
            task.json = makeTask(
                failed ? m_failedTaskTemplate : m_shutdownTaskTemplate, service, slot, placed(slot, h + 1),
                failed ? QStringLiteral("failed") : QStringLiteral("shutdown"), since - 30000, since);
            m_tasks.append(task);
        }
        for (int slot = 1; slot <= service.replicas; ++slot) {
            Task task;
            task.json =
                makeTask(m_runningTaskTemplate, service, slot, placed(slot, 0), QStringLiteral("running"),
                         updatedMs + slot * 1000, updatedMs + slot * 1000 + 4000);
            m_tasks.append(task);
        }
        m_services.append(service);
    }
    for (Task &task : m_tasks) {
        task.id = task.json.value(QLatin1String("ID")).toString();
        task.serviceId = task.json.value(QLatin1String("ServiceID")).toString();
        task.nodeId = task.json.value(QLatin1String("NodeID")).toString();
        task.slot = task.json.value(QLatin1String("Slot")).toInt();
        task.desiredState = task.json.value(QLatin1String("DesiredState")).toString();
        task.bytes = compact(task.json);
    }
    for (Service &service : m_services)
        serialiseService(service);
    // The store lists by ID.
    std::sort(m_nodes.begin(), m_nodes.end(), [](const Node &a, const Node &b) { return a.id < b.id; });
    std::sort(m_services.begin(), m_services.end(),
              [](const Service &a, const Service &b) { return a.id < b.id; });
    std::sort(m_tasks.begin(), m_tasks.end(), [](const Task &a, const Task &b) { return a.id < b.id; });

    // GET /info and /swarm of the first manager.
    QJsonObject info = m_recordedInfo;
    const Node &leader = *std::find_if(m_nodes.begin(), m_nodes.end(),
                                       [](const Node &n) { return n.hostname == QLatin1String("node01"); });
    info.insert(QLatin1String("Name"), leader.hostname);
    QJsonObject swarmInfo = info.value(QLatin1String("Swarm")).toObject();
    swarmInfo.insert(QLatin1String("NodeID"), leader.id);
    swarmInfo.insert(QLatin1String("NodeAddr"), at(leader.json, {"Status", "Addr"}));
    swarmInfo.insert(QLatin1String("Nodes"), size.nodes);
    swarmInfo.insert(QLatin1String("Managers"), managers);
    QJsonArray remoteManagers;
    for (const Node &node : std::as_const(m_nodes)) {
        if (node.role == QLatin1String("manager"))
            remoteManagers.append(
                QJsonObject{{QStringLiteral("NodeID"), node.id},
                            {QStringLiteral("Addr"), at(node.json, {"ManagerStatus", "Addr"})}});
    }
    swarmInfo.insert(QLatin1String("RemoteManagers"), remoteManagers);
    info.insert(QLatin1String("Swarm"), swarmInfo);
    int onLeader = 0;
    for (const Task &task : std::as_const(m_tasks))
        onLeader += task.nodeId == leader.id && task.desiredState == QLatin1String("running");
    info.insert(QLatin1String("Containers"), onLeader);
    info.insert(QLatin1String("ContainersRunning"), onLeader);
    info.insert(QLatin1String("ContainersStopped"), 0);
    m_info = jsonAnswer(info);
    m_swarm = jsonAnswer(m_recordedSwarm);

    rebuildIndexes();
    QList<QByteArray> nodes;
    for (const Node &node : std::as_const(m_nodes))
        nodes << node.bytes;
    m_nodeList = jsonList(nodes);
    m_initial = {m_services, m_tasks, m_index};
    m_servicesDirty = true;
    m_tasksDirty = true;
    rebuildLists();
}

void ReplayCluster::reset()
{
    m_services = m_initial.services;
    m_tasks = m_initial.tasks;
    m_index = m_initial.index;
    m_servicesDirty = true;
    m_tasksDirty = true;
    rebuildIndexes();
    rebuildLists();
}

void ReplayCluster::rebuildIndexes()
{
    m_nodeById.clear();
    m_nodeByName.clear();
    for (int i = 0; i < m_nodes.size(); ++i) {
        m_nodeById.insert(m_nodes.at(i).id, i);
        m_nodeByName.insert(m_nodes.at(i).hostname, i);
    }
    m_serviceById.clear();
    m_serviceByName.clear();
    for (int i = 0; i < m_services.size(); ++i) {
        m_serviceById.insert(m_services.at(i).id, i);
        m_serviceByName.insert(m_services.at(i).name, i);
    }
    m_taskById.clear();
    m_tasksOfService.clear();
    for (int i = 0; i < m_tasks.size(); ++i) {
        m_taskById.insert(m_tasks.at(i).id, i);
        m_tasksOfService[m_tasks.at(i).serviceId].append(i);
    }
}

void ReplayCluster::rebuildLists()
{
    if (m_servicesDirty) {
        QList<QByteArray> plain;
        QList<QByteArray> withStatus;
        for (const Service &service : std::as_const(m_services)) {
            plain << service.bytes;
            withStatus << service.bytesWithStatus;
        }
        m_serviceList = jsonList(plain);
        m_serviceStatusList = jsonList(withStatus);
        m_servicesDirty = false;
    }
    if (m_tasksDirty) {
        QList<QByteArray> all;
        all.reserve(m_tasks.size());
        for (const Task &task : std::as_const(m_tasks))
            all << task.bytes;
        m_taskList = jsonList(all);
        m_tasksDirty = false;
    }
}

int ReplayCluster::resolveService(const QString &ref, Answer *failure) const
{
    // As the engine: the full ID, then the full name, then an ID prefix.
    if (const auto it = m_serviceById.find(ref); it != m_serviceById.end())
        return it.value();
    if (const auto it = m_serviceByName.find(ref); it != m_serviceByName.end())
        return it.value();
    int found = -1;
    int matches = 0;
    for (int i = 0; i < m_services.size(); ++i) {
        if (!ref.isEmpty() && m_services.at(i).id.startsWith(ref)) {
            found = i;
            ++matches;
        }
    }
    if (matches == 1)
        return found;
    *failure =
        matches
            ? error(400, QStringLiteral("service %1 is ambiguous (%2 matches found)").arg(ref).arg(matches))
            : error(404, QStringLiteral("service %1 not found").arg(ref));
    return -1;
}

int ReplayCluster::resolveNode(const QString &ref, Answer *failure) const
{
    if (const auto it = m_nodeById.find(ref); it != m_nodeById.end())
        return it.value();
    if (const auto it = m_nodeByName.find(ref); it != m_nodeByName.end())
        return it.value();
    int found = -1;
    int matches = 0;
    for (int i = 0; i < m_nodes.size(); ++i) {
        if (!ref.isEmpty() && m_nodes.at(i).id.startsWith(ref)) {
            found = i;
            ++matches;
        }
    }
    if (matches == 1)
        return found;
    *failure =
        matches ? error(400, QStringLiteral("node %1 is ambiguous (%2 matches found)").arg(ref).arg(matches))
                : error(404, QStringLiteral("node %1 not found").arg(ref));
    return -1;
}

ReplayCluster::Answer ReplayCluster::nodes(const Filters &filters)
{
    if (filters.isEmpty())
        return {200, m_nodeList};
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        static const QStringList known{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("role")};
        if (!known.contains(it.key()))
            return error(400, QStringLiteral("invalid filter '%1'").arg(it.key()));
    }
    QList<QByteArray> out;
    for (const Node &node : std::as_const(m_nodes)) {
        if (filters.contains(QLatin1String("id")) && !hasPrefix(filters.value(QStringLiteral("id")), node.id))
            continue;
        if (filters.contains(QLatin1String("name")) &&
            !hasPrefix(filters.value(QStringLiteral("name")), node.hostname))
            continue;
        if (filters.contains(QLatin1String("role")) &&
            !filters.value(QStringLiteral("role")).contains(node.role))
            continue;
        out << node.bytes;
    }
    return {200, jsonList(out)};
}

ReplayCluster::Answer ReplayCluster::node(const QString &ref) const
{
    Answer failure;
    const int i = resolveNode(ref, &failure);
    return i < 0 ? failure : Answer{200, m_nodes.at(i).bytes + '\n'};
}

ReplayCluster::Answer ReplayCluster::services(const Filters &filters, bool status)
{
    rebuildLists();
    if (filters.isEmpty())
        return {200, status ? m_serviceStatusList : m_serviceList};
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        static const QStringList known{QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("label"),
                                       QStringLiteral("mode")};
        if (!known.contains(it.key()))
            return error(400, QStringLiteral("invalid filter '%1'").arg(it.key()));
    }
    const QStringList ids = filters.value(QStringLiteral("id"));
    const QStringList names = filters.value(QStringLiteral("name"));
    const QStringList labels = filters.value(QStringLiteral("label"));
    const QStringList modes = filters.value(QStringLiteral("mode"));
    QList<QByteArray> out;
    for (const Service &service : std::as_const(m_services)) {
        if (!ids.isEmpty() && !hasPrefix(ids, service.id))
            continue;
        if (!names.isEmpty() && !hasPrefix(names, service.name))
            continue;
        if (!labels.isEmpty() && !labelsMatch(labels, service.labels))
            continue;
        if (!modes.isEmpty() && !modes.contains(QLatin1String("replicated")))
            continue;
        out << (status ? service.bytesWithStatus : service.bytes);
    }
    return {200, jsonList(out)};
}

ReplayCluster::Answer ReplayCluster::service(const QString &ref) const
{
    Answer failure;
    const int i = resolveService(ref, &failure);
    return i < 0 ? failure : Answer{200, m_services.at(i).bytes + '\n'};
}

bool ReplayCluster::taskMatches(const Task &task, const Filters &filters) const
{
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        const QStringList &values = it.value();
        if (values.isEmpty())
            continue;
        const QString &key = it.key();
        if (key == QLatin1String("service")) {
            if (!values.contains(task.serviceId))
                return false;
        } else if (key == QLatin1String("node")) {
            if (!values.contains(task.nodeId))
                return false;
        } else if (key == QLatin1String("desired-state")) {
            if (!values.contains(task.desiredState))
                return false;
        } else if (key == QLatin1String("id")) {
            if (!hasPrefix(values, task.id))
                return false;
        } else if (key == QLatin1String("name")) {
            const int i = m_serviceById.value(task.serviceId, -1);
            const QString name =
                (i < 0 ? task.serviceId : m_services.at(i).name) + u'.' + QString::number(task.slot);
            if (!hasPrefix(values, name))
                return false;
        } else if (key == QLatin1String("label")) {
            const int i = m_serviceById.value(task.serviceId, -1);
            if (i < 0 || !labelsMatch(values, m_services.at(i).labels))
                return false;
        }
    }
    return true;
}

ReplayCluster::Answer ReplayCluster::tasks(const Filters &given)
{
    rebuildLists();
    if (given.isEmpty())
        return {200, m_taskList};
    Filters filters = given;
    static const QStringList known{QStringLiteral("id"),         QStringLiteral("name"),
                                   QStringLiteral("service"),    QStringLiteral("node"),
                                   QStringLiteral("label"),      QStringLiteral("desired-state"),
                                   QStringLiteral("_up-to-date")};
    for (auto it = filters.begin(); it != filters.end(); ++it) {
        if (!known.contains(it.key()))
            return error(400, QStringLiteral("invalid filter '%1'").arg(it.key()));
    }
    filters.remove(QStringLiteral("_up-to-date"));
    // Services and nodes by ID, name or ID prefix, as the engine resolves them.
    Answer failure;
    QStringList services = filters.value(QStringLiteral("service"));
    for (QString &ref : services) {
        const int i = resolveService(ref, &failure);
        if (i < 0)
            return failure;
        ref = m_services.at(i).id;
    }
    QStringList nodes = filters.value(QStringLiteral("node"));
    for (QString &ref : nodes) {
        const int i = resolveNode(ref, &failure);
        if (i < 0)
            return failure;
        ref = m_nodes.at(i).id;
    }
    if (filters.contains(QStringLiteral("service")))
        filters.insert(QStringLiteral("service"), services);
    if (filters.contains(QStringLiteral("node")))
        filters.insert(QStringLiteral("node"), nodes);
    for (const QString &state : filters.value(QStringLiteral("desired-state"))) {
        static const QStringList states{QStringLiteral("running"), QStringLiteral("shutdown"),
                                        QStringLiteral("accepted")};
        if (!states.contains(state))
            return error(400, QStringLiteral("Invalid desired-state filter: '%1'").arg(state));
    }
    // `docker service ps` asks by service: only those services' tasks are looked at.
    QList<int> rows;
    if (!services.isEmpty()) {
        for (const QString &service : std::as_const(services))
            rows += m_tasksOfService.value(service);
        std::sort(rows.begin(), rows.end());
        rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    } else {
        rows.resize(m_tasks.size());
        std::iota(rows.begin(), rows.end(), 0);
    }
    QList<QByteArray> out;
    for (int row : std::as_const(rows)) {
        if (taskMatches(m_tasks.at(row), filters))
            out << m_tasks.at(row).bytes;
    }
    return {200, jsonList(out)};
}

ReplayCluster::Answer ReplayCluster::task(const QString &ref) const
{
    if (const auto it = m_taskById.find(ref); it != m_taskById.end())
        return {200, m_tasks.at(it.value()).bytes + '\n'};
    int found = -1;
    int matches = 0;
    for (int i = 0; i < m_tasks.size(); ++i) {
        if (!ref.isEmpty() && m_tasks.at(i).id.startsWith(ref)) {
            found = i;
            ++matches;
        }
    }
    if (matches == 1)
        return {200, m_tasks.at(found).bytes + '\n'};
    return matches
               ? error(400, QStringLiteral("task %1 is ambiguous (%2 matches found)").arg(ref).arg(matches))
               : error(404, QStringLiteral("task %1 not found").arg(ref));
}

ReplayCluster::Change ReplayCluster::setTaskState(const QString &taskId, const QString &state, bool replace)
{
    static const QStringList states{
        QStringLiteral("new"),      QStringLiteral("pending"),   QStringLiteral("assigned"),
        QStringLiteral("accepted"), QStringLiteral("preparing"), QStringLiteral("ready"),
        QStringLiteral("starting"), QStringLiteral("running"),   QStringLiteral("complete"),
        QStringLiteral("shutdown"), QStringLiteral("failed"),    QStringLiteral("rejected"),
        QStringLiteral("remove"),   QStringLiteral("orphaned")};
    if (!states.contains(state))
        return {error(400, QStringLiteral("unknown task state %1").arg(state)), {}};
    const int i = m_taskById.value(taskId, -1);
    if (i < 0)
        return {error(404, QStringLiteral("task %1 not found").arg(taskId)), {}};

    Task &task = m_tasks[i];
    Service &service = m_services[m_serviceById.value(task.serviceId)];
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const bool ended = state == QLatin1String("failed") || state == QLatin1String("complete") ||
                       state == QLatin1String("shutdown");
    const bool wasRunning = at(task.json, {"Status", "State"}).toString() == QLatin1String("running") &&
                            task.desiredState == QLatin1String("running");
    QJsonObject status = task.json.value(QLatin1String("Status")).toObject();
    status.insert(QLatin1String("State"), state);
    status.insert(QLatin1String("Timestamp"), goTime(now, int(m_index)));
    if (state == QLatin1String("failed")) {
        status.insert(QLatin1String("Err"), QStringLiteral("task: non-zero exit (137)"));
        setAt(status, {"ContainerStatus", "ExitCode"}, 137);
        setAt(status, {"ContainerStatus", "PID"}, 0);
        status.insert(QLatin1String("PortStatus"), QJsonObject());
    }
    task.json.insert(QLatin1String("Status"), status);
    if (replace && ended) {
        task.desiredState = QStringLiteral("shutdown");
        task.json.insert(QLatin1String("DesiredState"), task.desiredState);
    }
    setAt(task.json, {"Version", "Index"}, qint64(++m_index));
    task.json.insert(QLatin1String("UpdatedAt"), goTime(now, int(m_index)));
    task.bytes = compact(task.json);
    const bool running = state == QLatin1String("running") && task.desiredState == QLatin1String("running");
    service.running += int(running) - int(wasRunning);

    QJsonObject answer{{QStringLiteral("task"), task.id},
                       {QStringLiteral("state"), state},
                       {QStringLiteral("version"), qint64(m_index)}};
    // A copy: appending the replacement may move the list.
    const Task changed = task;
    if (replace && ended) {
        const Node &node = m_nodes.at(m_nodeById.value(changed.nodeId));
        Task fresh;
        fresh.json =
            makeTask(m_runningTaskTemplate, service, changed.slot, node, QStringLiteral("running"), now, now);
        fresh.id = fresh.json.value(QLatin1String("ID")).toString();
        fresh.serviceId = service.id;
        fresh.nodeId = node.id;
        fresh.slot = changed.slot;
        fresh.desiredState = QStringLiteral("running");
        fresh.bytes = compact(fresh.json);
        m_taskById.insert(fresh.id, int(m_tasks.size()));
        m_tasksOfService[fresh.serviceId].append(int(m_tasks.size()));
        m_tasks.append(fresh);
        ++service.running;
        answer.insert(QLatin1String("replacement"), fresh.id);
    }
    serialiseService(service);
    m_servicesDirty = true;
    m_tasksDirty = true;

    // The container's event, as the node's engine writes it.
    QJsonObject event = m_dieEventTemplate;
    const QString containerId = at(changed.json, {"Status", "ContainerStatus", "ContainerID"}).toString();
    const QString image = at(changed.json, {"Spec", "ContainerSpec", "Image"}).toString();
    const QString action = ended ? QStringLiteral("die") : QStringLiteral("start");
    const QString taskName = service.name + u'.' + QString::number(changed.slot) + u'.' + changed.id;
    event.insert(QLatin1String("status"), action);
    event.insert(QLatin1String("id"), containerId);
    event.insert(QLatin1String("from"), image);
    event.insert(QLatin1String("Action"), action);
    QJsonObject attributes = at(changed.json, {"Spec", "ContainerSpec", "Labels"}).toObject();
    attributes.insert(QLatin1String("com.docker.swarm.node.id"), changed.nodeId);
    attributes.insert(QLatin1String("com.docker.swarm.service.id"), service.id);
    attributes.insert(QLatin1String("com.docker.swarm.service.name"), service.name);
    attributes.insert(QLatin1String("com.docker.swarm.task"), QString());
    attributes.insert(QLatin1String("com.docker.swarm.task.id"), changed.id);
    attributes.insert(QLatin1String("com.docker.swarm.task.name"), taskName);
    attributes.insert(QLatin1String("image"), image);
    attributes.insert(QLatin1String("name"), taskName);
    if (ended)
        attributes.insert(QLatin1String("exitCode"),
                          state == QLatin1String("failed") ? QStringLiteral("137") : QStringLiteral("0"));
    else
        attributes.remove(QLatin1String("exitCode"));
    event.insert(QLatin1String("Actor"), QJsonObject{{QStringLiteral("ID"), containerId},
                                                     {QStringLiteral("Attributes"), attributes}});
    const qint64 nanos = now * 1000000 + m_index % 1000000;
    event.insert(QLatin1String("time"), now / 1000);
    event.insert(QLatin1String("timeNano"), nanos);
    return {{200, jsonAnswer(answer)}, jsonAnswer(event)};
}

} // namespace cape
