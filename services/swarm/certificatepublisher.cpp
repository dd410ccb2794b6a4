#include "certificatepublisher.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

namespace cape {

CertificatePublisher::CertificatePublisher(DockerClient *client, QObject *parent)
    : SwarmOperation(parent)
    , m_client(client)
{}

QString CertificatePublisher::defaultName(const QString &entryName)
{
    static const QRegularExpression unsafe(QStringLiteral("[^a-z0-9_.-]+"));
    return entryName.trimmed().toLower().replace(unsafe, QStringLiteral("-"));
}

QString CertificatePublisher::secretName(const QString &name, const QByteArray &content, const char *suffix)
{
    static const QRegularExpression unsafe(QStringLiteral("[^a-z0-9_.-]+"));
    const QString safe = name.toLower().replace(unsafe, QStringLiteral("-"));
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(content, QCryptographicHash::Sha256).toHex().left(12));
    return QStringLiteral("cape-tls-%1-%2.%3").arg(safe, hash, QLatin1String(suffix));
}

void CertificatePublisher::publish(const QString &name, const QList<Certificate> &chain,
                                   const PrivateKey &key, const QString &serviceId)
{
    if (chain.isEmpty() || key.isNull() || !key.matches(chain.first())) {
        QMetaObject::invokeMethod(
            this,
            [this, name] {
                emit finished(false,
                              QStringLiteral("cannot publish \"%1\": it needs its certificate and the key "
                                             "that belongs to it")
                                  .arg(name));
            },
            Qt::QueuedConnection);
        return;
    }
    m_name = name;
    QByteArray chainPem;
    for (const Certificate &certificate : chain)
        chainPem += certificate.toPem();
    const QByteArray keyPem = key.toPem();
    // Both named by both: a new key with the same chain is a new pair.
    m_chainSecret = secretName(name, chainPem + keyPem, "crt");
    m_keySecret = secretName(name, chainPem + keyPem, "key");
    const Certificate &leaf = chain.first();
    QJsonObject labels{{QLatin1String(NameLabel), name},
                       {QLatin1String(NotAfterLabel), leaf.notAfter().toString(Qt::ISODate)},
                       {QLatin1String(NamesLabel), leaf.names().join(u',')}};
    emit progress(QStringLiteral("storing %1 and %2 as swarm secrets").arg(m_chainSecret, m_keySecret));
    ensureSecret(m_chainSecret, chainPem, labels, [this, keyPem, labels, serviceId](const QString &chainId) {
        m_chainId = chainId;
        ensureSecret(m_keySecret, keyPem, labels, [this, serviceId](const QString &keyId) {
            m_keyId = keyId;
            if (serviceId.isEmpty()) {
                emit finished(
                    true,
                    QStringLiteral("\"%1\" is stored as %2 and %3").arg(m_name, m_chainSecret, m_keySecret));
                return;
            }
            attach(serviceId);
        });
    });
}

void CertificatePublisher::ensureSecret(const QString &secret, const QByteArray &data,
                                        const QJsonObject &labels,
                                        std::function<void(const QString &id)> then)
{
    call(m_client->listSecrets({{QStringLiteral("name"), {secret}}}), QStringLiteral("listing secrets"),
         [this, secret, data, labels, then](DockerReply *listed) {
             for (const QJsonValue &existing : listed->json().array()) {
                 if (existing[QLatin1String("Spec")][QLatin1String("Name")].toString() == secret) {
                     then(existing[QLatin1String("ID")].toString()); // the same content, stored before
                     return;
                 }
             }
             call(m_client->createSecret(secret, data, labels),
                  QStringLiteral("creating secret %1").arg(secret),
                  [then](DockerReply *created) { then(created->json()[QLatin1String("ID")].toString()); });
         });
}

void CertificatePublisher::attach(const QString &serviceId)
{
    emit progress(
        QStringLiteral("mounting them into the service as /run/secrets/%1.crt and .key").arg(m_name));
    const QString chainFile = m_name + QStringLiteral(".crt");
    const QString keyFile = m_name + QStringLiteral(".key");
    // Owned by the daemons' user (packaging/daemon-image.sh); the key readable by it alone.
    const auto mount = [](const QString &id, const QString &secret, const QString &file, int mode) {
        return QJsonObject{
            {QStringLiteral("SecretID"), id},
            {QStringLiteral("SecretName"), secret},
            {QStringLiteral("File"), QJsonObject{{QStringLiteral("Name"), file},
                                                 {QStringLiteral("UID"), QLatin1String(DaemonUser)},
                                                 {QStringLiteral("GID"), QLatin1String(DaemonUser)},
                                                 {QStringLiteral("Mode"), mode}}}};
    };
    const QJsonObject chainMount = mount(m_chainId, m_chainSecret, chainFile, 0444);
    const QJsonObject keyMount = mount(m_keyId, m_keySecret, keyFile, 0400);
    call(m_client->updateService(serviceId,
                                 [chainFile, keyFile, chainMount, keyMount](QJsonObject &spec) {
                                     QJsonObject task = spec[QLatin1String("TaskTemplate")].toObject();
                                     QJsonObject container = task[QLatin1String("ContainerSpec")].toObject();
                                     QJsonArray secrets;
                                     for (const QJsonValue &secret :
                                          container[QLatin1String("Secrets")].toArray()) {
                                         const QString file =
                                             secret[QLatin1String("File")][QLatin1String("Name")].toString();
                                         if (file != chainFile && file != keyFile)
                                             secrets << secret; // others' mounts stay
                                     }
                                     secrets << chainMount << keyMount;
                                     container[QLatin1String("Secrets")] = secrets;
                                     task[QLatin1String("ContainerSpec")] = container;
                                     spec[QLatin1String("TaskTemplate")] = task;
                                     return QString();
                                 }),
         QStringLiteral("updating the service"), [this](DockerReply *) {
             emit finished(
                 true,
                 QStringLiteral("\"%1\" is published; the service rolls to tasks that serve it").arg(m_name));
         });
}

} // namespace cape
