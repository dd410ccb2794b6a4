#pragma once

#include <QDir>
#include <QFile>
#include <QHash>
#include <QProcess>
#include <QStandardPaths>

namespace cape::test {

// The Superhero eventsource reference (@superhero/core.eventsource, from
// npm), installed at test time into the build directory (never committed),
// and the interop driver tests/integration/eventsource/interop.js.
struct EventsourceReference
{
    static constexpr char Package[] = "@superhero/core.eventsource@3.7.8";

    QString dir;   // holds node_modules
    QString error; // why it is not there

    static EventsourceReference install()
    {
        EventsourceReference reference;
        reference.dir = QStringLiteral(CAPE_TEST_NPM_DIR);
        const QString server = reference.serverScript();
        if (QFile::exists(server))
            return reference;
        if (QStandardPaths::findExecutable(QStringLiteral("npm")).isEmpty() ||
            QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty()) {
            reference.error = QStringLiteral("no node and npm on this machine");
            return reference;
        }
        QDir().mkpath(reference.dir);
        QProcess npm;
        npm.setWorkingDirectory(reference.dir);
        npm.setProcessChannelMode(QProcess::MergedChannels);
        npm.start(QStringLiteral("npm"),
                  {QStringLiteral("install"), QStringLiteral("--no-audit"), QStringLiteral("--no-fund"),
                   QStringLiteral("--no-save"), QString::fromLatin1(Package)});
        if (!npm.waitForFinished(300000) || npm.exitCode() != 0 || !QFile::exists(server))
            reference.error =
                QStringLiteral("npm install %1 failed: %2")
                    .arg(QString::fromLatin1(Package), QString::fromUtf8(npm.readAll().right(2000)));
        return reference;
    }

    QString serverScript() const
    {
        return dir + QStringLiteral("/node_modules/@superhero/core.eventsource/src/server/index.js");
    }

    QProcessEnvironment environment(quint16 redisPort) const
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("REDIS_HOST"), QStringLiteral("127.0.0.1"));
        env.insert(QStringLiteral("REDIS_PORT"), QString::number(redisPort));
        env.insert(QStringLiteral("NODE_PATH"), dir + QStringLiteral("/node_modules"));
        return env;
    }

    // interop.js PHASE against the Redis at port: its RESULT line's JSON, or
    // the error (in *failure).
    QByteArray run(const QString &phase, quint16 redisPort, QString *failure, int timeoutMs = 60000,
                   const QHash<QString, QString> &extraEnvironment = {}) const
    {
        QProcess node;
        QProcessEnvironment env = environment(redisPort);
        for (auto it = extraEnvironment.cbegin(); it != extraEnvironment.cend(); ++it)
            env.insert(it.key(), it.value());
        node.setProcessEnvironment(env);
        node.start(QStringLiteral("node"), {QStringLiteral(CAPE_TEST_INTEROP_SCRIPT), phase});
        if (!node.waitForFinished(timeoutMs)) {
            node.kill();
            node.waitForFinished();
            *failure = QStringLiteral("interop.js %1 timed out: %2")
                           .arg(phase, QString::fromUtf8(node.readAllStandardError().right(2000)));
            return {};
        }
        const QByteArray out = node.readAllStandardOutput();
        if (node.exitCode() != 0) {
            *failure = QStringLiteral("interop.js %1 failed: %2")
                           .arg(phase, QString::fromUtf8(node.readAllStandardError().right(2000)));
            return {};
        }
        for (const QByteArray &line : out.split('\n')) {
            if (line.startsWith("RESULT "))
                return line.mid(7);
        }
        return QByteArrayLiteral("null");
    }
};

} // namespace cape::test
