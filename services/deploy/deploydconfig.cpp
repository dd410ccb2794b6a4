#include "deploydconfig.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace cape {

namespace {

// A value given inline or as "<key>File" (the file's content, trimmed).
QByteArray secretValue(const QJsonObject &object, const QString &key, const QString &where,
                       QStringList *errors)
{
    const QString file = object[key + QStringLiteral("File")].toString();
    if (file.isEmpty())
        return object[key].toString().toUtf8();
    QFile input(file);
    if (!input.open(QIODevice::ReadOnly)) {
        *errors << QStringLiteral("%1: cannot read %2File %3: %4").arg(where, key, file, input.errorString());
        return {};
    }
    return input.readAll().trimmed();
}

} // namespace

std::optional<DeploydConfig> DeploydConfig::load(const QString &path, QStringList *errors)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *errors << QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return fromJson(file.readAll(), errors);
}

std::optional<DeploydConfig> DeploydConfig::fromJson(const QByteArray &json, QStringList *errors)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject()) {
        *errors << (parseError.error != QJsonParseError::NoError
                        ? QStringLiteral("not JSON: %1 at offset %2")
                              .arg(parseError.errorString())
                              .arg(parseError.offset)
                        : QStringLiteral("the configuration must be a JSON object"));
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    const qsizetype before = errors->size();
    DeploydConfig config;
    config.listen = root[QLatin1String("listen")].toString(config.listen);
    config.docker = root[QLatin1String("docker")].toString(config.docker);
    config.redis = root[QLatin1String("redis")].toString();
    for (const QJsonValue &node : root[QLatin1String("nodes")].toArray())
        config.nodes << node.toString();
    config.cacheDirectory = root[QLatin1String("cacheDirectory")].toString(config.cacheDirectory);
    config.apiToken = secretValue(root, QStringLiteral("apiToken"), QStringLiteral("configuration"), errors);
    config.templateTimeoutMs = root[QLatin1String("templateTimeoutMs")].toInt(config.templateTimeoutMs);
    config.templateMemoryBytes =
        root[QLatin1String("templateMemoryMiB")].toInteger(config.templateMemoryBytes / (1024 * 1024)) *
        1024 * 1024;
    config.fetchTimeoutMs = root[QLatin1String("fetchTimeoutMs")].toInt(config.fetchTimeoutMs);
    if (config.templateTimeoutMs <= 0 || config.templateMemoryBytes < 64 * 1024 * 1024)
        *errors << QStringLiteral("templateTimeoutMs must be positive and templateMemoryMiB at least 64");

    static const QRegularExpression validName(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]*$"));
    const QJsonArray repositories = root[QLatin1String("repositories")].toArray();
    // None is fine: a fresh install watches nothing until a repository is added.
    for (const QJsonValue &value : repositories) {
        const QJsonObject object = value.toObject();
        Repository repository;
        repository.name = object[QLatin1String("name")].toString();
        const QString where = QStringLiteral("repository \"%1\"").arg(repository.name);
        if (!validName.match(repository.name).hasMatch())
            *errors << QStringLiteral("%1: the name must be letters, digits, '-', '_' or '.'").arg(where);
        if (config.repository(repository.name))
            *errors << QStringLiteral("%1 is configured twice").arg(where);
        repository.url = object[QLatin1String("url")].toString();
        if (repository.url.isEmpty())
            *errors << QStringLiteral("%1: no url").arg(where);
        repository.branch = object[QLatin1String("branch")].toString(repository.branch);
        repository.templates = object[QLatin1String("templates")].toString(repository.templates);
        repository.webhookSecret = secretValue(object, QStringLiteral("webhookSecret"), where, errors);
        repository.pollIntervalSeconds =
            object[QLatin1String("pollIntervalSeconds")].toInt(repository.pollIntervalSeconds);
        repository.env = object[QLatin1String("env")].toObject();
        repository.prune = object[QLatin1String("prune")].toBool();
        repository.credentials.username = object[QLatin1String("username")].toString();
        repository.credentials.token =
            QString::fromUtf8(secretValue(object, QStringLiteral("token"), where, errors));
        repository.credentials.sshPrivateKeyPath = object[QLatin1String("sshKeyFile")].toString();
        repository.credentials.sshPublicKeyPath = object[QLatin1String("sshPublicKeyFile")].toString();
        repository.credentials.sshPassphrase =
            QString::fromUtf8(secretValue(object, QStringLiteral("sshPassphrase"), where, errors));
        config.repositories << repository;
    }
    if (errors->size() > before)
        return std::nullopt;
    return config;
}

const DeploydConfig::Repository *DeploydConfig::repository(const QString &name) const
{
    for (const Repository &repository : repositories) {
        if (repository.name == name)
            return &repository;
    }
    return nullptr;
}

} // namespace cape
