#include "composeservice.h"

#include "composesyntax.h"
#include "stackplan.h"

#include <QDir>
#include <QFile>
#include <QRegularExpression>

#include <algorithm>
#include <limits>

namespace cape {

namespace {

using L = QLatin1String;

// Swarm's own rule for object names (swarmkit validateAnnotations).
bool isValidSwarmName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$"));
    return name.size() <= 63 && re.match(name).hasMatch();
}

template<typename T> void insertIf(QJsonObject &object, const char *key, const std::optional<T> &value)
{
    if (value)
        object.insert(QLatin1String(key), *value);
}

void insertIf(QJsonObject &object, const char *key, const std::optional<QStringList> &value)
{
    if (value)
        object.insert(QLatin1String(key), QJsonArray::fromStringList(*value));
}

void insertIfNotEmpty(QJsonObject &object, const char *key, const QJsonObject &value)
{
    if (!value.isEmpty())
        object.insert(QLatin1String(key), value);
}

void insertIfNotEmpty(QJsonObject &object, const char *key, const QJsonArray &value)
{
    if (!value.isEmpty())
        object.insert(QLatin1String(key), value);
}

// clang-format off
constexpr std::initializer_list<const char *> ServiceKeys = {
    "image", "command", "entrypoint", "environment", "env_file", "labels", "hostname", "user", "working_dir",
    "stop_grace_period", "stop_signal", "tty", "stdin_open", "init", "read_only", "dns", "dns_search", "dns_opt",
    "extra_hosts", "cap_add", "cap_drop", "logging", "ports", "healthcheck", "networks", "secrets", "configs",
    "volumes", "tmpfs", "deploy", "restart", "sysctls", "ulimits", "isolation"};
// Compose keys that swarm services have no equivalent for (docker stack deploy ignores them too).
constexpr std::initializer_list<const char *> UnsupportedServiceKeys = {
    "build", "cgroup_parent", "container_name", "depends_on", "devices", "external_links", "links", "network_mode",
    "security_opt", "userns_mode", "privileged", "domainname", "mac_address", "expose", "pid", "ipc", "shm_size",
    "volumes_from", "profiles", "pull_policy", "platform", "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota",
    "cpu_period", "cpu_rt_runtime", "cpu_rt_period", "cpuset", "cpus", "mem_limit", "mem_reservation",
    "memswap_limit", "mem_swappiness", "oom_kill_disable", "oom_score_adj", "blkio_config", "group_add",
    "storage_opt", "runtime", "scale", "credential_spec", "device_cgroup_rules"};
// clang-format on

} // namespace

ComposeService::ComposeService(const ComposeStack &stack, const ComposeNode &node)
    : m_stack(stack)
    , m_node(node)
    , m_name(node.key())
{
    convert();
}

