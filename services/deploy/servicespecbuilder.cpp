#include "servicespecbuilder.h"

#include "services/swarm/serviceupdatewatcher.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSet>

namespace cape {

namespace {

const QSet<QString> &knownFields()
{
    static const QSet<QString> fields{QStringLiteral("name"),
                                      QStringLiteral("image"),
                                      QStringLiteral("build"),
                                      QStringLiteral("replicas"),
                                      QStringLiteral("mode"),
                                      QStringLiteral("command"),
                                      QStringLiteral("args"),
                                      QStringLiteral("env"),
                                      QStringLiteral("labels"),
                                      QStringLiteral("containerLabels"),
                                      QStringLiteral("ports"),
                                      QStringLiteral("networks"),
                                      QStringLiteral("secrets"),
                                      QStringLiteral("configs"),
                                      QStringLiteral("constraints"),
                                      QStringLiteral("resources"),
                                      QStringLiteral("healthcheck"),
                                      QStringLiteral("updateConfig"),
                                      QStringLiteral("user"),
                                      QStringLiteral("workdir"),
                                      QStringLiteral("stopGracePeriod"),
                                      QStringLiteral("template")};
    return fields;
}

// The small checks every field needs, collecting messages about one service.
class Reader
{
public:
    Reader(const QJsonObject &object, const QString &name, QStringList *errors)
        : m_object(object)
        , m_name(name)
        , m_errors(errors)
    {}

    void fail(const QString &field, const QString &problem)
    {
        *m_errors << QStringLiteral("service \"%1\": %2 %3").arg(m_name, field, problem);
    }
    bool has(const QString &field) const { return m_object.contains(field) && !m_object[field].isNull(); }
    QJsonValue value(const QString &field) const { return m_object[field]; }

    QString string(const QString &field)
    {
        if (!has(field))
            return {};
        if (!value(field).isString()) {
            fail(field, QStringLiteral("must be a string"));
            return {};
        }
        return value(field).toString();
    }
    QJsonArray strings(const QString &field)
    {
        if (!has(field))
            return {};
        const QJsonValue v = value(field);
        if (v.isString())
            return {v};
        const QJsonArray array = v.toArray();
        for (const QJsonValue &item : array) {
            if (!v.isArray() || !item.isString()) {
                fail(field, QStringLiteral("must be a list of strings"));
                return {};
            }
        }
        if (!v.isArray())
            fail(field, QStringLiteral("must be a list of strings"));
        return array;
    }
    // {"KEY": "value"} (numbers and booleans as text), or ["KEY=value"].
    QJsonArray keyValues(const QString &field)
    {
        if (!has(field))
            return {};
        if (value(field).isArray())
            return strings(field);
        if (!value(field).isObject()) {
            fail(field, QStringLiteral("must be an object of names to values"));
            return {};
        }
        QJsonArray pairs;
        const QJsonObject object = value(field).toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            const QJsonValue v = it.value();
            const QString text = v.isString() ? v.toString()
                                 : v.isBool()
                                     ? (v.toBool() ? QStringLiteral("true") : QStringLiteral("false"))
                                 : v.isDouble() ? QString::number(v.toDouble(), 'g', 17)
                                                : QString();
            if (!v.isString() && !v.isBool() && !v.isDouble()) {
                fail(field, QStringLiteral("%1 must be a string, number or boolean").arg(it.key()));
                continue;
            }
            pairs << it.key() + u'=' + text;
        }
        return pairs;
    }
    QJsonObject labels(const QString &field)
    {
        QJsonObject labels;
        if (!has(field))
            return labels;
        if (!value(field).isObject()) {
            fail(field, QStringLiteral("must be an object of names to values"));
            return labels;
        }
        const QJsonObject object = value(field).toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isString() && !it.value().isDouble() && !it.value().isBool())
                fail(field, QStringLiteral("%1 must be a string").arg(it.key()));
            else
                labels.insert(it.key(), it.value().isString() ? it.value().toString()
                                                              : it.value().toVariant().toString());
        }
        return labels;
    }
    qint64 duration(const QJsonObject &object, const QString &key, const QString &field)
    {
        if (!object.contains(key))
            return -1;
        const qint64 ns = ServiceSpecBuilder::nanoseconds(object[key]);
        if (ns < 0)
            fail(field, QStringLiteral("is not a duration (\"5s\", \"500ms\", \"1m30s\")"));
        return ns;
    }

