#include "sandboxenvironment.h"
#include "sshserver.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "services/docker/dockerhijack.h"
#include "services/docker/dockerlogstream.h"
#include "services/docker/dockerstatsstream.h"
#include "services/docker/logframedecoder.h"
#include "services/docker/sshcommand.h"
#include "services/docker/sshmasters.h"

#include <QDir>
#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace cape;

// The Engine API over ssh:// to the sandbox's manager alone, as operators
// reach a real swarm: Debian's sshd in node1's network namespace, the
// OpenSSH client with a key and known_hosts the test made, `docker system
// dial-stdio` on the far side. What the unix socket answers, ssh answers;
// what goes wrong is said in ssh's words, and nothing hangs.
class TestDockerClientSsh : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    test::SshServer m_ssh;
    std::unique_ptr<DockerClient> m_local; // the manager's socket: the reference
    QString m_serviceId;

    DockerEndpoint sshEndpoint() const { return test::SandboxEnvironment::endpoint(m_ssh.endpoint()); }
    // A fresh start for each case: no master left from the last one.
    static void closeMasters()
    {
        SshMasters::closeAll();
        QTest::qWait(300);
    }
    static QSet<QString> idsOf(const QJsonArray &objects)
    {
        QSet<QString> ids;
        for (const QJsonValue &o : objects)
            ids.insert(o[QLatin1String("ID")].toString());
        return ids;
    }
    // The service's container on the manager, once it runs.
    QString tickerContainer() const
    {
        QString id;
        [[maybe_unused]] const bool found = QTest::qWaitFor(
            [&] {
                for (const QJsonValue &c : test::expectOk(m_local->listContainers()).array()) {
                    if (c[QLatin1String("Labels")][QLatin1String("com.docker.swarm.service.id")].toString() ==
                        m_serviceId)
                        id = c[QLatin1String("Id")].toString();
                }
                return !id.isEmpty();
            },
            30000);
        return id;
    }
    // TCP connections from this machine to the node's sshd.
    int sshConnections() const
    {
        QProcess ss;
        ss.start(QStringLiteral("ss"),
                 {QStringLiteral("-Htn"), QStringLiteral("state"), QStringLiteral("established"),
                  QStringLiteral("dst"), m_ssh.address() + QStringLiteral(":22")});
        ss.waitForFinished(5000);
        return int(ss.readAllStandardOutput().count('\n'));
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        QString error;
        const QString netns = m_sandbox.value("CAPE_SANDBOX_NETNS").section(u' ', 0, 0);
        const QString ip = m_sandbox.value("CAPE_SANDBOX_NODE_IPS").section(u' ', 0, 0);
        QVERIFY2(m_ssh.start(netns, ip, m_sandbox.value("DOCKER_HOST"), &error), qPrintable(error));
        m_local = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        const QJsonObject spec{
            {QStringLiteral("Name"), QStringLiteral("ssh-ticker")},
            {QStringLiteral("TaskTemplate"),
             QJsonObject{
                 {QStringLiteral("ContainerSpec"),
                  QJsonObject{{QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                              {QStringLiteral("Command"),
                               QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"),
                                          QStringLiteral("while true; do echo tick; sleep 0.5; done")}}}},
                 {QStringLiteral("Placement"),
                  QJsonObject{
                      {QStringLiteral("Constraints"), QJsonArray{QStringLiteral("node.role==manager")}}}}}},
        };
        std::unique_ptr<DockerReply>(test::await(m_local->removeService(QStringLiteral("ssh-ticker"))));
        m_serviceId =
            test::expectOk(m_local->createService(spec)).object().value(QLatin1String("ID")).toString();
        QVERIFY(!m_serviceId.isEmpty());
    }

    void cleanupTestCase()
    {
        if (m_local && !m_serviceId.isEmpty())
            test::removeService(m_local.get(), m_serviceId);
        closeMasters();
    }

    // Listing, inspecting, updating, events, service logs and stats: the
    // same answers as the unix socket's.
    void speaksTheEngineApi()
    {
        closeMasters();
        DockerClient ssh(sshEndpoint());
        const QJsonDocument version = test::expectOk(ssh.version());
        QVERIFY(!version.object().value(QLatin1String("ApiVersion")).toString().isEmpty());
        QCOMPARE(idsOf(test::expectOk(ssh.listNodes()).array()),
                 idsOf(test::expectOk(m_local->listNodes()).array()));
        QCOMPARE(idsOf(test::expectOk(ssh.listServices()).array()),
                 idsOf(test::expectOk(m_local->listServices()).array()));
        QCOMPARE(
            test::expectOk(ssh.inspectService(m_serviceId)).object().value(QLatin1String("ID")).toString(),
            m_serviceId);

        // An event stream over ssh sees an update made over ssh.
        DockerClient::EventOptions options;
        options.filters = {{QStringLiteral("type"), {QStringLiteral("service")}}};
        std::unique_ptr<DockerEventStream> events(ssh.events(options));
        QSignalSpy live(events.get(), &DockerStream::live);
        QVERIFY(live.wait(20000));
        QSignalSpy seen(events.get(), &DockerEventStream::event);
        test::expectOk(ssh.scaleService(m_serviceId, 2));
        QTRY_VERIFY_WITH_TIMEOUT(!seen.isEmpty(), 10000);
        QCOMPARE(seen.first().first().toJsonObject()[QLatin1String("Actor")][QLatin1String("ID")].toString(),
                 m_serviceId);

        // Service logs, details and all.
        DockerClient::LogOptions logOptions;
        logOptions.follow = true;
        logOptions.details = true;
        logOptions.tail = 5;
        std::unique_ptr<DockerLogStream> logs(ssh.serviceLogs(m_serviceId, logOptions));
        QSignalSpy lines(logs.get(), &DockerLogStream::lines);
        QVERIFY(lines.wait(20000));
        QVERIFY(lines.first().first().value<QList<LogLine>>().first().text.contains(QLatin1String("tick")));

        // Stats of a container on the manager, one sample.
        const QString container = tickerContainer();
        QVERIFY(!container.isEmpty());
        std::unique_ptr<DockerStatsStream> stats(ssh.containerStats(container, false));
        QSignalSpy sample(stats.get(), &DockerStatsStream::sample);
        QVERIFY(sample.count() > 0 || sample.wait(20000));

        // All of it through one TCP connection: the master.
        QCOMPARE(sshConnections(), 1);
        QVERIFY(QDir(SshCommand::controlDirectory()).entryList(QDir::System).size() >= 1);
    }

    // Exec with its stream both ways (the console's and cape-agent's path):
    // over the socket and over ssh, framed stdout and stderr, raw stdin.
    void execStreamsBothWays_data()
    {
        QTest::addColumn<bool>("overSsh");
        QTest::newRow("unix socket") << false;
        QTest::newRow("ssh") << true;
    }

    void execStreamsBothWays()
    {
        QFETCH(bool, overSsh);
        std::unique_ptr<DockerClient> ssh;
        DockerClient *client = m_local.get();
        if (overSsh) {
            ssh = std::make_unique<DockerClient>(sshEndpoint());
            client = ssh.get();
        }
        const QString container = tickerContainer();
        QVERIFY(!container.isEmpty());
        DockerClient::ExecOptions options;
        options.command = {QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("read line; echo \"got $line\"; echo oops >&2")};
        const QString exec = test::expectOk(client->createExec(container, options))
                                 .object()
                                 .value(QLatin1String("Id"))
                                 .toString();
        QVERIFY(!exec.isEmpty());
        std::unique_ptr<DockerHijack> stream(client->startExec(exec, false));
        QSignalSpy upgraded(stream.get(), &DockerHijack::upgraded);
        QVERIFY(upgraded.wait(20000));
        LogFrameDecoder decoder;
        QList<LogFrameDecoder::Frame> frames;
        connect(stream.get(), &DockerHijack::data, this,
                [&](const QByteArray &bytes) { frames << decoder.feed(bytes).frames; });
        QVERIFY(stream->write("hello\n"));
        QSignalSpy finished(stream.get(), &DockerExchange::finished);
        QVERIFY(finished.wait(20000));
        QVERIFY2(!stream->error(), qPrintable(stream->error().toString()));
        QByteArray out, err;
        for (const LogFrameDecoder::Frame &frame : std::as_const(frames))
            (frame.stream == LogFrameDecoder::Stream::Stderr ? err : out) += frame.payload;
        QCOMPARE(out, QByteArray("got hello\n"));
        QCOMPARE(err, QByteArray("oops\n"));
        const QJsonObject inspected = test::expectOk(client->inspectExec(exec)).object();
        QCOMPARE(inspected.value(QLatin1String("ExitCode")).toInt(), 0);
    }

    // The whole cluster through the manager's ssh:// alone, as the desktop loads it.
    void theDesktopStoreLoadsOverSsh()
    {
        ClusterStore store;
        store.connectTo(sshEndpoint());
        QTRY_VERIFY_WITH_TIMEOUT(store.isLoaded(), 30000);
        QCOMPARE(store.state(), ClusterStore::State::Live);
        QCOMPARE(store.nodes()->rowCount(), 3);
        QTRY_VERIFY_WITH_TIMEOUT(store.services()->find(m_serviceId), 10000);
    }

    void anUnknownHostKeyIsSaid()
    {
        closeMasters();
        m_ssh.setKnownHost(false);
        auto restore = qScopeGuard([this] { m_ssh.setKnownHost(true); });
        DockerClient ssh(sshEndpoint());
        std::unique_ptr<DockerReply> reply(test::await(ssh.ping(), 30000));
        QCOMPARE(reply->error().kind, DockerError::Kind::Ssh);
        QVERIFY2(reply->error().message.contains(QLatin1String("known_hosts")),
                 qPrintable(reply->error().message));
        QVERIFY2(reply->error().message.contains(QLatin1String("Host key verification failed")),
                 qPrintable(reply->error().message));
    }

    void aRefusedKeyIsSaid()
    {
        closeMasters();
        m_ssh.useKey(QStringLiteral("stranger_key"));
        auto restore = qScopeGuard([this] { m_ssh.useKey(QStringLiteral("client_key")); });
        DockerClient ssh(sshEndpoint());
        std::unique_ptr<DockerReply> reply(test::await(ssh.ping(), 30000));
        QCOMPARE(reply->error().kind, DockerError::Kind::Ssh);
        QVERIFY2(reply->error().message.contains(QLatin1String("Permission denied")),
                 qPrintable(reply->error().message));
        QVERIFY2(reply->error().message.contains(QLatin1String("authorized_keys")),
                 qPrintable(reply->error().message));
    }

    // sshd gone mid-stream: the stream ends with ssh's words, in seconds;
    // sshd back, the next call makes a new master.
    void sshdGoneMidStreamEndsTheStream()
    {
        closeMasters();
        DockerClient ssh(sshEndpoint());
        std::unique_ptr<DockerEventStream> events(ssh.events({}));
        QSignalSpy live(events.get(), &DockerStream::live);
        QVERIFY(live.wait(20000));
        QSignalSpy finished(events.get(), &DockerExchange::finished);
        QElapsedTimer clock;
        clock.start();
        m_ssh.stop();
        QVERIFY(finished.wait(40000));
        qInfo("the stream ended %lld ms after sshd went", clock.elapsed());
        QVERIFY(events->error());
        QVERIFY2(events->error().message.startsWith(QLatin1String("ssh: ")) ||
                     events->error().kind == DockerError::Kind::Connection,
                 qPrintable(events->error().toString()));

        QString error;
        QVERIFY2(m_ssh.restart(&error), qPrintable(error));
        // Back by itself: a new master once the dead one is gone.
        QTRY_VERIFY_WITH_TIMEOUT(!std::unique_ptr<DockerReply>(test::await(ssh.version()))->error(), 20000);
    }
};

QTEST_GUILESS_MAIN(TestDockerClientSsh)
#include "tst_dockerclientssh.moc"
