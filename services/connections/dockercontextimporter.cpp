#include "dockercontextimporter.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSslKey>

#include <algorithm>

namespace cape {

namespace {

// Reads a PEM file that may be absent; false and *error only when it exists
// but cannot be read.
bool readOptional(const QString &path, QByteArray *contents, QString *error)
{
    contents->clear();
    if (!QFileInfo::exists(path))
        return true;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(path, file.errorString());
        return false;
    }
    *contents = file.readAll();
    return true;
}

bool isUnencryptedKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        if (!QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey).isNull())
            return true;
    }
    return false;
}

// Fills profile's TLS material and keyPem from ca/cert/key files, each
// optional as the docker CLI has them; a certificate without its key (or a
// key without its certificate) is ignored, as the CLI ignores it.
bool readTlsMaterial(const QString &caFile, const QString &certFile, const QString &keyFile,
                     ConnectionProfile *profile, QByteArray *keyPem, QString *error)
{
    if (!readOptional(caFile, &profile->caPem, error) || !readOptional(certFile, &profile->certPem, error) ||
        !readOptional(keyFile, keyPem, error))
        return false;
    if (profile->certPem.isEmpty() || keyPem->isEmpty()) {
        profile->certPem.clear();
        keyPem->clear();
    }
    if (!keyPem->isEmpty() && !isUnencryptedKey(*keyPem)) {
        *error = QStringLiteral("%1 is not an unencrypted PEM private key").arg(keyFile);
        return false;
    }
    profile->hasKey = !keyPem->isEmpty();
    return true;
}

// One context from its meta directory; false and *error when it cannot be
// imported.
bool importContext(const QString &configDir, const QString &metaDir,
                   DockerContextImporter::Imported *imported, QString *error)
{
    const QString metaPath = metaDir + QStringLiteral("/meta.json");
    QFile file(metaPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("docker context in %1: cannot read meta.json: %2")
                     .arg(metaDir, file.errorString());
        return false;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        *error = QStringLiteral("docker context in %1: meta.json is not valid JSON (%2 at offset %3)")
                     .arg(metaDir, parseError.errorString())
                     .arg(parseError.offset);
        return false;
    }
    if (!document.isObject()) {
        *error = QStringLiteral("docker context in %1: meta.json is not a JSON object").arg(metaDir);
        return false;
    }
    const QJsonObject meta = document.object();
    const QString name = meta.value(QLatin1String("Name")).toString();
    if (name.isEmpty()) {
        *error = QStringLiteral("docker context in %1: meta.json has no Name").arg(metaPath);
        return false;
    }
    const auto fail = [&](const QString &message) {
        *error = QStringLiteral("docker context \"%1\": %2").arg(name, message);
        return false;
    };
    const QJsonObject docker =
        meta.value(QLatin1String("Endpoints")).toObject().value(QLatin1String("docker")).toObject();
    const QString host = docker.value(QLatin1String("Host")).toString();
    if (host.isEmpty())
        return fail(QStringLiteral("no docker endpoint (Endpoints.docker.Host) in %1").arg(metaPath));
    DockerEndpoint parsed;
    QString problem;
    if (!DockerEndpoint::parse(host, &parsed, &problem))
        return fail(problem);

    ConnectionProfile profile = ConnectionProfile::create(name, host);
    profile.description =
        meta.value(QLatin1String("Metadata")).toObject().value(QLatin1String("Description")).toString();
    const QString tlsDir = QStringLiteral("%1/contexts/tls/%2/docker/")
                               .arg(configDir, DockerContextImporter::contextDirectoryName(name));
    QByteArray keyPem;
    if (!readTlsMaterial(tlsDir + QStringLiteral("ca.pem"), tlsDir + QStringLiteral("cert.pem"),
                         tlsDir + QStringLiteral("key.pem"), &profile, &keyPem, &problem))
        return fail(problem);
    // The CLI speaks TLS when the context has TLS material or skips verifying.
    const bool skipVerify = docker.value(QLatin1String("SkipTLSVerify")).toBool();
    profile.tls = parsed.transport == DockerEndpoint::Transport::Tcp &&
                  (skipVerify || !profile.caPem.isEmpty() || !profile.certPem.isEmpty());
    profile.tlsVerify = !skipVerify;
    if (!profile.tls) {
        profile.caPem.clear();
        profile.certPem.clear();
        profile.hasKey = false;
        keyPem.clear();
    }
    if (!profile.validate(&problem)) {
        *error = problem;
        return false;
    }
    imported->profile = profile;
    imported->keyPem = keyPem;
    imported->context = name;
    return true;
}

} // namespace