private:
    QJsonObject m_object;
    QString m_name;
    QStringList *m_errors;
};

QJsonArray ports(Reader &reader)
{
    QJsonArray ports;
    if (!reader.has(QStringLiteral("ports")))
        return ports;
    static const QRegularExpression shortForm(QStringLiteral(R"(^(?:(\d+):)?(\d+)(?:/(tcp|udp|sctp))?$)"));
    for (const QJsonValue &port : reader.value(QStringLiteral("ports")).toArray()) {
        QJsonObject spec;
        if (port.isDouble()) {
            spec = {{QStringLiteral("TargetPort"), port.toInt()}};
        } else if (port.isString()) {
            const auto match = shortForm.match(port.toString());
            if (!match.hasMatch()) {
                reader.fail(QStringLiteral("ports"),
                            QStringLiteral("entry \"%1\" is not \"published:target[/protocol]\"")
                                .arg(port.toString()));
                continue;
            }
            spec = {{QStringLiteral("TargetPort"), match.captured(2).toInt()}};
            if (!match.captured(1).isEmpty())
                spec.insert(QStringLiteral("PublishedPort"), match.captured(1).toInt());
            if (!match.captured(3).isEmpty())
                spec.insert(QStringLiteral("Protocol"), match.captured(3));
        } else if (port.isObject()) {
            const QJsonObject object = port.toObject();
            if (!object[QLatin1String("target")].isDouble()) {
                reader.fail(QStringLiteral("ports"), QStringLiteral("entry needs a numeric \"target\""));
                continue;
            }
            spec = {{QStringLiteral("TargetPort"), object[QLatin1String("target")].toInt()}};
            if (object.contains(QLatin1String("published")))
                spec.insert(QStringLiteral("PublishedPort"), object[QLatin1String("published")].toInt());
            if (object.contains(QLatin1String("protocol")))
                spec.insert(QStringLiteral("Protocol"), object[QLatin1String("protocol")].toString());
            if (object.contains(QLatin1String("mode")))
                spec.insert(QStringLiteral("PublishMode"), object[QLatin1String("mode")].toString());
        } else {
            reader.fail(QStringLiteral("ports"),
                        QStringLiteral("entries must be numbers, strings or objects"));
            continue;
        }
        if (!spec.contains(QLatin1String("Protocol")))
            spec.insert(QStringLiteral("Protocol"), QStringLiteral("tcp"));
        if (!spec.contains(QLatin1String("PublishMode")))
            spec.insert(QStringLiteral("PublishMode"), QStringLiteral("ingress"));
        ports << spec;
    }
    return ports;
}

// Secrets and configs: "name" (mounted at its default place) or {source, target, uid, gid, mode}.
QJsonArray references(Reader &reader, const QString &field, bool secrets)
{
    QJsonArray references;
    if (!reader.has(field))
        return references;
    for (const QJsonValue &item : reader.value(field).toArray()) {
        const QJsonObject object =
            item.isString() ? QJsonObject{{QStringLiteral("source"), item}} : item.toObject();
        const QString source = object[QLatin1String("source")].toString();
        if (source.isEmpty()) {
            reader.fail(field, QStringLiteral("entries need a \"source\" (the %1's name)")
                                   .arg(secrets ? QStringLiteral("secret") : QStringLiteral("config")));
            continue;
        }
        const QString target = object[QLatin1String("target")].toString(source);
        references << QJsonObject{
            {secrets ? QStringLiteral("SecretName") : QStringLiteral("ConfigName"), source},
            {QStringLiteral("File"),
             QJsonObject{{QStringLiteral("Name"), target},
                         {QStringLiteral("UID"), object[QLatin1String("uid")].toVariant().toString().isEmpty()
                                                     ? QStringLiteral("0")
                                                     : object[QLatin1String("uid")].toVariant().toString()},
                         {QStringLiteral("GID"), object[QLatin1String("gid")].toVariant().toString().isEmpty()
                                                     ? QStringLiteral("0")
                                                     : object[QLatin1String("gid")].toVariant().toString()},
                         {QStringLiteral("Mode"), object[QLatin1String("mode")].toInt(0444)}}}};
    }
    return references;
}

} // namespace