void ComposeService::convert()
{
    const ComposeNode &s = m_node;
    if (!s.exists()) {
        s.error(QStringLiteral("a service needs at least an image"));
        return;
    }
    if (!s.isMap()) {
        s.error(QStringLiteral("expected a mapping, got %1").arg(s.describe()));
        return;
    }
    static const QRegularExpression validKey(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"));
    const QString fullName = m_stack.scoped(m_name);
    if (!validKey.match(m_name).hasMatch() || !isValidSwarmName(fullName))
        s.error(
            QStringLiteral("\"%1\" is not a valid swarm service name (letters, digits, - and _, at most 63)")
                .arg(fullName));
    s.checkKeys(ServiceKeys, UnsupportedServiceKeys);

    QJsonObject task;
    QJsonObject container = containerSpec();
    task.insert(L("ContainerSpec"), container);
    const ComposeNode deploy = m_node.child("deploy");
    deploy.checkKeys({"mode", "replicas", "labels", "resources", "restart_policy", "update_config",
                      "rollback_config", "placement", "endpoint_mode"});
    insertIfNotEmpty(task, "Resources", resources(deploy.child("resources")));
    insertIfNotEmpty(task, "RestartPolicy", restartPolicy(deploy));
    insertIfNotEmpty(task, "Placement", placement(deploy.child("placement")));
    task.insert(L("Networks"), taskNetworks());
    insertIfNotEmpty(task, "LogDriver", logDriver(m_node.child("logging")));

    m_spec.insert(L("Name"), fullName);
    QJsonObject labels = StackPlan::labelled(m_stack.stack, deploy.child("labels").stringMap());
    labels.insert(L(StackPlan::ImageLabel), container.value(L("Image")));
    m_spec.insert(L("Labels"), labels);
    m_spec.insert(L("TaskTemplate"), task);
    m_spec.insert(L("Mode"), mode(deploy));
    insertIfNotEmpty(m_spec, "UpdateConfig", updateConfig(deploy.child("update_config"), false));
    insertIfNotEmpty(m_spec, "RollbackConfig", updateConfig(deploy.child("rollback_config"), true));
    m_spec.insert(L("EndpointSpec"), endpointSpec(deploy));
}

QJsonObject ComposeService::containerSpec()
{
    QJsonObject c;
    const ComposeNode image = m_node.child("image");
    if (!image.exists()) {
        m_node.error(QStringLiteral("image is required (swarm stacks cannot build images)"));
    } else if (const auto value = image.string()) {
        if (value->trimmed().isEmpty())
            image.error(QStringLiteral("image is empty"));
        c.insert(L("Image"), *value);
    }
    c.insert(L("Labels"), StackPlan::labelled(m_stack.stack, m_node.child("labels").stringMap()));
    // docker stack deploy: entrypoint becomes the Command, command the Args.
    if (const ComposeNode n = m_node.child("entrypoint"); n.exists())
        insertIf(c, "Command", n.command());
    if (const ComposeNode n = m_node.child("command"); n.exists())
        insertIf(c, "Args", n.command());
    if (const ComposeNode n = m_node.child("hostname"); n.exists())
        insertIf(c, "Hostname", n.string());
    insertIfNotEmpty(c, "Env", environment());
    if (const ComposeNode n = m_node.child("working_dir"); n.exists())
        insertIf(c, "Dir", n.string());
    if (const ComposeNode n = m_node.child("user"); n.exists())
        insertIf(c, "User", n.string());
    if (const ComposeNode n = m_node.child("init"); n.exists())
        insertIf(c, "Init", n.boolean());
    if (const ComposeNode n = m_node.child("tty"); n.exists())
        insertIf(c, "TTY", n.boolean());
    if (const ComposeNode n = m_node.child("stdin_open"); n.exists())
        insertIf(c, "OpenStdin", n.boolean());
    if (const ComposeNode n = m_node.child("read_only"); n.exists())
        insertIf(c, "ReadOnly", n.boolean());
    insertIfNotEmpty(c, "Mounts", mounts());
    if (const ComposeNode n = m_node.child("stop_grace_period"); n.exists())
        insertIf(c, "StopGracePeriod", n.duration());
    if (const ComposeNode n = m_node.child("stop_signal"); n.exists())
        insertIf(c, "StopSignal", n.string());
    insertIfNotEmpty(c, "Healthcheck", healthcheck(m_node.child("healthcheck")));
    insertIfNotEmpty(c, "Secrets", fileReferences(m_node.child("secrets"), m_stack.secrets, true));
    insertIfNotEmpty(c, "Configs", fileReferences(m_node.child("configs"), m_stack.configs, false));

    if (const ComposeNode n = m_node.child("extra_hosts"); n.exists()) {
        QJsonArray hosts;
        const auto add = [&hosts](const QString &host, const QString &ip) {
            hosts.append(ip + QLatin1Char(' ') + host);
        };
        if (n.isMap()) {
            for (const ComposeNode &entry : n.entries()) {
                if (const auto ip = entry.string())
                    add(entry.key(), *ip);
            }
        } else {
            for (const ComposeNode &item : n.items()) {
                const auto text = item.string();
                if (!text)
                    continue;
                // "host:ip" (docker) or "host=ip" (compose spec); an IPv6 address keeps its colons.
                qsizetype at = text->indexOf(QLatin1Char('='));
                if (at < 0)
                    at = text->indexOf(QLatin1Char(':'));
                if (at <= 0)
                    item.error(QStringLiteral("expected host:address, got \"%1\"").arg(*text));
                else
                    add(text->left(at), text->mid(at + 1));
            }
        }
        insertIfNotEmpty(c, "Hosts", hosts);
    }

    QJsonObject dns;
    if (const ComposeNode n = m_node.child("dns"); n.exists())
        insertIf(dns, "Nameservers", n.stringList(true));
    if (const ComposeNode n = m_node.child("dns_search"); n.exists())
        insertIf(dns, "Search", n.stringList(true));
    if (const ComposeNode n = m_node.child("dns_opt"); n.exists())
        insertIf(dns, "Options", n.stringList(true));
    insertIfNotEmpty(c, "DNSConfig", dns);

    for (const auto &[key, field] :
         {std::pair("cap_add", "CapabilityAdd"), std::pair("cap_drop", "CapabilityDrop")}) {
        const ComposeNode n = m_node.child(key);
        if (!n.exists())
            continue;
        if (const auto caps = n.stringList(false)) {
            QJsonArray out;
            for (const QString &cap : *caps)
                out.append(ComposeSyntax::capability(cap));
            c.insert(QLatin1String(field), out);
        }
    }
    if (const ComposeNode n = m_node.child("sysctls"); n.exists()) {
        QJsonObject sysctls;
        if (const auto values = n.keyValues()) {
            for (const auto &[key, value] : *values)
                sysctls.insert(key, value.value_or(QString()));
        }
        insertIfNotEmpty(c, "Sysctls", sysctls);
    }
    if (const ComposeNode n = m_node.child("ulimits"); n.exists()) {
        QJsonArray ulimits;
        for (const ComposeNode &entry : n.entries()) {
            QJsonObject limit{{L("Name"), entry.key()}};
            if (entry.isMap()) {
                entry.checkKeys({"soft", "hard"});
                const auto soft = entry.child("soft").integer();
                const auto hard = entry.child("hard").integer();
                if (soft && hard) {
                    limit.insert(L("Soft"), *soft);
                    limit.insert(L("Hard"), *hard);
                }
            } else if (const auto both = entry.integer()) {
                limit.insert(L("Soft"), *both);
                limit.insert(L("Hard"), *both);
            }
            ulimits.append(limit);
        }
        insertIfNotEmpty(c, "Ulimits", ulimits);
    }
    if (const ComposeNode n = m_node.child("isolation"); n.exists())
        insertIf(c, "Isolation", n.string());
    return c;
}

QJsonArray ComposeService::environment()
{
    // env_file first, environment over it; sorted as the docker CLI sends them.
    QMap<QString, QString> env;
    QStringList bare; // names without a value anywhere: the task's image decides
    if (const ComposeNode n = m_node.child("env_file"); n.exists()) {
        const QList<ComposeNode> files = n.isSequence() ? n.items() : QList<ComposeNode>{n};
        for (const ComposeNode &item : files) {
            if (item.isMap()) {
                item.checkKeys({"path", "required"});
                const auto path = item.child("path").string();
                const ComposeNode required = item.child("required");
                if (path)
                    readEnvFile(item, *path, required.exists() ? required.boolean().value_or(true) : true,
                                &env);
            } else if (const auto path = item.string()) {
                readEnvFile(item, *path, true, &env);
            }
        }
    }
    if (const ComposeNode n = m_node.child("environment"); n.exists()) {
        if (const auto values = n.keyValues()) {
            for (const auto &[key, value] : *values) {
                // `- NAME` takes the value from the environment the stack is deployed from.
                if (value) {
                    env.insert(key, *value);
                } else if (m_stack.environment.contains(key)) {
                    env.insert(key, m_stack.environment.value(key));
                } else {
                    env.remove(key);
                    bare.append(key);
                }
            }
        }
    }
    QStringList out;
    for (auto it = env.cbegin(); it != env.cend(); ++it)
        out.append(it.key() + QLatin1Char('=') + it.value());
    for (const QString &name : std::as_const(bare)) {
        if (!env.contains(name))
            out.append(name);
    }
    out.removeDuplicates();
    std::sort(out.begin(), out.end());
    return QJsonArray::fromStringList(out);
}

void ComposeService::readEnvFile(const ComposeNode &where, const QString &file, bool required,
                                 QMap<QString, QString> *env)
{
    const QString path = hostPath(where, file);
    if (path.isEmpty())
        return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (required)
            where.error(QStringLiteral("cannot read %1: %2").arg(path, f.errorString()));
        return;
    }
    // As docker's env files: KEY=value taken literally (no quotes, no
    // substitution); a bare KEY takes its value from the environment, if set.
    int lineNumber = 0;
    for (QByteArray raw : f.readAll().split('\n')) {
        ++lineNumber;
        if (raw.endsWith('\r'))
            raw.chop(1);
        // docker trims the start of a line only: a value keeps its trailing blanks.
        QString line = QString::fromUtf8(raw);
        while (!line.isEmpty() && line.front().isSpace())
            line.remove(0, 1);
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const qsizetype eq = line.indexOf(QLatin1Char('='));
        const QString key = eq < 0 ? line : line.left(eq);
        if (key.isEmpty() || key.contains(QLatin1Char(' ')) || key.contains(QLatin1Char('\t'))) {
            where.error(QStringLiteral("%1, line %2: expected KEY=value, got \"%3\"")
                            .arg(file)
                            .arg(lineNumber)
                            .arg(line));
            continue;
        }
        if (eq >= 0)
            env->insert(key, line.mid(eq + 1));
        else if (m_stack.environment.contains(key))
            env->insert(key, m_stack.environment.value(key));
    }
}

