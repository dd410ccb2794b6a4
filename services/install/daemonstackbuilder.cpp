#include "daemonstackbuilder.h"

#include "services/swarm/composefile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRandomGenerator>
#include <QSet>
#include <QTemporaryDir>

namespace cape {

namespace {

using L = QLatin1String;

QByteArray resource(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

bool writeFile(const QString &path, const QByteArray &data)
{
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(data) == data.size();
}

bool isPort(int port)
{
    return port > 0 && port < 65536;
}

// The names of the configs or secrets a service spec mounts.
QSet<QString> mounted(const QJsonObject &spec, const QString &list, const QString &nameKey)
{
    QSet<QString> names;
    const QJsonArray refs = spec[L("TaskTemplate")][L("ContainerSpec")][list].toArray();
    for (const QJsonValue &ref : refs)
        names.insert(ref[nameKey].toString());
    return names;
}

} // namespace

QByteArray DaemonStackBuilder::stackFile()
{
    return resource(QStringLiteral(":/packaging/stack.yml"));
}

QString DaemonStackBuilder::newToken()
{
    QByteArray bytes(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(bytes.data()), bytes.size() / 4);
    return QString::fromLatin1(bytes.toHex());
}

QByteArray DaemonStackBuilder::deploydConfig(const DaemonInstallSettings &settings)
{
    QJsonObject config =
        QJsonDocument::fromJson(resource(QStringLiteral(":/packaging/stack/deployd.json"))).object();
    config[L("redis")] = settings.newRedis ? QStringLiteral("redis:6379") : settings.existingRedis;
    QJsonArray repositories;
    if (!settings.repositoryUrl.isEmpty()) {
        QJsonObject repository{{L("name"), settings.repositoryName},
                               {L("url"), settings.repositoryUrl},
                               {L("branch"), settings.branch}};
        if (!settings.webhookSecret.isEmpty())
            repository[L("webhookSecret")] = settings.webhookSecret;
        repositories.append(repository);
    }
    config[L("repositories")] = repositories;
    return QJsonDocument(config).toJson();
}

QStringList DaemonStackBuilder::check(const DaemonInstallSettings &settings)
{
    QStringList errors;
    if (!settings.proxy && !settings.eventsource && !settings.deploy && !settings.agent)
        errors << QStringLiteral("choose at least one daemon to install");
    if (settings.version.isEmpty())
        errors << QStringLiteral("the image's version is empty");
    if (settings.proxy) {
        if (!isPort(settings.httpPort) || !isPort(settings.httpsPort) ||
            settings.httpPort == settings.httpsPort)
            errors << QStringLiteral("the proxy's HTTP and HTTPS ports must be two ports from 1 to 65535");
        if (settings.ingressNodes.isEmpty())
            errors << QStringLiteral("choose at least one node for the proxy to take its ports on");
    }
    if (settings.needsRedis()) {
        if (settings.newRedis && (settings.redisImage.isEmpty() || !isPort(settings.redisPort)))
            errors << QStringLiteral("the new Redis needs an image and a port from 1 to 65535");
        if (!settings.newRedis && !settings.existingRedis.contains(QLatin1Char(':')))
            errors << QStringLiteral("the existing Redis must be given as host:port");
    }
    if (settings.deploy) {
        if (!isPort(settings.deploydPort))
            errors << QStringLiteral("cape-deployd's port must be from 1 to 65535");
        if (settings.apiToken.size() < 16)
            errors << QStringLiteral("cape-deployd's API token must be at least 16 characters");
        if (!settings.dockerSocket.startsWith(QLatin1Char('/')))
            errors << QStringLiteral("the Docker socket must be an absolute path on the manager");
        if (!settings.repositoryUrl.isEmpty() && settings.repositoryName.isEmpty())
            errors << QStringLiteral("the repository needs a name");
    }
    if (settings.agent) {
        if (settings.agentToken.size() < 16)
            errors << QStringLiteral("the agents' token must be at least 16 characters");
        if (!settings.agentDockerSocket.startsWith(QLatin1Char('/')))
            errors << QStringLiteral("the agents' Docker socket must be an absolute path on each node");
    }
    return errors;
}

std::optional<StackPlan> DaemonStackBuilder::build(const DaemonInstallSettings &settings, QStringList *errors)
{
    return build(settings, stackFile(), errors);
}

std::optional<StackPlan> DaemonStackBuilder::build(const DaemonInstallSettings &settings,
                                                   const QByteArray &stackFile, QStringList *errors)
{
    *errors = check(settings);
    if (!errors->isEmpty())
        return std::nullopt;
    // The stack file reads its documents relative to itself, as the docker CLI does: write them
    // beside a copy. ComposeFile reads them while parsing; the folder goes afterwards.
    QTemporaryDir folder;
    const QString token = folder.filePath(QStringLiteral("deployd-api-token"));
    const QString agentToken = folder.filePath(QStringLiteral("agent-token"));
    if (!folder.isValid() || !QDir().mkpath(folder.filePath(QStringLiteral("stack"))) ||
        !writeFile(folder.filePath(QStringLiteral("stack/proxy.json")),
                   resource(QStringLiteral(":/packaging/stack/proxy.json"))) ||
        !writeFile(folder.filePath(QStringLiteral("stack/deployd.json")), deploydConfig(settings)) ||
        !writeFile(token, settings.apiToken.toUtf8()) ||
        !writeFile(agentToken, settings.agentToken.toUtf8())) {
        *errors << QStringLiteral("could not write the stack's documents to a temporary folder");
        return std::nullopt;
    }
    QProcessEnvironment environment;
    environment.insert(QStringLiteral("CAPE_VERSION"), settings.version);
    environment.insert(QStringLiteral("CAPE_HTTP_PORT"), QString::number(settings.httpPort));
    environment.insert(QStringLiteral("CAPE_HTTPS_PORT"), QString::number(settings.httpsPort));
    environment.insert(QStringLiteral("CAPE_REDIS_IMAGE"), settings.redisImage);
    environment.insert(QStringLiteral("CAPE_REDIS_PORT"), QString::number(settings.redisPort));
    environment.insert(QStringLiteral("CAPE_EVENTD_REDIS"),
                       settings.newRedis ? QStringLiteral("redis:6379") : settings.existingRedis);
    environment.insert(QStringLiteral("CAPE_DEPLOYD_PORT"), QString::number(settings.deploydPort));
    environment.insert(QStringLiteral("CAPE_DOCKER_SOCKET"), settings.dockerSocket);
    environment.insert(QStringLiteral("CAPE_DEPLOYD_TOKEN_FILE"), token);
    environment.insert(QStringLiteral("CAPE_AGENT_TOKEN_FILE"), agentToken);
    environment.insert(QStringLiteral("CAPE_AGENT_DOCKER_SOCKET"), settings.agentDockerSocket);
    const ComposeFile file = ComposeFile::parse(stackFile, QLatin1String(DaemonInstallSettings::StackName),
                                                environment, folder.path());
    if (!file.isValid()) {
        *errors << file.errorString().split(QLatin1Char('\n'));
        return std::nullopt;
    }
    StackPlan plan = file.plan();
    keepChosen(settings, &plan);
    return plan;
}

void DaemonStackBuilder::keepChosen(const DaemonInstallSettings &settings, StackPlan *plan)
{
    const QString stack = QLatin1String(DaemonInstallSettings::StackName);
    QSet<QString> chosen;
    if (settings.proxy)
        chosen << stack + QStringLiteral("_proxyd");
    if (settings.eventsource)
        chosen << stack + QStringLiteral("_eventd");
    if (settings.deploy)
        chosen << stack + QStringLiteral("_deployd");
    if (settings.agent)
        chosen << stack + QStringLiteral("_agent");
    if (settings.needsRedis() && settings.newRedis)
        chosen << stack + QStringLiteral("_redis");

    QSet<QString> configs;
    QSet<QString> secrets;
    QList<QJsonObject> services;
    for (const QJsonObject &service : std::as_const(plan->services)) {
        if (!chosen.contains(service[L("Name")].toString()))
            continue;
        services << service;
        configs |= mounted(service, QStringLiteral("Configs"), QStringLiteral("ConfigName"));
        secrets |= mounted(service, QStringLiteral("Secrets"), QStringLiteral("SecretName"));
    }
    plan->services = services;
    const auto keep = [](QList<QJsonObject> *objects, const QSet<QString> &names) {
        objects->removeIf(
            [&names](const QJsonObject &o) { return !names.contains(o[L("Name")].toString()); });
    };
    keep(&plan->configs, configs);
    keep(&plan->secrets, secrets);
}

} // namespace cape
