#pragma once

#include "services/tls/certificate.h"
#include "services/tls/privatekey.h"

#include "swarmoperation.h"

#include <QObject>
#include <QString>

namespace cape {

class DockerClient;
class DockerReply;

// Puts a certificate onto the cluster for cape-proxyd: its chain and its
// key as two swarm secrets, named by their content's hash (secrets are
// immutable: new content, new secret; the same content is reused), and
// labelled so that the certificates view can list them with their expiry
// (a secret's data cannot be read back). Given a service, mounts them into
// it as /run/secrets/<name>.crt and /run/secrets/<name>.key, replacing
// what was mounted there (the service rolls to new tasks).
class CertificatePublisher : public SwarmOperation
{
    Q_OBJECT

public:
    static constexpr auto NameLabel = "cape.certificate";
    static constexpr auto NotAfterLabel = "cape.certificate.not-after";
    static constexpr auto NamesLabel = "cape.certificate.names";
    static constexpr auto DaemonUser = "65532"; // the user cape-daemons runs as

    explicit CertificatePublisher(DockerClient *client, QObject *parent = nullptr);

    // name: the certificate's name in cape-proxyd's configuration.
    void publish(const QString &name, const QList<Certificate> &chain, const PrivateKey &key,
                 const QString &serviceId = {});

    // The name a certificate gets in cape-proxyd's configuration (and its
    // files under /run/secrets) unless the user says otherwise.
    static QString defaultName(const QString &entryName);
    // The secrets' names for a certificate's content.
    static QString secretName(const QString &name, const QByteArray &content, const char *suffix);

private:
    // The secret's ID, created unless one with its name exists.
    void ensureSecret(const QString &secret, const QByteArray &data, const QJsonObject &labels,
                      std::function<void(const QString &id)> then);
    void attach(const QString &serviceId);

    DockerClient *m_client;
    QString m_name;
    QString m_chainSecret, m_chainId;
    QString m_keySecret, m_keyId;
};

} // namespace cape
