#pragma once

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <csignal>

namespace cape::test {

// Debian's sshd (openssh-server) in a sandbox node's network namespace, with
// a host key and a client key made here, so that ssh://root@NODE_IP reaches
// that node's engine: `SetEnv DOCKER_HOST` points the session's `docker
// system dial-stdio` at the node's socket.
//
// OpenSSH reads ~/.ssh from the passwd entry, not $HOME: the client side is
// a wrapper `ssh` first on PATH (exec /usr/bin/ssh -F CONFIG "$@"), which
// Cape and the docker CLI both run. known_hosts holds the host key, unless
// the test asks for an empty one.
class SshServer
{
public:
    ~SshServer()
    {
        stop();
        if (!m_oldPath.isNull())
            qputenv("PATH", m_oldPath);
    }

    QString address() const { return m_address; }
    QString endpoint() const { return QStringLiteral("ssh://root@") + m_address; }
    QString clientConfig() const { return m_dir.filePath(QStringLiteral("client.conf")); }
    QString knownHosts() const { return m_dir.filePath(QStringLiteral("known_hosts")); }

    // netns: the node's network namespace; address: its IP there; dockerHost:
    // what the session's docker CLI should reach.
    bool start(const QString &netns, const QString &address, const QString &dockerHost, QString *error)
    {
        m_address = address;
        if (QStandardPaths::findExecutable(QStringLiteral("sshd"), {QStringLiteral("/usr/sbin")}).isEmpty()) {
            *error = QStringLiteral("no /usr/sbin/sshd (./run deps installs openssh-server)");
            return false;
        }
        const QString dir = m_dir.path();
        if (!run(QStringLiteral("ssh-keygen"),
                 {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                  QString(), QStringLiteral("-f"), dir + QStringLiteral("/host_key")},
                 error) ||
            !run(QStringLiteral("ssh-keygen"),
                 {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                  QString(), QStringLiteral("-f"), dir + QStringLiteral("/client_key")},
                 error) ||
            !run(QStringLiteral("ssh-keygen"),
                 {QStringLiteral("-q"), QStringLiteral("-t"), QStringLiteral("ed25519"), QStringLiteral("-N"),
                  QString(), QStringLiteral("-f"), dir + QStringLiteral("/stranger_key")},
                 error))
            return false;
        QFile::copy(dir + QStringLiteral("/client_key.pub"), dir + QStringLiteral("/authorized_keys"));
        write(QStringLiteral("sshd_config"),
              QStringLiteral(
                  "ListenAddress %1\nPort 22\nHostKey %2/host_key\nPidFile %2/sshd.pid\n"
                  "AuthorizedKeysFile %2/authorized_keys\nPermitRootLogin prohibit-password\n"
                  "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
                  "SetEnv DOCKER_HOST=%3\n")
                  .arg(address, dir, dockerHost));
        setKnownHost(true);
        useKey(QStringLiteral("client_key"));
        // The wrapper: first on PATH for everything this process starts.
        write(QStringLiteral("bin/ssh"),
              QStringLiteral("#!/bin/sh\nexec /usr/bin/ssh -F %1 \"$@\"\n").arg(clientConfig()));
        QFile::setPermissions(dir + QStringLiteral("/bin/ssh"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        m_oldPath = qgetenv("PATH");
        qputenv("PATH", (dir + QStringLiteral("/bin:")).toLocal8Bit() + m_oldPath);
        QDir().mkpath(QStringLiteral("/run/sshd")); // privilege separation wants it
        m_netns = netns;
        return startDaemon(error);
    }

    // Stops sshd and every session it serves: mid-stream for its clients.
    // Each connection's sshd has a session of its own: they are found as the
    // sshd processes in the namespace.
    void stop()
    {
        if (m_daemon.state() == QProcess::NotRunning)
            return;
        QProcess pids;
        pids.start(QStringLiteral("ip"), {QStringLiteral("netns"), QStringLiteral("pids"), m_netns});
        pids.waitForFinished(5000);
        for (const QByteArray &line : pids.readAllStandardOutput().split('\n')) {
            const pid_t pid = pid_t(line.trimmed().toInt());
            QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
            if (pid > 0 && comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "sshd")
                ::kill(pid, SIGKILL);
        }
        m_daemon.waitForFinished(5000);
    }

    bool restart(QString *error)
    {
        stop();
        return startDaemon(error);
    }

    // The client offers this key: "client_key" (authorized) or "stranger_key".
    void useKey(const QString &key)
    {
        write(QStringLiteral("client.conf"),
              QStringLiteral("Host *\n  IdentityFile %1/%2\n  IdentitiesOnly yes\n  IdentityAgent none\n"
                             "  UserKnownHostsFile %3\n  GlobalKnownHostsFile /dev/null\n  LogLevel ERROR\n")
                  .arg(m_dir.path(), key, knownHosts()));
    }
    // known_hosts with the server's key, or empty (an unknown host).
    void setKnownHost(bool known)
    {
        QFile pub(m_dir.filePath(QStringLiteral("host_key.pub")));
        pub.open(QIODevice::ReadOnly);
        const QString key = QString::fromUtf8(pub.readAll()).section(u' ', 0, 1);
        write(QStringLiteral("known_hosts"), known ? m_address + u' ' + key + u'\n' : QString());
    }

private:
    bool startDaemon(QString *error)
    {
        m_daemon.setProcessChannelMode(QProcess::MergedChannels);
        m_daemon.setStandardOutputFile(m_dir.filePath(QStringLiteral("sshd.log")), QIODevice::Append);
        // nsenter, not `ip netns exec` (which remounts /sys); setsid: its own group.
        m_daemon.start(QStringLiteral("setsid"),
                       {QStringLiteral("nsenter"), QStringLiteral("--net=/var/run/netns/") + m_netns,
                        QStringLiteral("/usr/sbin/sshd"), QStringLiteral("-D"), QStringLiteral("-e"),
                        QStringLiteral("-f"), m_dir.filePath(QStringLiteral("sshd_config"))});
        if (!m_daemon.waitForStarted(5000)) {
            *error = m_daemon.errorString();
            return false;
        }
        // Listening once a connection is accepted (ssh-keyscan speaks first, no login).
        for (int i = 0; i < 100; ++i) {
            QProcess scan;
            scan.start(QStringLiteral("nsenter"),
                       {QStringLiteral("--net=/var/run/netns/") + m_netns, QStringLiteral("ssh-keyscan"),
                        QStringLiteral("-T"), QStringLiteral("1"), m_address});
            scan.waitForFinished(5000);
            if (scan.readAllStandardOutput().contains("ssh-ed25519"))
                return true;
            if (m_daemon.state() == QProcess::NotRunning)
                break;
            QThread::msleep(50);
        }
        *error = QStringLiteral("sshd did not start in %1").arg(m_netns);
        return false;
    }

    void write(const QString &name, const QString &text)
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(QFileInfo(path).path());
        QFile file(path);
        file.open(QIODevice::WriteOnly | QIODevice::Truncate);
        file.write(text.toUtf8());
    }

    static bool run(const QString &program, const QStringList &args, QString *error)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, args);
        if (!process.waitForFinished(30000) || process.exitCode() != 0) {
            *error = QStringLiteral("%1: %2").arg(program, QString::fromUtf8(process.readAll()));
            return false;
        }
        return true;
    }

    QTemporaryDir m_dir;
    QProcess m_daemon;
    QString m_address;
    QString m_netns;
    QByteArray m_oldPath;
};

} // namespace cape::test
