#include "servicedraft.h"

#include "jsonpath.h"

#include "services/swarm/composesyntax.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QRegularExpression>

namespace cape {

namespace {

QString quoteWord(const QString &word)
{
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_./:=@%+,-]+$"));
    if (plain.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + quoted + u'\'';
}

QString joinWords(const QJsonValue &array)
{
    QStringList words;
    for (const QJsonValue &word : array.toArray())
        words << quoteWord(word.toString());
    return words.join(u' ');
}

// Nanoseconds as Go prints a duration: 90s -> "1m30s", 0.5s -> "500ms".
QString formatDuration(qint64 ns)
{
    if (ns <= 0)
        return {};
    if (ns % 1000000000 != 0)
        return QStringLiteral("%1ms").arg(ns / 1000000);
    qint64 s = ns / 1000000000;
    QString out;
    if (s >= 3600) {
        out += QStringLiteral("%1h").arg(s / 3600);
        s %= 3600;
    }
    if (s >= 60) {
        out += QStringLiteral("%1m").arg(s / 60);
        s %= 60;
    }
    if (s || out.isEmpty())
        out += QStringLiteral("%1s").arg(s);
    return out;
}

QString formatBytes(qint64 bytes)
{
    if (bytes <= 0)
        return {};
    for (const auto &[unit, size] :
         {std::pair{'G', 1LL << 30}, std::pair{'M', 1LL << 20}, std::pair{'K', 1LL << 10}}) {
        if (bytes % size == 0)
            return QString::number(bytes / size) + QLatin1Char(unit);
    }
    return QString::number(bytes);
}

QString formatCpus(qint64 nano)
{
    return nano > 0 ? QString::number(double(nano) / 1e9, 'g', 6) : QString();
}

QList<ServiceDraft::KeyValue> pairsOf(const QJsonObject &object)
{
    QList<ServiceDraft::KeyValue> out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out.append({it.key(), it.value().toString()});
    return out;
}

QJsonObject objectOf(const QList<ServiceDraft::KeyValue> &pairs)
{
    QJsonObject out;
    for (const auto &[key, value] : pairs) {
        if (!key.trimmed().isEmpty())
            out.insert(key.trimmed(), value);
    }
    return out;
}

ServiceDraft::UpdatePolicy policyOf(const QJsonObject &config)
{
    ServiceDraft::UpdatePolicy p;
    if (config.isEmpty())
        return p;
    p.parallelism = QString::number(config.value(QLatin1String("Parallelism")).toInteger(1));
    p.delay = formatDuration(config.value(QLatin1String("Delay")).toInteger());
    p.failureAction = config.value(QLatin1String("FailureAction")).toString(QStringLiteral("pause"));
    p.monitor = formatDuration(config.value(QLatin1String("Monitor")).toInteger());
    const double ratio = config.value(QLatin1String("MaxFailureRatio")).toDouble();
    p.maxFailureRatio = ratio > 0 ? QString::number(ratio) : QString();
    p.order = config.value(QLatin1String("Order")).toString(QStringLiteral("stop-first"));
    return p;
}

// The entry of a list in the spec being edited that matches, so that what the form does not
// show of it (mount options, network aliases, file owner and mode) survives; empty if none does.
template<typename Match> QJsonObject baseEntry(const QJsonValue &list, Match matches)
{
    for (const QJsonValue &value : list.toArray()) {
        if (matches(value.toObject()))
            return value.toObject();
    }
    return {};
}

void setOrRemove(QJsonObject &object, const QString &key, const QJsonValue &value)
{
    const bool empty =
        value.isNull() || value.isUndefined() || (value.isString() && value.toString().isEmpty()) ||
        (value.isArray() && value.toArray().isEmpty()) || (value.isObject() && value.toObject().isEmpty());
    if (empty)
        object.remove(key);
    else
        object.insert(key, value);
}

// Collects problems for one draft: every field is checked, none stops the rest.
class Checker
{
public:
    QList<ServiceDraft::Problem> problems;

    void fail(const QString &field, const QString &message) { problems.append({field, message}); }