qint64 ServiceSpecBuilder::nanoseconds(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble() < 0 ? -1 : qint64(value.toDouble() * 1e9);
    static const QRegularExpression part(QStringLiteral(R"((\d+(?:\.\d+)?)(ms|s|m|h))"));
    const QString text = value.toString().trimmed();
    if (text.isEmpty())
        return -1;
    qint64 total = 0;
    qsizetype consumed = 0;
    for (auto it = part.globalMatch(text); it.hasNext();) {
        const auto match = it.next();
        if (match.capturedStart() != consumed)
            return -1;
        consumed = match.capturedEnd();
        const double amount = match.captured(1).toDouble();
        const QString unit = match.captured(2);
        const double scale = unit == QLatin1String("ms")  ? 1e6
                             : unit == QLatin1String("s") ? 1e9
                             : unit == QLatin1String("m") ? 60e9
                                                          : 3600e9;
        total += qint64(amount * scale);
    }
    return consumed == text.size() ? total : -1;
}

qint64 ServiceSpecBuilder::bytes(const QJsonValue &value)
{
    if (value.isDouble())
        return value.toDouble() < 0 ? -1 : qint64(value.toDouble());
    static const QRegularExpression size(QStringLiteral(R"(^(\d+(?:\.\d+)?)\s*([kKmMgG]?)i?[bB]?$)"));
    const auto match = size.match(value.toString().trimmed());
    if (!match.hasMatch())
        return -1;
    const QChar unit = match.captured(2).isEmpty() ? QChar() : match.captured(2).at(0).toLower();
    const double scale = unit == u'k'   ? 1024.0
                         : unit == u'm' ? 1024.0 * 1024
                         : unit == u'g' ? 1024.0 * 1024 * 1024
                                        : 1.0;
    return qint64(match.captured(1).toDouble() * scale);
}

QList<QJsonObject> ServiceSpecBuilder::buildAll(const QJsonArray &described, const Origin &origin,
                                                QStringList *errors)
{
    QList<QJsonObject> specs;
    for (const QJsonValue &value : described) {
        const QJsonObject service = value.toObject();
        if (service.contains(QLatin1String("build")) && !service.contains(QLatin1String("image"))) {
            *errors << QStringLiteral(
                           "service \"%1\": its image is built by cape-deployd from the commit (\"build\"): "
                           "not before a deployment")
                           .arg(service[QLatin1String("name")].toString());
            continue;
        }
        if (const auto spec = build(service, origin, errors))
            specs << *spec;
    }
    return specs;
}

