#include "composefile.h"

#include "composenode.h"
#include "composeservice.h"
#include "composestack.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <exception>

namespace cape {

namespace {

using L = QLatin1String;

// `external: true`, or the legacy `external: {name: x}`. Returns whether the
// object is external and, through *name, the name it is known by.
bool readExternal(const ComposeNode &object, QString *name)
{
    const ComposeNode external = object.child("external");
    if (!external.exists())
        return false;
    if (external.isMap()) {
        external.checkKeys({"name"});
        if (const ComposeNode n = external.child("name"); n.exists())
            *name = n.string().value_or(*name);
        return true;
    }
    return external.boolean().value_or(false);
}

// Common to networks, volumes, secrets and configs: the engine's name and
// whether it is external. External objects take nothing but a name.
ComposeStack::Object declare(const ComposeNode &entry, const ComposeStack &stack,
                             std::initializer_list<const char *> allowedWithExternal)
{
    ComposeStack::Object object;
    object.name = stack.scoped(entry.key());
    QString given;
    if (const ComposeNode n = entry.child("name"); n.exists())
        given = n.string().value_or(QString());
    QString externalName = given.isEmpty() ? entry.key() : given;
    object.external = readExternal(entry, &externalName);
    if (object.external) {
        object.name = externalName;
        for (const ComposeNode &key : entry.entries()) {
            bool allowed =
                key.key() == L("external") || key.key() == L("name") || key.key().startsWith(L("x-"));
            for (const char *a : allowedWithExternal)
                allowed = allowed || key.key() == QLatin1String(a);
            if (!allowed)
                key.error(
                    QStringLiteral("an external object is only referenced by name; \"%1\" cannot be set")
                        .arg(key.key()));
        }
    } else if (!given.isEmpty()) {
        object.name = given;
    }
    return object;
}

void readNetworks(const ComposeNode &networks, ComposeStack *stack, QHash<QString, QJsonObject> *bodies)
{
    for (const ComposeNode &entry : networks.entries()) {
        entry.checkKeys({"driver", "driver_opts", "attachable", "internal", "labels", "ipam", "external",
                         "name", "enable_ipv6"});
        const ComposeStack::Object object = declare(entry, *stack, {});
        stack->networks.insert(entry.key(), object);
        if (object.external)
            continue;
        // As docker stack deploy sends a NetworkCreate; CheckDuplicate guards against a
        // concurrent deploy creating a second swarm network of the same name.
        QJsonObject body{{L("Name"), object.name},
                         {L("CheckDuplicate"), true},
                         {L("Driver"), QStringLiteral("overlay")},
                         {L("Internal"), false},
                         {L("Attachable"), false},
                         {L("Labels"), StackPlan::labelled(stack->stack, entry.child("labels").stringMap())}};
        if (const ComposeNode n = entry.child("driver"); n.exists())
            body.insert(L("Driver"), n.string().value_or(QStringLiteral("overlay")));
        if (const ComposeNode n = entry.child("driver_opts"); n.exists())
            body.insert(L("Options"), n.stringMap());
        if (const ComposeNode n = entry.child("attachable"); n.exists())
            body.insert(L("Attachable"), n.boolean().value_or(false));
        if (const ComposeNode n = entry.child("internal"); n.exists())
            body.insert(L("Internal"), n.boolean().value_or(false));
        if (const ComposeNode n = entry.child("enable_ipv6"); n.exists())
            body.insert(L("EnableIPv6"), n.boolean().value_or(false));
        if (const ComposeNode ipam = entry.child("ipam"); ipam.exists()) {
            ipam.checkKeys({"driver", "config", "options"});
            QJsonObject out;
            if (const ComposeNode n = ipam.child("driver"); n.exists())
                out.insert(L("Driver"), n.string().value_or(QString()));
            QJsonArray configs;
            for (const ComposeNode &item : ipam.child("config").items()) {
                item.checkKeys({"subnet", "ip_range", "gateway", "aux_addresses"});
                QJsonObject config;
                for (const auto &[key, field] :
                     {std::pair("subnet", "Subnet"), std::pair("ip_range", "IPRange"),
                      std::pair("gateway", "Gateway")}) {
                    if (const ComposeNode n = item.child(key); n.exists())
                        config.insert(QLatin1String(field), n.string().value_or(QString()));
                }
                if (const ComposeNode n = item.child("aux_addresses"); n.exists())
                    config.insert(L("AuxiliaryAddresses"), n.stringMap());
                configs.append(config);
            }
            if (!configs.isEmpty())
                out.insert(L("Config"), configs);
            if (const ComposeNode n = ipam.child("options"); n.exists())
                out.insert(L("Options"), n.stringMap());
            body.insert(L("IPAM"), out);
        }
        bodies->insert(entry.key(), body);
    }
}

void readVolumes(const ComposeNode &volumes, ComposeStack *stack)
{
    for (const ComposeNode &entry : volumes.entries()) {
        entry.checkKeys({"driver", "driver_opts", "external", "labels", "name"});
        ComposeStack::Object object = declare(entry, *stack, {});
        if (!object.external) {
            object.labels = entry.child("labels").stringMap();
            if (const ComposeNode n = entry.child("driver"); n.exists())
                object.driver = n.string().value_or(QString());
            object.driverOptions = entry.child("driver_opts").stringMap();
        }
        stack->volumes.insert(entry.key(), object);
    }
}

// Secrets and configs: created from a file, an environment variable or
// (configs) inline content; the spec carries the data in base64.
void readBlobs(const ComposeNode &blobs, bool secrets, ComposeStack *stack, StackPlan *plan)
{
    const QString what = secrets ? QStringLiteral("secret") : QStringLiteral("config");
    for (const ComposeNode &entry : blobs.entries()) {
        if (secrets)
            entry.checkKeys({"file", "environment", "external", "labels", "name"},
                            {"driver", "driver_opts", "template_driver"});
        else
            entry.checkKeys({"file", "environment", "content", "external", "labels", "name"},
                            {"template_driver"});
        const ComposeStack::Object object = declare(entry, *stack, {});
        (secrets ? stack->secrets : stack->configs).insert(entry.key(), object);
        if (object.external) {
            (secrets ? plan->externalSecrets : plan->externalConfigs).append(object.name);
            continue;
        }
        const ComposeNode file = entry.child("file");
        const ComposeNode environment = entry.child("environment");
        const ComposeNode content = entry.child("content");
        const int sources = int(file.exists()) + int(environment.exists()) + int(content.exists());
        if (sources != 1) {
            entry.error(
                sources == 0
                    ? QStringLiteral("a %1 needs file%2 or external: true")
                          .arg(what, secrets ? QStringLiteral(", environment")
                                             : QStringLiteral(", environment, content"))
                    : QStringLiteral("a %1 takes only one of file, environment and content").arg(what));
            continue;
        }
        QByteArray data;
        if (file.exists()) {
            const auto path = file.string();
            if (!path)
                continue;
            if (stack->baseDirectory.isEmpty() && !QDir::isAbsolutePath(*path)) {
                file.error(
                    QStringLiteral("\"%1\" is relative, and the compose file was given without its folder")
                        .arg(*path));
                continue;
            }
            const QString absolute = QDir::cleanPath(QDir(stack->baseDirectory).absoluteFilePath(*path));
            QFile f(absolute);
            if (!f.open(QIODevice::ReadOnly)) {
                file.error(QStringLiteral("cannot read %1: %2").arg(absolute, f.errorString()));
                continue;
            }
            data = f.readAll();
        } else if (environment.exists()) {
            const auto name = environment.string();
            if (!name)
                continue;
            if (!stack->environment.contains(*name)) {
                environment.error(QStringLiteral("the environment variable %1 is not set").arg(*name));
                continue;
            }
            data = stack->environment.value(*name).toUtf8();
        } else if (const auto text = content.string()) {
            data = text->toUtf8();
        }
        (secrets ? plan->secrets : plan->configs)
            .append(QJsonObject{
                {L("Name"), object.name},
                {L("Labels"), StackPlan::labelled(stack->stack, entry.child("labels").stringMap())},
                {L("Data"), QString::fromLatin1(data.toBase64())}});
    }
}

} // namespace

ComposeFile ComposeFile::parse(const QByteArray &text, const QString &stack,
                               const QProcessEnvironment &environment)
{
    return parse(text, stack, environment, QString());
}

ComposeFile ComposeFile::parse(const QByteArray &text, const QString &stack,
                               const QProcessEnvironment &environment, const QString &baseDirectory)
{
    ComposeFile file;
    try {
        file.read(text, stack, environment, baseDirectory);
    } catch (const YAML::Exception &e) {
        // yaml-cpp throws on syntax errors (handled in read()) and on misuse; never out of here.
        file.m_errors.append({e.mark.is_null() ? 0 : e.mark.line + 1,
                              e.mark.is_null() ? 0 : e.mark.column + 1, QString(),
                              QString::fromStdString(e.msg)});
    } catch (const std::exception &e) {
        file.m_errors.append({0, 0, QString(), QString::fromLocal8Bit(e.what())});
    }
    if (!file.m_errors.isEmpty()) {
        file.m_plan = StackPlan();
        file.m_plan.stack = stack;
    }
    return file;
}

ComposeFile ComposeFile::load(const QString &path, const QString &stack,
                              const QProcessEnvironment &environment)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        ComposeFile file;
        file.m_errors.append(
            {0, 0, QString(), QStringLiteral("cannot read %1: %2").arg(path, f.errorString())});
        return file;
    }
    return parse(f.readAll(), stack, environment, QFileInfo(path).absolutePath());
}