QString ComposeService::hostPath(const ComposeNode &where, const QString &path)
{
    if (path.startsWith(QLatin1Char('~'))) {
        where.error(QStringLiteral("\"%1\": home-relative paths are not supported").arg(path));
        return {};
    }
    if (QDir::isAbsolutePath(path))
        return QDir::cleanPath(path);
    if (m_stack.baseDirectory.isEmpty()) {
        where.error(QStringLiteral("\"%1\" is relative, and the compose file was given without its folder")
                        .arg(path));
        return {};
    }
    return QDir::cleanPath(QDir(m_stack.baseDirectory).absoluteFilePath(path));
}

QJsonArray ComposeService::mounts()
{
    QJsonArray out;
    for (const ComposeNode &item : m_node.child("volumes").items()) {
        const QJsonObject m = mount(item);
        if (!m.isEmpty())
            out.append(m);
    }
    if (const ComposeNode n = m_node.child("tmpfs"); n.exists()) {
        if (const auto targets = n.stringList(true)) {
            for (const QString &target : *targets)
                out.append(QJsonObject{{L("Type"), QStringLiteral("tmpfs")}, {L("Target"), target}});
        }
    }
    return out;
}

QJsonObject ComposeService::mount(const ComposeNode &item)
{
    if (item.isMap()) {
        item.checkKeys({"type", "source", "target", "read_only", "consistency", "bind", "volume", "tmpfs"});
        const auto type = item.child("type").oneOf({"volume", "bind", "tmpfs"});
        const ComposeNode targetNode = item.child("target");
        if (!targetNode.exists()) {
            item.error(QStringLiteral("a mount needs a target"));
            return {};
        }
        const auto target = targetNode.string();
        if (!type || !target)
            return {};
        QJsonObject m{{L("Type"), *type}, {L("Target"), *target}};
        const ComposeNode ro = item.child("read_only");
        if (ro.exists() && ro.boolean().value_or(false))
            m.insert(L("ReadOnly"), true);
        const ComposeNode sourceNode = item.child("source");
        const QString source = sourceNode.exists() ? sourceNode.string().value_or(QString()) : QString();
        if (*type == L("bind")) {
            if (source.isEmpty()) {
                item.error(QStringLiteral("a bind mount needs a source"));
                return {};
            }
            const QString path = hostPath(sourceNode, source);
            if (path.isEmpty())
                return {};
            m.insert(L("Source"), path);
            const ComposeNode bind = item.child("bind");
            bind.checkKeys({"propagation"}, {"create_host_path", "selinux"});
            if (const ComposeNode p = bind.child("propagation"); p.exists()) {
                if (const auto propagation =
                        p.oneOf({"rprivate", "private", "rshared", "shared", "rslave", "slave"}))
                    m.insert(L("BindOptions"), QJsonObject{{L("Propagation"), *propagation}});
            }
            return m;
        }
        if (*type == L("tmpfs")) {
            if (!source.isEmpty())
                sourceNode.error(QStringLiteral("a tmpfs mount takes no source"));
            const ComposeNode tmpfs = item.child("tmpfs");
            tmpfs.checkKeys({"size", "mode"});
            QJsonObject options;
            if (const ComposeNode n = tmpfs.child("size"); n.exists())
                insertIf(options, "SizeBytes", n.bytes());
            if (const ComposeNode n = tmpfs.child("mode"); n.exists())
                insertIf(options, "Mode", n.fileMode());
            insertIfNotEmpty(m, "TmpfsOptions", options);
            return m;
        }
        const ComposeNode volume = item.child("volume");
        volume.checkKeys({"nocopy"}, {"subpath"});
        const ComposeNode noCopyNode = volume.child("nocopy");
        const bool noCopy = noCopyNode.exists() && noCopyNode.boolean().value_or(false);
        if (source.isEmpty()) {
            if (noCopy)
                m.insert(L("VolumeOptions"), QJsonObject{{L("NoCopy"), true}});
            return m;
        }
        return namedVolume(sourceNode, source, m, noCopy);
    }

    // Short syntax: [source:]target[:options]
    const auto text = item.string();
    if (!text)
        return {};
    const QStringList parts = text->split(QLatin1Char(':'));
    if (parts.size() > 3 || parts.contains(QString())) {
        item.error(QStringLiteral("expected [source:]target[:ro|rw|nocopy|...], got \"%1\"").arg(*text));
        return {};
    }
    if (parts.size() == 1)
        return {{L("Type"), QStringLiteral("volume")}, {L("Target"), parts.at(0)}};
    const QString source = parts.at(0);
    const QString target = parts.at(1);
    bool readOnly = false;
    bool noCopy = false;
    QString propagation;
    for (const QString &option : parts.value(2).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (option == L("ro"))
            readOnly = true;
        else if (option == L("rw"))
            readOnly = false;
        else if (option == L("nocopy"))
            noCopy = true;
        else if (QStringList{QStringLiteral("rprivate"), QStringLiteral("private"), QStringLiteral("rshared"),
                             QStringLiteral("shared"), QStringLiteral("rslave"), QStringLiteral("slave")}
                     .contains(option))
            propagation = option;
        else if (option == L("z") || option == L("Z") || option == L("cached") || option == L("delegated") ||
                 option == L("consistent"))
            continue; // SELinux labels and consistency: no meaning for swarm
        else
            item.error(QStringLiteral("unknown volume option \"%1\"").arg(option));
    }
    const bool isPath = source.startsWith(QLatin1Char('/')) || source.startsWith(QLatin1Char('.')) ||
                        source.startsWith(QLatin1Char('~'));
    QJsonObject m{{L("Type"), isPath ? QStringLiteral("bind") : QStringLiteral("volume")},
                  {L("Target"), target}};
    if (readOnly)
        m.insert(L("ReadOnly"), true);
    if (isPath) {
        const QString path = hostPath(item, source);
        if (path.isEmpty())
            return {};
        m.insert(L("Source"), path);
        if (!propagation.isEmpty())
            m.insert(L("BindOptions"), QJsonObject{{L("Propagation"), propagation}});
        return m;
    }
    return namedVolume(item, source, m, noCopy);
}

