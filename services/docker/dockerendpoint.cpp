#include "dockerendpoint.h"

#include "dockertunnel.h"

#include <QDir>
#include <QUrl>

#include <algorithm>

namespace cape {

bool DockerEndpoint::parse(const QString &spec, DockerEndpoint *endpoint, QString *error)
{
    const QString trimmed = spec.trimmed();
    DockerEndpoint result = *endpoint;
    if (trimmed.startsWith(QLatin1Char('/')) || trimmed.startsWith(QStringLiteral("unix://"))) {
        QString path = trimmed.startsWith(QLatin1Char('/')) ? trimmed : trimmed.mid(7);
        if (path.isEmpty())
            path = QString::fromLatin1(DefaultSocket);
        if (!path.startsWith(QLatin1Char('/'))) {
            *error = QStringLiteral("unix socket path must be absolute: %1").arg(spec);
            return false;
        }
        result.transport = Transport::Unix;
        result.socketPath = path;
        result.host.clear();
        result.user.clear();
        result.port = 0;
        result.tls = false;
        *endpoint = result;
        return true;
    }
    if (trimmed.startsWith(QStringLiteral("tcp://"))) {
        const QUrl url(trimmed);
        if (!url.isValid() || url.host().isEmpty()) {
            *error = QStringLiteral("invalid tcp endpoint: %1").arg(spec);
            return false;
        }
        if (!url.path().isEmpty() && url.path() != QStringLiteral("/")) {
            *error = QStringLiteral("tcp endpoint must not have a path: %1").arg(spec);
            return false;
        }
        result.transport = Transport::Tcp;
        result.host = url.host();
        result.user.clear();
        // The docker CLI's defaults: 2376 with TLS, 2375 without.
        result.port = quint16(url.port(result.tls ? 2376 : 2375));
        result.socketPath.clear();
        *endpoint = result;
        return true;
    }
    if (trimmed.startsWith(QStringLiteral("ssh://"))) {
        const QUrl url(trimmed, QUrl::StrictMode);
        if (!url.isValid() || url.host().isEmpty() || !url.password().isEmpty()) {
            *error = url.password().isEmpty()
                         ? QStringLiteral("invalid ssh endpoint: %1").arg(spec)
                         : QStringLiteral("an ssh endpoint takes no password (use a key or "
                                          "ssh-agent): %1")
                               .arg(url.toString(QUrl::RemovePassword));
            return false;
        }
        if (!url.path().isEmpty() && url.path() != QStringLiteral("/")) {
            *error = QStringLiteral("ssh endpoint must not have a path: %1").arg(spec);
            return false;
        }
        result.transport = Transport::Ssh;
        result.host = url.host();
        result.user = url.userName();
        result.port = quint16(std::max(0, url.port(0)));
        result.socketPath.clear();
        result.tls = false;
        *endpoint = result;
        return true;
    }
    const int scheme = trimmed.indexOf(QStringLiteral("://"));
    *error = scheme > 0
                 ? QStringLiteral("unsupported endpoint scheme %1 in %2 (use unix://, tcp:// or ssh://)")
                       .arg(trimmed.left(scheme), spec)
                 : QStringLiteral("invalid endpoint: %1").arg(spec);
    return false;
}

bool DockerEndpoint::fromEnvironment(const QProcessEnvironment &env, DockerEndpoint *endpoint, QString *error)
{
    DockerEndpoint result;
    // The CLI turns TLS on when DOCKER_TLS_VERIFY is set to anything non-empty.
    const bool verify = !env.value(QStringLiteral("DOCKER_TLS_VERIFY")).isEmpty();
    if (verify) {
        QString dir = env.value(QStringLiteral("DOCKER_CERT_PATH"));
        if (dir.isEmpty())
            dir = QDir::homePath() + QStringLiteral("/.docker");
        result.useCertificateDirectory(dir, true);
    }
    const QString host = env.value(QStringLiteral("DOCKER_HOST"));
    if (!parse(host.isEmpty() ? QString::fromLatin1(DefaultSocket) : host, &result, error))
        return false;
    *endpoint = result;
    return true;
}

void DockerEndpoint::useCertificateDirectory(const QString &dir, bool verify)
{
    tls = true;
    tlsVerify = verify;
    caFile = dir + QStringLiteral("/ca.pem");
    certFile = dir + QStringLiteral("/cert.pem");
    keyFile = dir + QStringLiteral("/key.pem");
    caPem.clear();
    certPem.clear();
    keyPem.clear();
    if (transport == Transport::Tcp && port == 2375)
        port = 2376;
}

void DockerEndpoint::useCertificates(const QByteArray &ca, const QByteArray &cert, const QByteArray &key,
                                     bool verify)
{
    tls = true;
    tlsVerify = verify;
    caPem = ca;
    certPem = cert;
    keyPem = key;
    caFile.clear();
    certFile.clear();
    keyFile.clear();
    if (transport == Transport::Tcp && port == 2375)
        port = 2376;
}

DockerEndpoint DockerEndpoint::through(std::shared_ptr<DockerTunnel> tunnel)
{
    DockerEndpoint endpoint;
    endpoint.transport = Transport::Tunnel;
    endpoint.tunnel = std::move(tunnel);
    return endpoint;
}

QString DockerEndpoint::toString() const
{
    if (transport == Transport::Tunnel)
        return tunnel ? tunnel->describe() : QStringLiteral("(no tunnel)");
    if (transport == Transport::Unix)
        return QStringLiteral("unix://") + socketPath;
    if (transport == Transport::Ssh) {
        const QString who = user.isEmpty() ? QString() : user + QLatin1Char('@');
        const QString hostName =
            host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
        return port ? QStringLiteral("ssh://%1%2:%3").arg(who, hostName).arg(port)
                    : QStringLiteral("ssh://%1%2").arg(who, hostName);
    }
    const QString hostPart =
        host.contains(QLatin1Char(':')) ? QLatin1Char('[') + host + QLatin1Char(']') : host;
    return QStringLiteral("tcp://%1:%2").arg(hostPart).arg(port);
}

} // namespace cape
