#pragma once

#include "services/docker/dockerclient.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QStringList>
#include <QTest>
#include <QTimer>

#include <memory>

namespace cape::test {

// The sandbox swarm that `./run test` starts (packaging/sandbox/sandbox.sh):
// read from the shell-style env file named by CAPE_SANDBOX_ENV.
struct SandboxEnvironment
{
    QHash<QString, QString> values;
    QString error;

    static SandboxEnvironment load()
    {
        SandboxEnvironment sandbox;
        const QString path = qEnvironmentVariable("CAPE_SANDBOX_ENV");
        QFile file(path);
        if (path.isEmpty() || !file.open(QIODevice::ReadOnly)) {
            sandbox.error = QStringLiteral("no sandbox: set CAPE_SANDBOX_ENV (./run test does)");
            return sandbox;
        }
        for (const QByteArray &raw : file.readAll().split('\n')) {
            const QString line = QString::fromUtf8(raw).trimmed();
            const qsizetype eq = line.indexOf(QLatin1Char('='));
            if (line.startsWith(QLatin1Char('#')) || eq <= 0)
                continue;
            QString value = line.mid(eq + 1);
            if (value.size() >= 2 &&
                (value.startsWith(QLatin1Char('"')) || value.startsWith(QLatin1Char('\''))))
                value = value.mid(1, value.size() - 2);
            QString key = line.left(eq);
            key.remove(QStringLiteral("export "));
            sandbox.values.insert(key, value);
        }
        return sandbox;
    }

    // Skipping is fine for a developer without a sandbox; under ./run test
    // (CAPE_REQUIRE_SANDBOX) a missing sandbox is a failure.
    static bool required() { return !qEnvironmentVariableIsEmpty("CAPE_REQUIRE_SANDBOX"); }

    QString value(const char *key) const { return values.value(QLatin1String(key)); }
    QStringList nodeEndpoints() const
    {
        return value("CAPE_SANDBOX_NODES").split(QLatin1Char(' '), Qt::SkipEmptyParts);
    }

    // Stops or starts sandbox node I's engine (sandbox.sh node-stop|node-start).
    static bool nodeAction(const QString &action, int node)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral(QT_TESTCASE_SOURCEDIR "/../../packaging/sandbox/sandbox.sh"),
                      {action, QString::number(node), QStringLiteral("--state"),
                       qEnvironmentVariable("CAPE_SANDBOX_ENV")});
        const bool ok = process.waitForFinished(120000) && process.exitCode() == 0;
        if (!ok)
            qWarning("sandbox.sh %s %d: %s", qPrintable(action), node, process.readAll().constData());
        return ok;
    }

    static DockerEndpoint endpoint(const QString &spec)
    {
        DockerEndpoint e;
        QString parseError;
        DockerEndpoint::parse(spec, &e, &parseError);
        return e;
    }
};

// Waits for a reply in the event loop, as a test may (the app never does).
inline DockerReply *await(DockerReply *reply, int timeoutMs = 60000)
{
    if (!reply->isFinished()) {
        QSignalSpy finished(reply, &DockerExchange::finished);
        finished.wait(timeoutMs);
    }
    return reply;
}

// A reply's JSON, failing the test (with the engine's message) when it is an error.
inline QJsonDocument expectOk(DockerReply *reply)
{
    std::unique_ptr<DockerReply> owned(await(reply));
    [&] { QVERIFY2(!owned->error(), qPrintable(owned->error().toString())); }();
    return owned->json();
}

// Removes a service a test created, also after a failure: QTest's own waits
// (await) return at once once a test has failed.
inline void removeService(DockerClient *client, const QString &id)
{
    DockerReply *reply = client->removeService(id);
    QEventLoop loop;
    QObject::connect(reply, &DockerExchange::finished, &loop, &QEventLoop::quit);
    QTimer::singleShot(30000, &loop, &QEventLoop::quit);
    if (!reply->isFinished())
        loop.exec();
    if (reply->error())
        qWarning().noquote() << "could not remove the test service:" << reply->error().toString();
}

// Removes every network of that name, by ID (an interrupted run may have
// left several); true once none is left.
inline bool removeNetworksNamed(DockerClient *client, const QString &name)
{
    std::unique_ptr<DockerReply> networks(await(client->listNetworks({{QStringLiteral("name"), {name}}})));
    bool gone = !networks->error();
    for (const QJsonValue &network : networks->json().array()) {
        if (network[QLatin1String("Name")].toString() != name) // the filter matches substrings
            continue;
        std::unique_ptr<DockerReply> removed(
            await(client->removeNetwork(network[QLatin1String("Id")].toString())));
        gone = gone && (!removed->error() || removed->error().httpStatus == 404);
    }
    return gone;
}

// A removed network stays listed until every task that used it is gone (the engine deletes it
// then): waits until no network of that name is listed, so that the next test finds the cluster as
// this one found it. False (and a warning) after timeoutMs.
inline bool waitUntilNetworkGone(DockerClient *client, const QString &name, int timeoutMs = 60000)
{
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < timeoutMs) {
        std::unique_ptr<DockerReply> networks(
            await(client->listNetworks({{QStringLiteral("name"), {name}}})));
        bool listed = bool(networks->error());
        for (const QJsonValue &network : networks->json().array())
            listed = listed || network[QLatin1String("Name")].toString() == name;
        if (!listed)
            return true;
        QTest::qWait(500);
    }
    qWarning().noquote() << "the network" << name << "is still listed after" << timeoutMs << "ms";
    return false;
}

} // namespace cape::test

#define CAPE_REQUIRE_SANDBOX(sandbox)                                                                        \
    do {                                                                                                     \
        if (!(sandbox).error.isEmpty()) {                                                                    \
            if (cape::test::SandboxEnvironment::required())                                                  \
                QFAIL(qPrintable((sandbox).error));                                                          \
            QSKIP(qPrintable((sandbox).error));                                                              \
        }                                                                                                    \
    } while (false)
