#pragma once

#include <QDir>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QThread>

namespace cape::test {

// A private redis-server (Debian's) on a free loopback port, gone with the
// object: each test gets an empty Redis of its own.
class RedisServer
{
public:
    ~RedisServer() { stop(); }

    // Before start(): the server requires it, and cli() sends it.
    void setPassword(const QString &password) { m_password = password; }
    // Before start(): a port of one's choosing (default: a free one).
    void setPort(quint16 port) { m_port = port; }
    // Before start(): more of redis-server's options (--cluster-enabled yes).
    void setExtraArguments(const QStringList &arguments) { m_extraArguments = arguments; }

    // False with the reason when redis-server cannot start.
    bool start(QString *error)
    {
        const QString binary = QStandardPaths::findExecutable(QStringLiteral("redis-server"));
        if (binary.isEmpty()) {
            *error = QStringLiteral("no redis-server (./run deps installs it)");
            return false;
        }
        if (m_port == 0) {
            QTcpServer probe;
            probe.listen(QHostAddress::LocalHost, 0);
            m_port = probe.serverPort();
        }
        QStringList args{QStringLiteral("--port"),       QString::number(m_port),
                         QStringLiteral("--bind"),       QStringLiteral("127.0.0.1"),
                         QStringLiteral("--save"),       QString(),
                         QStringLiteral("--appendonly"), QStringLiteral("no"),
                         QStringLiteral("--dir"),        m_dir.path()};
        if (!m_password.isEmpty())
            args << QStringLiteral("--requirepass") << m_password;
        args << m_extraArguments;
        m_process.setProgram(binary);
        m_process.setArguments(args);
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        m_process.start();
        if (!m_process.waitForStarted(5000)) {
            *error = m_process.errorString();
            return false;
        }
        for (int i = 0; i < 100; ++i) {
            // Answering (a password-protected one answers NOAUTH).
            const QByteArray answer = cli({QStringLiteral("PING")});
            if (answer == "PONG" || answer.startsWith("NOAUTH"))
                return true;
            QThread::msleep(50);
        }
        *error = QStringLiteral("redis-server did not answer: ") + QString::fromUtf8(m_process.readAll());
        return false;
    }

    void stop()
    {
        if (m_process.state() == QProcess::NotRunning)
            return;
        m_process.terminate();
        if (!m_process.waitForFinished(5000)) {
            m_process.kill();
            m_process.waitForFinished(2000);
        }
    }

    quint16 port() const { return m_port; }
    QString address() const { return QStringLiteral("127.0.0.1:%1").arg(m_port); }

    // redis-cli's answer, trimmed (for checks, not for the code under test).
    QByteArray cli(const QStringList &args) const
    {
        QProcess cli;
        QStringList options{QStringLiteral("-p"), QString::number(m_port)};
        if (!m_password.isEmpty())
            options << QStringLiteral("-a") << m_password << QStringLiteral("--no-auth-warning");
        cli.start(QStringLiteral("redis-cli"), options + args);
        cli.waitForFinished(10000);
        return cli.readAllStandardOutput().trimmed();
    }

private:
    QTemporaryDir m_dir;
    QProcess m_process;
    quint16 m_port = 0;
    QString m_password;
    QStringList m_extraArguments;
};

} // namespace cape::test