QJsonObject ComposeService::namedVolume(const ComposeNode &where, const QString &key, QJsonObject mount,
                                        bool noCopy)
{
    const auto declared = m_stack.volumes.constFind(key);
    if (declared == m_stack.volumes.cend()) {
        where.error(
            QStringLiteral("undefined volume \"%1\" (declare it under the top-level volumes)").arg(key));
        return {};
    }
    // Source goes before Target in what docker sends; JSON objects are unordered anyway.
    mount.insert(L("Source"), declared->name);
    QJsonObject options;
    if (noCopy)
        options.insert(L("NoCopy"), true);
    if (!declared->external) {
        options.insert(L("Labels"), StackPlan::labelled(m_stack.stack, declared->labels));
        QJsonObject driver;
        if (!declared->driver.isEmpty())
            driver.insert(L("Name"), declared->driver);
        if (!declared->driverOptions.isEmpty())
            driver.insert(L("Options"), declared->driverOptions);
        insertIfNotEmpty(options, "DriverConfig", driver);
    }
    insertIfNotEmpty(mount, "VolumeOptions", options);
    return mount;
}

QJsonArray ComposeService::fileReferences(const ComposeNode &list,
                                          const QMap<QString, ComposeStack::Object> &declared, bool secret)
{
    const QString what = secret ? QStringLiteral("secret") : QStringLiteral("config");
    QJsonArray out;
    for (const ComposeNode &item : list.items()) {
        std::optional<QString> source;
        std::optional<QString> target;
        QString uid = QStringLiteral("0");
        QString gid = QStringLiteral("0");
        int mode = 0444;
        if (item.isMap()) {
            item.checkKeys({"source", "target", "uid", "gid", "mode"});
            const ComposeNode s = item.child("source");
            if (!s.exists()) {
                item.error(QStringLiteral("a %1 reference needs a source").arg(what));
                continue;
            }
            source = s.string();
            if (const ComposeNode n = item.child("target"); n.exists())
                target = n.string();
            if (const ComposeNode n = item.child("uid"); n.exists())
                uid = n.string().value_or(uid);
            if (const ComposeNode n = item.child("gid"); n.exists())
                gid = n.string().value_or(gid);
            if (const ComposeNode n = item.child("mode"); n.exists())
                mode = n.fileMode().value_or(mode);
        } else {
            source = item.string();
        }
        if (!source)
            continue;
        const auto found = declared.constFind(*source);
        if (found == declared.cend()) {
            item.error(QStringLiteral("undefined %1 \"%2\" (declare it under the top-level %1s)")
                           .arg(what, *source));
            continue;
        }
        const QJsonObject file{
            {L("Name"), target.value_or(*source)}, {L("UID"), uid}, {L("GID"), gid}, {L("Mode"), mode}};
        out.append(QJsonObject{{L("File"), file}, {secret ? L("SecretName") : L("ConfigName"), found->name}});
    }
    return out;
}