bool ComposeFile::isValidStackName(const QString &name)
{
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$"));
    return name.size() <= 50 && re.match(name).hasMatch();
}

void ComposeFile::read(const QByteArray &text, const QString &stack, const QProcessEnvironment &environment,
                       const QString &baseDirectory)
{
    m_plan.stack = stack;
    if (!isValidStackName(stack)) {
        m_errors.append(
            {0, 0, QString(),
             QStringLiteral("invalid stack name \"%1\": letters, digits, - and _, starting with a letter "
                            "or digit, at most 50")
                 .arg(stack)});
        return;
    }
    YAML::Node document;
    try {
        document = YAML::Load(text.toStdString());
    } catch (const YAML::ParserException &e) {
        m_errors.append({e.mark.line + 1, e.mark.column + 1, QString(),
                         QStringLiteral("YAML syntax error: %1").arg(QString::fromStdString(e.msg))});
        return;
    }
    ComposeNode::Context context{ComposeInterpolation(environment), {}, {}, {}};
    const ComposeNode root(document, QString(), QString(), document.Mark(), &context);
    const auto finish = [&] {
        // In file order, whatever order the conversion read the values in.
        const auto byPosition = [](const ComposeDiagnostic &a, const ComposeDiagnostic &b) {
            return std::pair(a.line, a.column) < std::pair(b.line, b.column);
        };
        m_errors = context.errors;
        m_warnings = context.warnings;
        std::stable_sort(m_errors.begin(), m_errors.end(), byPosition);
        std::stable_sort(m_warnings.begin(), m_warnings.end(), byPosition);
        m_parsed = true;
    };
    if (!root.isMap()) {
        root.error(root.exists()
                       ? QStringLiteral("expected a mapping of services, networks... at the top, got %1")
                             .arg(root.describe())
                       : QStringLiteral("the file is empty"));
        return finish();
    }
    root.checkKeys({"version", "services", "networks", "volumes", "secrets", "configs", "name"});
    if (const ComposeNode v = root.child("version"); v.exists()) {
        m_version = v.string().value_or(QString());
        static const QRegularExpression three(QStringLiteral("^3(\\.\\d+)?$"));
        if (!three.match(m_version).hasMatch())
            v.error(QStringLiteral(
                        "version \"%1\" is not supported: swarm stacks need a version 3.x compose file "
                        "(or one without a version)")
                        .arg(m_version));
    }
    if (const ComposeNode n = root.child("name"); n.exists())
        n.warning(QStringLiteral("ignored: the stack is named \"%1\" when it is deployed").arg(stack));

    ComposeStack declared;
    declared.stack = stack;
    declared.environment = environment;
    declared.baseDirectory = baseDirectory;
    QHash<QString, QJsonObject> networkBodies;
    readNetworks(root.child("networks"), &declared, &networkBodies);
    readVolumes(root.child("volumes"), &declared);
    readBlobs(root.child("secrets"), true, &declared, &m_plan);
    readBlobs(root.child("configs"), false, &declared, &m_plan);

    const ComposeNode services = root.child("services");
    const QList<ComposeNode> entries = services.entries();
    if (entries.isEmpty() && (!services.exists() || services.isMap()))
        (services.exists() ? services : root).error(QStringLiteral("the file defines no services"));
    QStringList usedNetworks;
    for (const ComposeNode &entry : entries) {
        const ComposeService service(declared, entry);
        m_plan.services.append(service.spec());
        for (const QString &network : service.networks()) {
            if (!usedNetworks.contains(network))
                usedNetworks.append(network);
        }
    }
    // Only the networks some service joins are created, as docker stack deploy does.
    usedNetworks.sort();
    for (const QString &key : std::as_const(usedNetworks)) {
        const auto object = declared.networks.constFind(key);
        if (object != declared.networks.cend() && object->external) {
            m_plan.externalNetworks.append(object->name);
        } else if (networkBodies.contains(key)) {
            m_plan.networks.append(networkBodies.value(key));
        } else {
            // The implicit default network.
            m_plan.networks.append(QJsonObject{{L("Name"), declared.scoped(key)},
                                               {L("CheckDuplicate"), true},
                                               {L("Driver"), QStringLiteral("overlay")},
                                               {L("Internal"), false},
                                               {L("Attachable"), false},
                                               {L("Labels"), StackPlan::labelled(stack, {})}});
        }
    }
    finish();
}

} // namespace cape
