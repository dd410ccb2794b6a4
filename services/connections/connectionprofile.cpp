#include "connectionprofile.h"

#include <QSettings>
#include <QSslCertificate>
#include <QUuid>

namespace cape {

namespace {

constexpr qsizetype ShortIdLength = 12; // as `docker node ls` prints IDs

// PEM blocks of any kind of private key ("PRIVATE KEY", "RSA PRIVATE KEY",
// "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY") share this text.
bool holdsPrivateKey(const QByteArray &pem)
{
    return pem.contains("PRIVATE KEY");
}

QString checkCertificates(const QByteArray &pem, const QString &what)
{
    if (pem.isEmpty())
        return {};
    if (holdsPrivateKey(pem))
        return QStringLiteral("the %1 holds a private key: give the key on its own, it goes to the keychain")
            .arg(what);
    if (QSslCertificate::fromData(pem, QSsl::Pem).isEmpty())
        return QStringLiteral("the %1 is not a PEM certificate").arg(what);
    return {};
}

} // namespace

QString ConnectionProfile::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

ConnectionProfile ConnectionProfile::create(const QString &name, const QString &endpoint)
{
    ConnectionProfile profile;
    profile.id = newId();
    profile.name = name;
    profile.endpoint = endpoint;
    return profile;
}

bool ConnectionProfile::validate(QString *error) const
{
    const auto fail = [&](const QString &message) {
        *error = name.isEmpty() ? message : QStringLiteral("connection \"%1\": %2").arg(name, message);
        return false;
    };
    if (QUuid::fromString(id).isNull())
        return fail(QStringLiteral("the id is not a UUID: \"%1\"").arg(id));
    if (name.trimmed().isEmpty())
        return fail(QStringLiteral("a connection needs a name"));
    for (const auto &[pem, what] : {std::pair(caPem, QStringLiteral("CA certificate")),
                                    std::pair(certPem, QStringLiteral("client certificate"))}) {
        const QString problem = checkCertificates(pem, what);
        if (!problem.isEmpty())
            return fail(problem);
    }
    if (hasKey && certPem.isEmpty())
        return fail(QStringLiteral("a private key needs a client certificate"));
    DockerEndpoint ignored;
    QString problem;
    if (!DockerEndpoint::parse(endpoint, &ignored, &problem))
        return fail(problem);
    for (const NodeEndpoint &node : nodes) {
        if (node.node.trimmed().isEmpty())
            return fail(QStringLiteral("a node endpoint needs the node's hostname or ID"));
        if (!DockerEndpoint::parse(node.endpoint, &ignored, &problem))
            return fail(QStringLiteral("node %1: %2").arg(node.node, problem));
    }
    return true;
}

bool ConnectionProfile::toEndpoint(const QByteArray &keyPem, DockerEndpoint *target, QString *error) const
{
    return toEndpoint(NodeEndpoint{QString(), endpoint}, keyPem, target, error);
}

bool ConnectionProfile::toEndpoint(const NodeEndpoint &node, const QByteArray &keyPem, DockerEndpoint *target,
                                   QString *error) const
{
    if (tls && !certPem.isEmpty() && keyPem.isEmpty()) {
        *error = hasKey
                     ? QStringLiteral("connection \"%1\": its private key is not loaded from the keychain")
                           .arg(name)
                     : QStringLiteral("connection \"%1\": the client certificate has no private key stored")
                           .arg(name);
        return false;
    }
    DockerEndpoint result;
    result.tls = tls; // parse() picks the default port by it
    QString problem;
    if (!DockerEndpoint::parse(node.endpoint, &result, &problem)) {
        *error = node.node.isEmpty()
                     ? QStringLiteral("connection \"%1\": %2").arg(name, problem)
                     : QStringLiteral("connection \"%1\", node %2: %3").arg(name, node.node, problem);
        return false;
    }
    if (tls && result.transport == DockerEndpoint::Transport::Tcp)
        result.useCertificates(caPem, certPem, keyPem, tlsVerify);
    *target = result;
    return true;
}

const ConnectionProfile::NodeEndpoint *ConnectionProfile::findNode(const QString &hostname,
                                                                   const QString &nodeId) const
{
    for (const NodeEndpoint &node : nodes) {
        if (!hostname.isEmpty() && node.node.compare(hostname, Qt::CaseInsensitive) == 0)
            return &node;
        if (!nodeId.isEmpty() &&
            (node.node == nodeId || (node.node.size() >= ShortIdLength && nodeId.startsWith(node.node))))
            return &node;
    }
    return nullptr;
}

void ConnectionProfile::save(QSettings &settings) const
{
    settings.setValue(QStringLiteral("id"), id);
    settings.setValue(QStringLiteral("name"), name);
    settings.setValue(QStringLiteral("description"), description);
    settings.setValue(QStringLiteral("endpoint"), endpoint);
    settings.setValue(QStringLiteral("tls"), tls);
    settings.setValue(QStringLiteral("tlsVerify"), tlsVerify);
    // PEM is ASCII: saved as text, readable in the settings file.
    settings.setValue(QStringLiteral("ca"), QString::fromLatin1(caPem));
    settings.setValue(QStringLiteral("cert"), QString::fromLatin1(certPem));
    settings.setValue(QStringLiteral("hasKey"), hasKey);
    settings.beginWriteArray(QStringLiteral("nodes"), int(nodes.size()));
    for (int i = 0; i < nodes.size(); ++i) {
        settings.setArrayIndex(i);
        settings.setValue(QStringLiteral("node"), nodes.at(i).node);
        settings.setValue(QStringLiteral("endpoint"), nodes.at(i).endpoint);
    }
    settings.endArray();
}

ConnectionProfile ConnectionProfile::load(QSettings &settings)
{
    ConnectionProfile profile;
    profile.id = settings.value(QStringLiteral("id")).toString();
    profile.name = settings.value(QStringLiteral("name")).toString();
    profile.description = settings.value(QStringLiteral("description")).toString();
    profile.endpoint = settings.value(QStringLiteral("endpoint")).toString();
    profile.tls = settings.value(QStringLiteral("tls"), false).toBool();
    profile.tlsVerify = settings.value(QStringLiteral("tlsVerify"), true).toBool();
    profile.caPem = settings.value(QStringLiteral("ca")).toString().toLatin1();
    profile.certPem = settings.value(QStringLiteral("cert")).toString().toLatin1();
    profile.hasKey = settings.value(QStringLiteral("hasKey"), false).toBool();
    const int count = settings.beginReadArray(QStringLiteral("nodes"));
    for (int i = 0; i < count; ++i) {
        settings.setArrayIndex(i);
        profile.nodes.append({settings.value(QStringLiteral("node")).toString(),
                              settings.value(QStringLiteral("endpoint")).toString()});
    }
    settings.endArray();
    return profile;
}

} // namespace cape