QJsonObject ComposeService::healthcheck(const ComposeNode &node)
{
    if (!node.exists())
        return {};
    node.checkKeys({"test", "interval", "timeout", "retries", "start_period", "disable"}, {"start_interval"});
    QJsonObject h;
    const ComposeNode disable = node.child("disable");
    const ComposeNode test = node.child("test");
    if (disable.exists() && disable.boolean().value_or(false)) {
        if (test.exists())
            test.error(QStringLiteral("a healthcheck cannot both be disabled and have a test"));
        h.insert(L("Test"), QJsonArray{QStringLiteral("NONE")});
        return h;
    }
    if (test.isScalar()) {
        if (const auto command = test.string())
            h.insert(L("Test"), QJsonArray{QStringLiteral("CMD-SHELL"), *command});
    } else if (test.exists()) {
        if (const auto list = test.stringList(false)) {
            const QString first = list->value(0);
            if (first != L("NONE") && first != L("CMD") && first != L("CMD-SHELL"))
                test.error(
                    QStringLiteral("a test list starts with CMD, CMD-SHELL or NONE, got \"%1\"").arg(first));
            else
                h.insert(L("Test"), QJsonArray::fromStringList(*list));
        }
    }
    if (const ComposeNode n = node.child("interval"); n.exists())
        insertIf(h, "Interval", n.duration());
    if (const ComposeNode n = node.child("timeout"); n.exists())
        insertIf(h, "Timeout", n.duration());
    if (const ComposeNode n = node.child("start_period"); n.exists())
        insertIf(h, "StartPeriod", n.duration());
    if (const ComposeNode n = node.child("retries"); n.exists())
        insertIf(h, "Retries", n.integer(0, std::numeric_limits<int>::max()));
    return h;
}