    // An optional field in one of ComposeSyntax's languages; empty is fine.
    std::optional<qint64> syntax(const QString &field, const QString &text,
                                 std::optional<qint64> (*parse)(const QString &, QString *))
    {
        if (text.trimmed().isEmpty())
            return 0;
        QString error;
        const auto value = parse(text.trimmed(), &error);
        if (!value)
            fail(field, error);
        return value;
    }
    void duration(const QString &field, const QString &text)
    {
        syntax(field, text, &ComposeSyntax::duration);
    }
    void bytes(const QString &field, const QString &text) { syntax(field, text, &ComposeSyntax::bytes); }
    void cpus(const QString &field, const QString &text) { syntax(field, text, &ComposeSyntax::nanoCpus); }
    std::optional<int> integer(const QString &field, const QString &text, int min, int max)
    {
        if (text.trimmed().isEmpty())
            return std::nullopt;
        bool ok = false;
        const int value = text.trimmed().toInt(&ok);
        if (!ok || value < min || value > max) {
            fail(field,
                 QCoreApplication::translate("cape::ServiceDraft", "“%1” is not a whole number from %2 to %3")
                     .arg(text)
                     .arg(min)
                     .arg(max));
            return std::nullopt;
        }
        return value;
    }
    std::optional<QStringList> words(const QString &field, const QString &text)
    {
        QString error;
        const auto value = ComposeSyntax::shellWords(text, &error);
        if (!value)
            fail(field, error);
        return value;
    }
    void oneOf(const QString &field, const QString &value, const QStringList &allowed)
    {
        if (!allowed.contains(value))
            fail(field, QCoreApplication::translate("cape::ServiceDraft", "“%1” is not one of %2")
                            .arg(value, allowed.join(QLatin1String(", "))));
    }
};

void checkPolicy(Checker &c, const QString &prefix, const ServiceDraft::UpdatePolicy &p)
{
    c.integer(prefix + QStringLiteral(".parallelism"), p.parallelism, 0, 100000);
    c.duration(prefix + QStringLiteral(".delay"), p.delay);
    c.duration(prefix + QStringLiteral(".monitor"), p.monitor);
    c.oneOf(prefix + QStringLiteral(".failureAction"), p.failureAction,
            {QStringLiteral("pause"), QStringLiteral("continue"), QStringLiteral("rollback")});
    c.oneOf(prefix + QStringLiteral(".order"), p.order,
            {QStringLiteral("stop-first"), QStringLiteral("start-first")});
    if (!p.maxFailureRatio.trimmed().isEmpty()) {
        bool ok = false;
        const double ratio = p.maxFailureRatio.toDouble(&ok);
        if (!ok || ratio < 0 || ratio > 1)
            c.fail(prefix + QStringLiteral(".maxFailureRatio"),
                   QCoreApplication::translate("cape::ServiceDraft", "“%1” is not a ratio from 0 to 1")
                       .arg(p.maxFailureRatio));
    }
}

QJsonObject policyJson(const ServiceDraft::UpdatePolicy &p)
{
    QJsonObject out{
        {QStringLiteral("Parallelism"), p.parallelism.trimmed().isEmpty() ? 1 : p.parallelism.toInt()},
        {QStringLiteral("FailureAction"), p.failureAction},
        {QStringLiteral("Order"), p.order}};
    QString ignored;
    if (!p.delay.trimmed().isEmpty())
        out.insert(QStringLiteral("Delay"), ComposeSyntax::duration(p.delay.trimmed(), &ignored).value_or(0));
    if (!p.monitor.trimmed().isEmpty())
        out.insert(QStringLiteral("Monitor"),
                   ComposeSyntax::duration(p.monitor.trimmed(), &ignored).value_or(0));
    if (!p.maxFailureRatio.trimmed().isEmpty())
        out.insert(QStringLiteral("MaxFailureRatio"), p.maxFailureRatio.toDouble());
    return out;
}

} // namespace

ServiceDraft ServiceDraft::fromSpec(const QJsonObject &spec, const NameOf &nameOf)
{
    ServiceDraft d;
    const QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
    const QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
    d.name = spec.value(QLatin1String("Name")).toString();
    d.image = container.value(QLatin1String("Image")).toString();
    const QJsonObject mode = spec.value(QLatin1String("Mode")).toObject();
    if (mode.contains(QLatin1String("Global"))) {
        d.mode = QStringLiteral("global");
        d.replicas.clear();
    } else {
        d.replicas = QString::number(json::at(mode, {"Replicated", "Replicas"}).toInt(1));
    }
    d.command = joinWords(container.value(QLatin1String("Command")));
    d.args = joinWords(container.value(QLatin1String("Args")));
    d.workingDir = container.value(QLatin1String("Dir")).toString();
    d.user = container.value(QLatin1String("User")).toString();
    d.hostname = container.value(QLatin1String("Hostname")).toString();
    for (const QJsonValue &value : container.value(QLatin1String("Env")).toArray()) {
        const QString pair = value.toString();
        const qsizetype eq = pair.indexOf(u'=');
        d.env.append(eq < 0 ? KeyValue{pair, QString()} : KeyValue{pair.left(eq), pair.mid(eq + 1)});
    }
    d.labels = pairsOf(spec.value(QLatin1String("Labels")).toObject());
    d.containerLabels = pairsOf(container.value(QLatin1String("Labels")).toObject());
    for (const QJsonValue &value : json::at(spec, {"EndpointSpec", "Ports"}).toArray()) {
        const QJsonObject port = value.toObject();
        const int published = port.value(QLatin1String("PublishedPort")).toInt();
        d.ports.append({published ? QString::number(published) : QString(),
                        QString::number(port.value(QLatin1String("TargetPort")).toInt()),
                        port.value(QLatin1String("Protocol")).toString(QStringLiteral("tcp")),
                        port.value(QLatin1String("PublishMode")).toString(QStringLiteral("ingress"))});
    }
    for (const QJsonValue &value : container.value(QLatin1String("Mounts")).toArray()) {
        const QJsonObject mount = value.toObject();
        d.mounts.append({mount.value(QLatin1String("Type")).toString(QStringLiteral("volume")),
                         mount.value(QLatin1String("Source")).toString(),
                         mount.value(QLatin1String("Target")).toString(),
                         mount.value(QLatin1String("ReadOnly")).toBool()});
    }
    for (const QJsonValue &value : task.value(QLatin1String("Networks")).toArray()) {
        const QString target = value.toObject().value(QLatin1String("Target")).toString();
        const QString name = nameOf ? nameOf(QStringLiteral("network"), target) : QString();
        d.networks << (name.isEmpty() ? target : name);
    }
    for (const QJsonValue &value : container.value(QLatin1String("Secrets")).toArray())
        d.secrets.append({value.toObject().value(QLatin1String("SecretName")).toString(),
                          json::string(value.toObject(), {"File", "Name"})});
    for (const QJsonValue &value : container.value(QLatin1String("Configs")).toArray())
        d.configs.append({value.toObject().value(QLatin1String("ConfigName")).toString(),
                          json::string(value.toObject(), {"File", "Name"})});
    const QJsonObject placement = task.value(QLatin1String("Placement")).toObject();
    for (const QJsonValue &value : placement.value(QLatin1String("Constraints")).toArray())
        d.constraints << value.toString();
    for (const QJsonValue &value : placement.value(QLatin1String("Preferences")).toArray())
        d.preferences << json::string(value.toObject(), {"Spread", "SpreadDescriptor"});
    const int maxReplicas = placement.value(QLatin1String("MaxReplicas")).toInt();
    d.maxReplicasPerNode = maxReplicas ? QString::number(maxReplicas) : QString();
    const QJsonObject resources = task.value(QLatin1String("Resources")).toObject();
    d.limitCpus = formatCpus(json::at(resources, {"Limits", "NanoCPUs"}).toInteger());
    d.limitMemory = formatBytes(json::at(resources, {"Limits", "MemoryBytes"}).toInteger());
    d.reserveCpus = formatCpus(json::at(resources, {"Reservations", "NanoCPUs"}).toInteger());
    d.reserveMemory = formatBytes(json::at(resources, {"Reservations", "MemoryBytes"}).toInteger());
    const QJsonObject restart = task.value(QLatin1String("RestartPolicy")).toObject();
    d.restartCondition = restart.value(QLatin1String("Condition")).toString(QStringLiteral("any"));
    d.restartDelay = formatDuration(restart.value(QLatin1String("Delay")).toInteger());
    const qint64 attempts = restart.value(QLatin1String("MaxAttempts")).toInteger();
    d.restartMaxAttempts = attempts ? QString::number(attempts) : QString();
    d.restartWindow = formatDuration(restart.value(QLatin1String("Window")).toInteger());
    d.update = policyOf(spec.value(QLatin1String("UpdateConfig")).toObject());
    d.rollback = policyOf(spec.value(QLatin1String("RollbackConfig")).toObject());
    const QJsonObject health = container.value(QLatin1String("Healthcheck")).toObject();
    const QJsonArray test = health.value(QLatin1String("Test")).toArray();
    if (!test.isEmpty()) {
        const QString kind = test.at(0).toString();
        if (kind == QLatin1String("NONE")) {
            d.healthDisabled = true;
        } else if (kind == QLatin1String("CMD-SHELL")) {
            d.healthTest = test.at(1).toString();
        } else {
            QJsonArray words = test;
            words.removeFirst();
            d.healthTest = joinWords(words);
        }
    }
    d.healthInterval = formatDuration(health.value(QLatin1String("Interval")).toInteger());
    d.healthTimeout = formatDuration(health.value(QLatin1String("Timeout")).toInteger());
    const int retries = health.value(QLatin1String("Retries")).toInt();
    d.healthRetries = retries ? QString::number(retries) : QString();
    d.healthStartPeriod = formatDuration(health.value(QLatin1String("StartPeriod")).toInteger());
    return d;
}

QList<ServiceDraft::Problem> ServiceDraft::validate(const Resolver &resolve) const
{
    Checker c;
    static const QRegularExpression validName(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$"));
    if (!validName.match(name).hasMatch())
        c.fail(QStringLiteral("name"),
               QCoreApplication::translate(
                   "cape::ServiceDraft",
                   "a name is 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit"));
    if (image.trimmed().isEmpty())
        c.fail(QStringLiteral("image"),
               QCoreApplication::translate("cape::ServiceDraft", "an image is required, e.g. nginx:1.27"));
    else if (image.trimmed().contains(u' '))
        c.fail(QStringLiteral("image"),
               QCoreApplication::translate("cape::ServiceDraft", "an image reference has no spaces"));
    c.oneOf(QStringLiteral("mode"), mode, {QStringLiteral("replicated"), QStringLiteral("global")});
    if (mode == QLatin1String("replicated") && !c.integer(QStringLiteral("replicas"), replicas, 0, 100000) &&
        replicas.trimmed().isEmpty())
        c.fail(QStringLiteral("replicas"),
               QCoreApplication::translate("cape::ServiceDraft",
                                           "a replicated service needs a number of replicas"));
    c.words(QStringLiteral("command"), command);
    c.words(QStringLiteral("args"), args);
    for (const auto &[key, value] : env) {
        if (key.trimmed().isEmpty() || key.contains(u'=') || key.contains(u' '))
            c.fail(QStringLiteral("env"),
                   QCoreApplication::translate("cape::ServiceDraft", "“%1” is not a variable name").arg(key));
    }
    for (const auto &[key, value] : labels + containerLabels) {
        if (key.trimmed().isEmpty())
            c.fail(QStringLiteral("labels"),
                   QCoreApplication::translate("cape::ServiceDraft", "a label needs a key (value “%1”)")
                       .arg(value));
    }
    QSet<QString> published;
    for (const Port &port : ports) {
        c.integer(QStringLiteral("ports"), port.target, 1, 65535);
        if (port.target.trimmed().isEmpty())
            c.fail(QStringLiteral("ports"),
                   QCoreApplication::translate("cape::ServiceDraft",
                                               "every port needs a target (the container's port)"));
        if (!port.published.trimmed().isEmpty()) {
            c.integer(QStringLiteral("ports"), port.published, 1, 65535);
            const QString key = port.published.trimmed() + u'/' + port.protocol;
            if (published.contains(key))
                c.fail(
                    QStringLiteral("ports"),
                    QCoreApplication::translate("cape::ServiceDraft", "port %1 is published twice").arg(key));
            published.insert(key);
        }
        c.oneOf(QStringLiteral("ports"), port.protocol,
                {QStringLiteral("tcp"), QStringLiteral("udp"), QStringLiteral("sctp")});
        c.oneOf(QStringLiteral("ports"), port.mode, {QStringLiteral("ingress"), QStringLiteral("host")});
    }
    for (const Mount &mount : mounts) {
        c.oneOf(QStringLiteral("mounts"), mount.type,
                {QStringLiteral("volume"), QStringLiteral("bind"), QStringLiteral("tmpfs")});
        if (!mount.target.startsWith(u'/'))
            c.fail(QStringLiteral("mounts"),
                   QCoreApplication::translate("cape::ServiceDraft",
                                               "a mount target is an absolute path in the container (“%1”)")
                       .arg(mount.target));
        if (mount.type == QLatin1String("bind") && !mount.source.startsWith(u'/'))
            c.fail(QStringLiteral("mounts"),
                   QCoreApplication::translate("cape::ServiceDraft",
                                               "a bind mount's source is an absolute path on the node (“%1”)")
                       .arg(mount.source));
        if (mount.type == QLatin1String("tmpfs") && !mount.source.isEmpty())
            c.fail(QStringLiteral("mounts"),
                   QCoreApplication::translate("cape::ServiceDraft", "a tmpfs mount has no source"));
    }
    const auto known = [&](const QString &field, const QString &kind, const QStringList &names,
                           const QString &missing) {
        for (const QString &n : names) {
            if (resolve && resolve(kind, n).isEmpty())
                c.fail(field, missing.arg(n));
        }
    };
    known(QStringLiteral("networks"), QStringLiteral("network"), networks,
          QCoreApplication::translate("cape::ServiceDraft", "there is no network named “%1”"));
    QStringList names;
    for (const FileReference &ref : secrets)
        names << ref.name;
    known(QStringLiteral("secrets"), QStringLiteral("secret"), names,
          QCoreApplication::translate("cape::ServiceDraft", "there is no secret named “%1”"));
    names.clear();
    for (const FileReference &ref : configs)
        names << ref.name;
    known(QStringLiteral("configs"), QStringLiteral("config"), names,
          QCoreApplication::translate("cape::ServiceDraft", "there is no config named “%1”"));
    static const QRegularExpression constraint(QStringLiteral("^\\s*[\\w.\\-]+\\s*(==|!=)\\s*\\S.*$"));
    for (const QString &text : constraints) {
        if (!constraint.match(text).hasMatch())
            c.fail(QStringLiteral("constraints"),
                   QCoreApplication::translate("cape::ServiceDraft",
                                               "“%1” is not a constraint such as node.role==worker")
                       .arg(text));
    }
    for (const QString &text : preferences) {
        if (text.trimmed().isEmpty() || text.contains(u' '))
            c.fail(QStringLiteral("preferences"),
                   QCoreApplication::translate("cape::ServiceDraft",
                                               "“%1” is not a spread descriptor such as node.labels.zone")
                       .arg(text));
    }
    c.integer(QStringLiteral("maxReplicasPerNode"), maxReplicasPerNode, 0, 100000);
    c.cpus(QStringLiteral("limitCpus"), limitCpus);
    c.bytes(QStringLiteral("limitMemory"), limitMemory);
    c.cpus(QStringLiteral("reserveCpus"), reserveCpus);
    c.bytes(QStringLiteral("reserveMemory"), reserveMemory);
    c.oneOf(QStringLiteral("restartCondition"), restartCondition,
            {QStringLiteral("none"), QStringLiteral("on-failure"), QStringLiteral("any")});
    c.duration(QStringLiteral("restartDelay"), restartDelay);
    c.integer(QStringLiteral("restartMaxAttempts"), restartMaxAttempts, 0, 1000000);
    c.duration(QStringLiteral("restartWindow"), restartWindow);
    checkPolicy(c, QStringLiteral("update"), update);
    checkPolicy(c, QStringLiteral("rollback"), rollback);
    c.duration(QStringLiteral("healthInterval"), healthInterval);
    c.duration(QStringLiteral("healthTimeout"), healthTimeout);
    c.duration(QStringLiteral("healthStartPeriod"), healthStartPeriod);
    c.integer(QStringLiteral("healthRetries"), healthRetries, 0, 1000);
    return c.problems;
}

QJsonObject ServiceDraft::toSpec(const QJsonObject &base, const Resolver &resolve) const
{
    QString ignored;
    QJsonObject spec = base;
    spec.insert(QStringLiteral("Name"), name.trimmed());
    setOrRemove(spec, QStringLiteral("Labels"), objectOf(labels));
    if (mode == QLatin1String("global"))
        spec.insert(QStringLiteral("Mode"), QJsonObject{{QStringLiteral("Global"), QJsonObject()}});
    else
        spec.insert(QStringLiteral("Mode"),
                    QJsonObject{{QStringLiteral("Replicated"),
                                 QJsonObject{{QStringLiteral("Replicas"), replicas.trimmed().toInt()}}}});

    QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
    QJsonObject container = task.value(QLatin1String("ContainerSpec")).toObject();
    container.insert(QStringLiteral("Image"), image.trimmed());
    setOrRemove(
        container, QStringLiteral("Command"),
        QJsonArray::fromStringList(ComposeSyntax::shellWords(command, &ignored).value_or(QStringList())));
    setOrRemove(
        container, QStringLiteral("Args"),
        QJsonArray::fromStringList(ComposeSyntax::shellWords(args, &ignored).value_or(QStringList())));
    setOrRemove(container, QStringLiteral("Dir"), workingDir.trimmed());
    setOrRemove(container, QStringLiteral("User"), user.trimmed());
    setOrRemove(container, QStringLiteral("Hostname"), hostname.trimmed());
    QJsonArray envArray;
    for (const auto &[key, value] : env)
        envArray.append(key.trimmed() + u'=' + value);
    setOrRemove(container, QStringLiteral("Env"), envArray);
    setOrRemove(container, QStringLiteral("Labels"), objectOf(containerLabels));
    QJsonArray mountArray;
    const QJsonValue oldMounts = container.value(QLatin1String("Mounts"));
    for (const Mount &mount : mounts) {
        QJsonObject m = baseEntry(oldMounts, [&](const QJsonObject &old) {
            return old.value(QLatin1String("Target")).toString() == mount.target &&
                   old.value(QLatin1String("Type")).toString() == mount.type;
        });
        m.insert(QStringLiteral("Type"), mount.type);
        m.insert(QStringLiteral("Target"), mount.target);
        if (!mount.source.isEmpty())
            m.insert(QStringLiteral("Source"), mount.source);
        else
            m.remove(QStringLiteral("Source"));
        if (mount.readOnly)
            m.insert(QStringLiteral("ReadOnly"), true);
        else
            m.remove(QStringLiteral("ReadOnly"));
        mountArray.append(m);
    }
    setOrRemove(container, QStringLiteral("Mounts"), mountArray);
    const auto files = [&](const QList<FileReference> &refs, const QString &kind, const char *idKey,
                           const char *nameKey, const QString &defaultDir) {
        const QJsonValue old = container.value(kind == QLatin1String("secret") ? QLatin1String("Secrets")
                                                                               : QLatin1String("Configs"));
        QJsonArray out;
        for (const FileReference &ref : refs) {
            const QString target =
                ref.target.trimmed().isEmpty() ? defaultDir + ref.name : ref.target.trimmed();
            const QJsonObject given = baseEntry(old, [&](const QJsonObject &entry) {
                return entry.value(QLatin1StringView(nameKey)).toString() == ref.name;
            });
            QJsonObject file = given.value(QLatin1String("File")).toObject(); // its owner and mode survive
            if (file.isEmpty())
                file = QJsonObject{{QStringLiteral("UID"), QStringLiteral("0")},
                                   {QStringLiteral("GID"), QStringLiteral("0")},
                                   {QStringLiteral("Mode"), 0444}};
            file.insert(QStringLiteral("Name"), target);
            out.append(QJsonObject{{QLatin1StringView(idKey), resolve ? resolve(kind, ref.name) : QString()},
                                   {QLatin1StringView(nameKey), ref.name},
                                   {QStringLiteral("File"), file}});
        }
        return out;
    };
    setOrRemove(
        container, QStringLiteral("Secrets"),
        files(secrets, QStringLiteral("secret"), "SecretID", "SecretName", QStringLiteral("/run/secrets/")));
    setOrRemove(container, QStringLiteral("Configs"),
                files(configs, QStringLiteral("config"), "ConfigID", "ConfigName", QStringLiteral("/")));
    if (healthDisabled) {
        container.insert(QStringLiteral("Healthcheck"),
                         QJsonObject{{QStringLiteral("Test"), QJsonArray{QStringLiteral("NONE")}}});
    } else if (!healthTest.trimmed().isEmpty()) {
        QJsonObject health{
            {QStringLiteral("Test"), QJsonArray{QStringLiteral("CMD-SHELL"), healthTest.trimmed()}}};
        for (const auto &[key, text] :
             {std::pair{"Interval", healthInterval}, std::pair{"Timeout", healthTimeout},
              std::pair{"StartPeriod", healthStartPeriod}}) {
            if (!text.trimmed().isEmpty())
                health.insert(QLatin1StringView(key),
                              ComposeSyntax::duration(text.trimmed(), &ignored).value_or(0));
        }
        if (!healthRetries.trimmed().isEmpty())
            health.insert(QStringLiteral("Retries"), healthRetries.toInt());
        container.insert(QStringLiteral("Healthcheck"), health);
    } else {
        container.remove(QStringLiteral("Healthcheck"));
    }
    task.insert(QStringLiteral("ContainerSpec"), container);

    QJsonArray networkArray;
    const QJsonValue oldNetworks = task.value(QLatin1String("Networks"));
    for (const QString &network : networks) {
        const QString id = resolve ? resolve(QStringLiteral("network"), network) : QString();
        const QString target = id.isEmpty() ? network : id;
        QJsonObject entry = baseEntry(oldNetworks, [&](const QJsonObject &old) {
            const QString oldTarget = old.value(QLatin1String("Target")).toString();
            return oldTarget == target || oldTarget == network;
        });
        entry.insert(QStringLiteral("Target"), target);
        networkArray.append(entry);
    }
    setOrRemove(task, QStringLiteral("Networks"), networkArray);

    QJsonObject placement = task.value(QLatin1String("Placement")).toObject();
    setOrRemove(placement, QStringLiteral("Constraints"), QJsonArray::fromStringList(constraints));
    QJsonArray preferenceArray;
    for (const QString &descriptor : preferences)
        preferenceArray.append(
            QJsonObject{{QStringLiteral("Spread"),
                         QJsonObject{{QStringLiteral("SpreadDescriptor"), descriptor.trimmed()}}}});
    setOrRemove(placement, QStringLiteral("Preferences"), preferenceArray);
    if (maxReplicasPerNode.trimmed().isEmpty())
        placement.remove(QStringLiteral("MaxReplicas"));
    else
        placement.insert(QStringLiteral("MaxReplicas"), maxReplicasPerNode.toInt());
    setOrRemove(task, QStringLiteral("Placement"), placement);

    const auto resources = [&](const QString &cpus, const QString &memory) {
        QJsonObject out;
        if (!cpus.trimmed().isEmpty())
            out.insert(QStringLiteral("NanoCPUs"),
                       ComposeSyntax::nanoCpus(cpus.trimmed(), &ignored).value_or(0));
        if (!memory.trimmed().isEmpty())
            out.insert(QStringLiteral("MemoryBytes"),
                       ComposeSyntax::bytes(memory.trimmed(), &ignored).value_or(0));
        return out;
    };
    QJsonObject resourceObject = task.value(QLatin1String("Resources")).toObject();
    setOrRemove(resourceObject, QStringLiteral("Limits"), resources(limitCpus, limitMemory));
    setOrRemove(resourceObject, QStringLiteral("Reservations"), resources(reserveCpus, reserveMemory));
    setOrRemove(task, QStringLiteral("Resources"), resourceObject);

    QJsonObject restart{{QStringLiteral("Condition"), restartCondition}};
    if (!restartDelay.trimmed().isEmpty())
        restart.insert(QStringLiteral("Delay"),
                       ComposeSyntax::duration(restartDelay.trimmed(), &ignored).value_or(0));
    if (!restartMaxAttempts.trimmed().isEmpty())
        restart.insert(QStringLiteral("MaxAttempts"), restartMaxAttempts.toInt());
    if (!restartWindow.trimmed().isEmpty())
        restart.insert(QStringLiteral("Window"),
                       ComposeSyntax::duration(restartWindow.trimmed(), &ignored).value_or(0));
    task.insert(QStringLiteral("RestartPolicy"), restart);
    spec.insert(QStringLiteral("TaskTemplate"), task);

    spec.insert(QStringLiteral("UpdateConfig"), policyJson(update));
    spec.insert(QStringLiteral("RollbackConfig"), policyJson(rollback));

    QJsonObject endpoint = spec.value(QLatin1String("EndpointSpec")).toObject();
    QJsonArray portArray;
    for (const Port &port : ports) {
        QJsonObject p{{QStringLiteral("TargetPort"), port.target.toInt()},
                      {QStringLiteral("Protocol"), port.protocol},
                      {QStringLiteral("PublishMode"), port.mode}};
        if (!port.published.trimmed().isEmpty())
            p.insert(QStringLiteral("PublishedPort"), port.published.toInt());
        portArray.append(p);
    }
    setOrRemove(endpoint, QStringLiteral("Ports"), portArray);
    setOrRemove(spec, QStringLiteral("EndpointSpec"), endpoint);
    return spec;
}

} // namespace cape
