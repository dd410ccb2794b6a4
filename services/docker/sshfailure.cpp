#include "sshfailure.h"

#include <QStringList>

namespace cape {

namespace {

// The lines worth showing: ssh's warnings banner (@@@…) and blank lines are noise.
QString lastLines(const QByteArray &text)
{
    QStringList lines;
    for (const QByteArray &raw : text.split('\n')) {
        const QString line = QString::fromUtf8(raw).trimmed();
        if (!line.isEmpty() && !line.startsWith(QLatin1String("@@@")))
            lines << line;
    }
    while (lines.size() > 3)
        lines.removeFirst();
    return lines.join(QLatin1Char(' '));
}

} // namespace

SshFailure SshFailure::noClient(const QString &why)
{
    return {Kind::NoClient, why, QStringLiteral("install the OpenSSH client (Debian: openssh-client)")};
}

SshFailure SshFailure::classify(const QByteArray &stderrText, int exitCode, const QString &host)
{
    const QString text = QString::fromUtf8(stderrText);
    SshFailure failure;
    failure.said = lastLines(stderrText);
    const auto has = [&text](const char *words) {
        return text.contains(QLatin1String(words), Qt::CaseInsensitive);
    };
    if (has("REMOTE HOST IDENTIFICATION HAS CHANGED")) {
        failure.kind = Kind::HostKeyChanged;
        failure.said = QStringLiteral("the host key of %1 has changed").arg(host);
        failure.advice =
            QStringLiteral("if the host was rebuilt, remove its old key (ssh-keygen -R %1) and check the "
                           "new one's fingerprint; otherwise someone may be in the middle")
                .arg(host);
    } else if (has("Host key verification failed") || has("No ED25519 host key is known") ||
               has("No RSA host key is known") || has("No ECDSA host key is known")) {
        failure.kind = Kind::HostKeyUnknown;
        failure.advice =
            QStringLiteral("the host key of %1 is not in known_hosts: connect once with ssh %1, check "
                           "the fingerprint and accept it")
                .arg(host);
    } else if (has("Permission denied") || has("Too many authentication failures")) {
        failure.kind = Kind::AuthRefused;
        failure.advice =
            QStringLiteral("the server refused every key offered: load yours into ssh-agent, or name it "
                           "with IdentityFile in ~/.ssh/config, and check it is in the user's "
                           "authorized_keys on %1")
                .arg(host);
    } else if (exitCode != 255 && (has("docker: not found") || has("docker: command not found") ||
                                   has("Cannot connect to the Docker daemon") || has("unknown command"))) {
        failure.kind = Kind::DockerMissing;
        failure.advice =
            QStringLiteral("the docker CLI on %1 cannot run `docker system dial-stdio` to its engine: "
                           "install it there (19.03 or newer), and check the user may use the engine")
                .arg(host);
    } else if (has("Could not resolve hostname") || has("Connection refused") ||
               has("Connection timed out") || has("No route to host") || has("Network is unreachable") ||
               has("Connection closed by") || has("Connection reset")) {
        failure.kind = Kind::Unreachable;
        failure.advice = QStringLiteral("check the address and that sshd answers there");
    } else {
        failure.kind = Kind::Other;
        if (failure.said.isEmpty())
            failure.said = QStringLiteral("ssh ended with code %1").arg(exitCode);
    }
    return failure;
}

QString SshFailure::toString() const
{
    return advice.isEmpty() ? QStringLiteral("ssh: %1").arg(said)
                            : QStringLiteral("ssh: %1 — %2").arg(said, advice);
}

} // namespace cape