QJsonArray ComposeService::taskNetworks()
{
    struct Attachment
    {
        QString key;
        QStringList aliases;
        ComposeNode node;
    };
    QList<Attachment> attachments;
    const ComposeNode n = m_node.child("networks");
    if (n.isMap()) {
        for (const ComposeNode &entry : n.entries()) {
            QStringList aliases;
            if (entry.exists()) {
                entry.checkKeys({"aliases"}, {"ipv4_address", "ipv6_address", "link_local_ips", "priority",
                                              "mac_address", "driver_opts"});
                if (const ComposeNode a = entry.child("aliases"); a.exists())
                    aliases = a.stringList(false).value_or(QStringList());
            }
            attachments.append({entry.key(), aliases, entry});
        }
    } else if (n.exists()) {
        for (const ComposeNode &item : n.items()) {
            if (const auto name = item.string())
                attachments.append({*name, {}, item});
        }
    } else {
        attachments.append({QStringLiteral("default"), {}, n});
    }

    QList<QJsonObject> out;
    for (const Attachment &a : std::as_const(attachments)) {
        const auto found = m_stack.networks.constFind(a.key);
        if (found == m_stack.networks.cend() && a.key != L("default")) {
            a.node.error(QStringLiteral("undefined network \"%1\" (declare it under the top-level networks)")
                             .arg(a.key));
            continue;
        }
        m_networks.append(a.key);
        const QString target = found != m_stack.networks.cend() ? found->name : m_stack.scoped(a.key);
        // Every service is reachable by its compose name on each of its networks.
        const QStringList aliases = a.aliases + QStringList{m_name};
        out.append(QJsonObject{{L("Target"), target}, {L("Aliases"), QJsonArray::fromStringList(aliases)}});
    }
    // Sorted by target as docker stack deploy sends them.
    std::sort(out.begin(), out.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(L("Target")).toString() < b.value(L("Target")).toString();
    });
    QJsonArray array;
    for (const QJsonObject &o : std::as_const(out))
        array.append(o);
    return array;
}

