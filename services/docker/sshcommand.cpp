#include "sshcommand.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>

namespace cape {

QString SshCommand::program()
{
    return QStringLiteral("ssh");
}

QString SshCommand::controlDirectory()
{
    QString base = QStandardPaths::writableLocation(QStandardPaths::RuntimeLocation);
    if (base.isEmpty())
        base = QDir::tempPath();
    const QString dir = base + QStringLiteral("/cape-ssh");
    QDir().mkpath(dir);
    // Whoever can reach a master's socket can run commands as the user there.
    QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return dir;
}

namespace {

QStringList common(const DockerEndpoint &endpoint, const QString &controlDirectory)
{
    QStringList args{
        QStringLiteral("-o"), QStringLiteral("BatchMode=yes"),
        QStringLiteral("-o"), QStringLiteral("ConnectTimeout=%1").arg(SshCommand::ConnectTimeoutSeconds),
        QStringLiteral("-o"), QStringLiteral("ServerAliveInterval=10"),
        QStringLiteral("-o"), QStringLiteral("ServerAliveCountMax=3"),
        QStringLiteral("-o"), QStringLiteral("ControlMaster=auto"),
        QStringLiteral("-o"), QStringLiteral("ControlPath=%1/%C").arg(controlDirectory),
        QStringLiteral("-o"), QStringLiteral("ControlPersist=%1").arg(SshCommand::PersistSeconds),
        QStringLiteral("-T")};
    if (!endpoint.user.isEmpty())
        args << QStringLiteral("-l") << endpoint.user;
    if (endpoint.port)
        args << QStringLiteral("-p") << QString::number(endpoint.port);
    return args;
}

} // namespace

QStringList SshCommand::arguments(const DockerEndpoint &endpoint, const QString &controlDirectory,
                                  const QStringList &remoteCommand)
{
    // "--": a host named like an option is a host, not an option.
    return common(endpoint, controlDirectory) << QStringLiteral("--") << endpoint.host << remoteCommand;
}

QStringList SshCommand::exitArguments(const DockerEndpoint &endpoint, const QString &controlDirectory)
{
    return common(endpoint, controlDirectory)
           << QStringLiteral("-O") << QStringLiteral("exit") << QStringLiteral("--") << endpoint.host;
}

} // namespace cape