QString DockerContextImporter::configDirectory(const QProcessEnvironment &env)
{
    const QString configured = env.value(QStringLiteral("DOCKER_CONFIG"));
    return configured.isEmpty() ? QDir::homePath() + QStringLiteral("/.docker") : configured;
}

QString DockerContextImporter::contextDirectoryName(const QString &name)
{
    return QString::fromLatin1(QCryptographicHash::hash(name.toUtf8(), QCryptographicHash::Sha256).toHex());
}

DockerContextImporter::Result DockerContextImporter::importContexts(const QString &configDir)
{
    Result result;
    const QDir metaRoot(configDir + QStringLiteral("/contexts/meta"));
    const QStringList dirs = metaRoot.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    for (const QString &dir : dirs) {
        Imported imported;
        QString error;
        if (importContext(configDir, metaRoot.filePath(dir), &imported, &error))
            result.connections.append(imported);
        else
            result.errors.append(error);
    }
    std::sort(result.connections.begin(), result.connections.end(),
              [](const Imported &a, const Imported &b) { return a.context < b.context; });
    return result;
}

bool DockerContextImporter::importEnvironment(const QProcessEnvironment &env, Imported *imported,
                                              QString *error)
{
    DockerEndpoint endpoint;
    QString problem;
    if (!DockerEndpoint::fromEnvironment(env, &endpoint, &problem)) {
        *error = QStringLiteral("DOCKER_HOST: %1").arg(problem);
        return false;
    }
    const QString host = env.value(QStringLiteral("DOCKER_HOST"));
    ConnectionProfile profile = ConnectionProfile::create(QLatin1String(DefaultContext), endpoint.toString());
    profile.description = host.isEmpty() ? QStringLiteral("the local engine") : QStringLiteral("DOCKER_HOST");
    QByteArray keyPem;
    if (endpoint.tls && endpoint.transport == DockerEndpoint::Transport::Tcp) {
        profile.tls = true;
        profile.tlsVerify = endpoint.tlsVerify;
        if (!readTlsMaterial(endpoint.caFile, endpoint.certFile, endpoint.keyFile, &profile, &keyPem,
                             &problem)) {
            *error = QStringLiteral("DOCKER_CERT_PATH: %1").arg(problem);
            return false;
        }
    }
    if (!profile.validate(&problem)) {
        *error = problem;
        return false;
    }
    imported->profile = profile;
    imported->keyPem = keyPem;
    imported->context = QLatin1String(DefaultContext);
    return true;
}

QString DockerContextImporter::currentContext(const QString &configDir, const QProcessEnvironment &env,
                                              QString *error)
{
    if (!env.value(QStringLiteral("DOCKER_HOST")).isEmpty())
        return QLatin1String(DefaultContext);
    const QString fromEnv = env.value(QStringLiteral("DOCKER_CONTEXT"));
    if (!fromEnv.isEmpty())
        return fromEnv;
    QFile config(configDir + QStringLiteral("/config.json"));
    if (config.exists()) {
        if (!config.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read %1: %2").arg(config.fileName(), config.errorString());
            return QLatin1String(DefaultContext);
        }
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(config.readAll(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            *error = QStringLiteral("%1 is not valid JSON (%2 at offset %3)")
                         .arg(config.fileName(), parseError.errorString())
                         .arg(parseError.offset);
            return QLatin1String(DefaultContext);
        }
        const QString current = document.object().value(QLatin1String("currentContext")).toString();
        if (!current.isEmpty())
            return current;
    }
    return QLatin1String(DefaultContext);
}

DockerContextImporter::Result DockerContextImporter::importAll(const QString &configDir,
                                                               const QProcessEnvironment &env)
{
    Result result;
    QString error;
    result.currentContext = currentContext(configDir, env, &error);
    if (!error.isEmpty())
        result.errors.append(error);
    Imported environment;
    error.clear();
    if (importEnvironment(env, &environment, &error))
        result.connections.append(environment);
    else
        result.errors.append(error);
    const Result contexts = importContexts(configDir);
    result.connections.append(contexts.connections);
    result.errors.append(contexts.errors);
    for (Imported &imported : result.connections)
        imported.current = imported.context == result.currentContext;
    return result;
}

} // namespace cape