QJsonObject ComposeService::endpointSpec(const ComposeNode &deploy)
{
    QString endpointMode = QStringLiteral("vip");
    if (const ComposeNode n = deploy.child("endpoint_mode"); n.exists())
        endpointMode = n.oneOf({"vip", "dnsrr"}).value_or(endpointMode);
    QJsonArray ports;
    bool ingress = false;
    const ComposeNode portsNode = m_node.child("ports");
    for (const ComposeNode &item : portsNode.items()) {
        if (item.isMap()) {
            item.checkKeys({"target", "published", "protocol", "mode"}, {"host_ip", "name", "app_protocol"});
            const ComposeNode targetNode = item.child("target");
            if (!targetNode.exists()) {
                item.error(QStringLiteral("a port needs a target"));
                continue;
            }
            const auto target = targetNode.integer(1, 65535);
            QJsonObject port{{L("Protocol"), QStringLiteral("tcp")}};
            if (const ComposeNode p = item.child("protocol"); p.exists())
                port.insert(L("Protocol"), p.oneOf({"tcp", "udp", "sctp"}).value_or(QStringLiteral("tcp")));
            if (target)
                port.insert(L("TargetPort"), *target);
            if (const ComposeNode p = item.child("published"); p.exists())
                insertIf(port, "PublishedPort", p.integer(1, 65535));
            QString publishMode = QStringLiteral("ingress");
            if (const ComposeNode m = item.child("mode"); m.exists())
                publishMode = m.oneOf({"ingress", "host"}).value_or(publishMode);
            port.insert(L("PublishMode"), publishMode);
            ingress = ingress || publishMode == L("ingress");
            ports.append(port);
            continue;
        }
        const auto text = item.string();
        if (!text)
            continue;
        QString why;
        QString warning;
        const auto converted = ComposeSyntax::ports(*text, &why, &warning);
        if (!converted) {
            item.error(why);
            continue;
        }
        if (!warning.isEmpty())
            item.warning(warning);
        for (const QJsonValue &port : *converted)
            ports.append(port);
        ingress = true;
    }
    if (ingress && endpointMode == L("dnsrr"))
        portsNode.error(
            QStringLiteral("endpoint_mode dnsrr cannot publish ports in ingress mode; use the long "
                           "syntax with mode: host"));
    QJsonObject spec{{L("Mode"), endpointMode}};
    insertIfNotEmpty(spec, "Ports", ports);
    return spec;
}

QJsonObject ComposeService::mode(const ComposeNode &deploy)
{
    QString kind = QStringLiteral("replicated");
    if (const ComposeNode n = deploy.child("mode"); n.exists())
        kind = n.oneOf({"replicated", "global", "replicated-job", "global-job"}).value_or(kind);
    const ComposeNode replicasNode = deploy.child("replicas");
    std::optional<qint64> replicas;
    if (replicasNode.exists())
        replicas = replicasNode.integer(0, std::numeric_limits<int>::max());
    if (kind == L("global") || kind == L("global-job")) {
        if (replicasNode.exists())
            replicasNode.error(QStringLiteral("replicas can only be used with replicated mode"));
        return {{kind == L("global") ? L("Global") : L("GlobalJob"), QJsonObject()}};
    }
    if (kind == L("replicated-job")) {
        QJsonObject job;
        insertIf(job, "TotalCompletions", replicas);
        return {{L("ReplicatedJob"), job}};
    }
    // Without replicas the engine starts one; a redeploy keeps the current count.
    QJsonObject replicated;
    insertIf(replicated, "Replicas", replicas);
    return {{L("Replicated"), replicated}};
}

QJsonObject ComposeService::resources(const ComposeNode &node)
{
    node.checkKeys({"limits", "reservations"});
    QJsonObject out;
    for (const char *which : {"limits", "reservations"}) {
        const ComposeNode n = node.child(which);
        if (!n.exists())
            continue;
        const bool limits = qstrcmp(which, "limits") == 0;
        if (limits)
            n.checkKeys({"cpus", "memory", "pids"});
        else
            n.checkKeys({"cpus", "memory"}, {"generic_resources", "devices"});
        QJsonObject r;
        if (const ComposeNode v = n.child("cpus"); v.exists())
            insertIf(r, "NanoCPUs", v.nanoCpus());
        if (const ComposeNode v = n.child("memory"); v.exists())
            insertIf(r, "MemoryBytes", v.bytes());
        if (const ComposeNode v = n.child("pids"); v.exists())
            insertIf(r, "Pids", v.integer(0, std::numeric_limits<qint64>::max()));
        out.insert(limits ? L("Limits") : L("Reservations"), r);
    }
    return out;
}