std::optional<QJsonObject> ServiceSpecBuilder::build(const QJsonObject &described, const Origin &origin,
                                                     QStringList *errors)
{
    const qsizetype before = errors->size();
    const QString name = described[QLatin1String("name")].toString();
    Reader reader(described, name, errors);
    static const QRegularExpression validName(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$"));
    if (!validName.match(name).hasMatch())
        *errors << QStringLiteral(
                       "service name \"%1\" is not valid (letters, digits, '-', '_', '.'; at most 63)")
                       .arg(name);
    for (auto it = described.begin(); it != described.end(); ++it) {
        if (!knownFields().contains(it.key()))
            reader.fail(it.key(),
                        QStringLiteral("is not a field of a service (see docs/deploy-templates.md)"));
    }

    QJsonObject container;
    const QString image = reader.string(QStringLiteral("image"));
    if (image.isEmpty() && !reader.has(QStringLiteral("build")))
        reader.fail(QStringLiteral("image"), QStringLiteral("is missing (or give \"build\")"));
    container.insert(QStringLiteral("Image"), image);
    if (reader.has(QStringLiteral("command")))
        container.insert(QStringLiteral("Command"), reader.strings(QStringLiteral("command")));
    if (reader.has(QStringLiteral("args")))
        container.insert(QStringLiteral("Args"), reader.strings(QStringLiteral("args")));
    container.insert(QStringLiteral("Env"), reader.keyValues(QStringLiteral("env")));
    container.insert(QStringLiteral("Labels"), reader.labels(QStringLiteral("containerLabels")));
    if (reader.has(QStringLiteral("user")))
        container.insert(QStringLiteral("User"), reader.string(QStringLiteral("user")));
    if (reader.has(QStringLiteral("workdir")))
        container.insert(QStringLiteral("Dir"), reader.string(QStringLiteral("workdir")));
    if (reader.has(QStringLiteral("stopGracePeriod"))) {
        const qint64 grace = ServiceSpecBuilder::nanoseconds(reader.value(QStringLiteral("stopGracePeriod")));
        if (grace < 0)
            reader.fail(QStringLiteral("stopGracePeriod"), QStringLiteral("is not a duration"));
        container.insert(QStringLiteral("StopGracePeriod"), grace);
    }
    container.insert(QStringLiteral("Secrets"), references(reader, QStringLiteral("secrets"), true));
    container.insert(QStringLiteral("Configs"), references(reader, QStringLiteral("configs"), false));
    if (reader.has(QStringLiteral("healthcheck"))) {
        const QJsonObject health = reader.value(QStringLiteral("healthcheck")).toObject();
        const QJsonValue test = health[QLatin1String("test")];
        QJsonObject spec;
        if (test.isString())
            spec.insert(QStringLiteral("Test"), QJsonArray{QStringLiteral("CMD-SHELL"), test});
        else if (test.isArray())
            spec.insert(QStringLiteral("Test"), test);
        else
            reader.fail(QStringLiteral("healthcheck.test"),
                        QStringLiteral("must be a command (string or list)"));
        const QString field = QStringLiteral("healthcheck");
        for (const auto &[key, engineKey] :
             {std::pair{QStringLiteral("interval"), QStringLiteral("Interval")},
              std::pair{QStringLiteral("timeout"), QStringLiteral("Timeout")},
              std::pair{QStringLiteral("startPeriod"), QStringLiteral("StartPeriod")}}) {
            const qint64 ns = reader.duration(health, key, field + u'.' + key);
            if (ns >= 0)
                spec.insert(engineKey, ns);
        }
        if (health.contains(QLatin1String("retries")))
            spec.insert(QStringLiteral("Retries"), health[QLatin1String("retries")].toInt());
        container.insert(QStringLiteral("Healthcheck"), spec);
    }

    QJsonObject task{{QStringLiteral("ContainerSpec"), container}};
    QJsonArray networks;
    for (const QJsonValue &network : reader.strings(QStringLiteral("networks")))
        networks << QJsonObject{{QStringLiteral("Target"), network}};
    task.insert(QStringLiteral("Networks"), networks);
    task.insert(QStringLiteral("Placement"),
                QJsonObject{{QStringLiteral("Constraints"), reader.strings(QStringLiteral("constraints"))}});
    if (reader.has(QStringLiteral("resources"))) {
        const QJsonObject resources = reader.value(QStringLiteral("resources")).toObject();
        const auto limits = [&reader](const QJsonObject &object, const QString &field) {
            QJsonObject engine;
            if (object.contains(QLatin1String("cpus"))) {
                const double cpus = object[QLatin1String("cpus")].toVariant().toDouble();
                if (cpus <= 0)
                    reader.fail(field + QStringLiteral(".cpus"), QStringLiteral("must be a positive number"));
                engine.insert(QStringLiteral("NanoCPUs"), qint64(cpus * 1e9));
            }
            if (object.contains(QLatin1String("memory"))) {
                const qint64 memory = ServiceSpecBuilder::bytes(object[QLatin1String("memory")]);
                if (memory <= 0)
                    reader.fail(field + QStringLiteral(".memory"),
                                QStringLiteral("is not a size (\"256M\")"));
                engine.insert(QStringLiteral("MemoryBytes"), memory);
            }
            return engine;
        };
        task.insert(QStringLiteral("Resources"),
                    QJsonObject{{QStringLiteral("Limits"), limits(resources, QStringLiteral("resources"))},
                                {QStringLiteral("Reservations"),
                                 limits(resources[QLatin1String("reservations")].toObject(),
                                        QStringLiteral("resources.reservations"))}});
    }

    QJsonObject labels = reader.labels(QStringLiteral("labels"));
    labels.insert(QLatin1String(RepositoryLabel), origin.repository);
    labels.insert(QLatin1String(CommitLabel), origin.commit);
    labels.insert(QLatin1String(TemplateLabel), described[QLatin1String("template")].toString());

    QJsonObject spec{{QStringLiteral("Name"), name},
                     {QStringLiteral("Labels"), labels},
                     {QStringLiteral("TaskTemplate"), task},
                     {QStringLiteral("EndpointSpec"), QJsonObject{{QStringLiteral("Ports"), ports(reader)}}}};
    const QString mode = reader.string(QStringLiteral("mode"));
    if (mode == QLatin1String("global")) {
        spec.insert(QStringLiteral("Mode"), QJsonObject{{QStringLiteral("Global"), QJsonObject{}}});
    } else if (mode.isEmpty() || mode == QLatin1String("replicated")) {
        const QJsonValue replicas = reader.value(QStringLiteral("replicas"));
        if (reader.has(QStringLiteral("replicas")) && (!replicas.isDouble() || replicas.toInt() < 0))
            reader.fail(QStringLiteral("replicas"), QStringLiteral("must be a number, 0 or more"));
        spec.insert(QStringLiteral("Mode"),
                    QJsonObject{{QStringLiteral("Replicated"),
                                 QJsonObject{{QStringLiteral("Replicas"), replicas.toInt(1)}}}});
    } else {
        reader.fail(QStringLiteral("mode"), QStringLiteral("must be \"replicated\" or \"global\""));
    }
    if (reader.has(QStringLiteral("updateConfig"))) {
        const QJsonObject update = reader.value(QStringLiteral("updateConfig")).toObject();
        QJsonObject engine;
        if (update.contains(QLatin1String("parallelism")))
            engine.insert(QStringLiteral("Parallelism"), update[QLatin1String("parallelism")].toInt());
        for (const auto &[key, engineKey] :
             {std::pair{QStringLiteral("delay"), QStringLiteral("Delay")},
              std::pair{QStringLiteral("monitor"), QStringLiteral("Monitor")}}) {
            const qint64 ns = reader.duration(update, key, QStringLiteral("updateConfig.") + key);
            if (ns >= 0)
                engine.insert(engineKey, ns);
        }
        if (update.contains(QLatin1String("order")))
            engine.insert(QStringLiteral("Order"), update[QLatin1String("order")].toString());
        spec.insert(QStringLiteral("UpdateConfig"), engine);
    }
    const QString wantedOrder = spec[QLatin1String("UpdateConfig")][QLatin1String("Order")].toString();
    ServiceUpdateWatcher::makeZeroDowntime(spec);
    if (wantedOrder == QLatin1String("stop-first")) { // the template's explicit choice stands
        QJsonObject update = spec[QLatin1String("UpdateConfig")].toObject();
        update[QLatin1String("Order")] = wantedOrder;
        spec[QLatin1String("UpdateConfig")] = update;
    }
    if (errors->size() > before)
        return std::nullopt;
    return spec;
}

} // namespace cape