QJsonObject ComposeService::restartPolicy(const ComposeNode &deploy)
{
    const ComposeNode node = deploy.child("restart_policy");
    QJsonObject p;
    if (!node.exists()) {
        // As docker stack deploy: the service-level restart stands in when deploy has none.
        const ComposeNode restart = m_node.child("restart");
        if (!restart.exists())
            return p;
        const auto text = restart.string();
        if (!text)
            return p;
        if (*text == L("always") || *text == L("unless-stopped")) {
            p.insert(L("Condition"), QStringLiteral("any"));
        } else if (text->startsWith(QLatin1String("on-failure"))) {
            p.insert(L("Condition"), QStringLiteral("on-failure"));
            if (text->size() > 10) {
                bool ok = false;
                const int attempts = text->mid(11).toInt(&ok);
                if (text->at(10) != QLatin1Char(':') || !ok || attempts < 0)
                    restart.error(QStringLiteral("expected on-failure[:attempts], got \"%1\"").arg(*text));
                else
                    p.insert(L("MaxAttempts"), attempts);
            }
        } else if (*text == L("no")) {
            restart.warning(QStringLiteral("restart: no leaves the engine's default (restart on any exit); "
                                           "use deploy.restart_policy.condition: none"));
        } else {
            restart.error(
                QStringLiteral("expected no, always, unless-stopped or on-failure[:attempts], got \"%1\"")
                    .arg(*text));
        }
        return p;
    }
    node.checkKeys({"condition", "delay", "max_attempts", "window"});
    if (const ComposeNode n = node.child("condition"); n.exists())
        insertIf(p, "Condition", n.oneOf({"none", "on-failure", "any"}));
    if (const ComposeNode n = node.child("delay"); n.exists())
        insertIf(p, "Delay", n.duration());
    if (const ComposeNode n = node.child("max_attempts"); n.exists())
        insertIf(p, "MaxAttempts", n.integer(0, std::numeric_limits<qint64>::max()));
    if (const ComposeNode n = node.child("window"); n.exists())
        insertIf(p, "Window", n.duration());
    return p;
}

QJsonObject ComposeService::updateConfig(const ComposeNode &node, bool rollback)
{
    if (!node.exists())
        return {};
    node.checkKeys({"parallelism", "delay", "failure_action", "monitor", "max_failure_ratio", "order"});
    // docker stack deploy sends a parallelism of 1 unless told otherwise.
    QJsonObject u{{L("Parallelism"), 1}};
    if (const ComposeNode n = node.child("parallelism"); n.exists())
        insertIf(u, "Parallelism", n.integer(0, std::numeric_limits<qint64>::max()));
    if (const ComposeNode n = node.child("delay"); n.exists())
        insertIf(u, "Delay", n.duration());
    if (const ComposeNode n = node.child("failure_action"); n.exists())
        insertIf(u, "FailureAction",
                 rollback ? n.oneOf({"continue", "pause"}) : n.oneOf({"continue", "rollback", "pause"}));
    if (const ComposeNode n = node.child("monitor"); n.exists())
        insertIf(u, "Monitor", n.duration());
    if (const ComposeNode n = node.child("max_failure_ratio"); n.exists()) {
        const auto ratio = n.number();
        if (ratio && (*ratio < 0 || *ratio > 1))
            n.error(QStringLiteral("expected a ratio from 0 to 1, got %1").arg(*ratio));
        else
            insertIf(u, "MaxFailureRatio", ratio);
    }
    if (const ComposeNode n = node.child("order"); n.exists())
        insertIf(u, "Order", n.oneOf({"start-first", "stop-first"}));
    return u;
}

QJsonObject ComposeService::placement(const ComposeNode &node)
{
    node.checkKeys({"constraints", "preferences", "max_replicas_per_node"});
    QJsonObject p;
    if (const ComposeNode n = node.child("constraints"); n.exists())
        insertIf(p, "Constraints", n.stringList(false));
    if (const ComposeNode n = node.child("preferences"); n.exists()) {
        QJsonArray preferences;
        for (const ComposeNode &item : n.items()) {
            item.checkKeys({"spread"});
            const ComposeNode spread = item.child("spread");
            if (!spread.exists()) {
                item.error(QStringLiteral("a placement preference needs spread"));
                continue;
            }
            if (const auto descriptor = spread.string())
                preferences.append(
                    QJsonObject{{L("Spread"), QJsonObject{{L("SpreadDescriptor"), *descriptor}}}});
        }
        insertIfNotEmpty(p, "Preferences", preferences);
    }
    if (const ComposeNode n = node.child("max_replicas_per_node"); n.exists())
        insertIf(p, "MaxReplicas", n.integer(0, std::numeric_limits<qint64>::max()));
    return p;
}

QJsonObject ComposeService::logDriver(const ComposeNode &node)
{
    if (!node.exists())
        return {};
    node.checkKeys({"driver", "options"});
    QJsonObject d;
    if (const ComposeNode n = node.child("driver"); n.exists())
        insertIf(d, "Name", n.string());
    insertIfNotEmpty(d, "Options", node.child("options").stringMap());
    return d;
}

} // namespace cape
