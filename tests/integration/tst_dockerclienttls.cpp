#include "sandboxenvironment.h"
#include "services/connections/connectionstore.h"

#include <QDir>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <optional>

using namespace cape;
using cape::test::await;

// TLS client-certificate access to a real dockerd listening on 127.0.0.1,
// with certificates this test makes with the openssl command: a CA, the
// engine's certificate, a client certificate, and a rogue CA whose client
// certificate the engine must refuse.
class TestDockerClientTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir{QStringLiteral("/tmp/cape-tls-XXXXXX")};
    QProcess m_dockerd;
    quint16 m_port = 0;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    bool openssl(const QStringList &arguments)
    {
        QProcess process;
        process.setWorkingDirectory(m_dir.path());
        process.start(QStringLiteral("openssl"), arguments);
        process.waitForFinished(60000);
        if (process.exitCode() != 0)
            qWarning("openssl %s: %s", qPrintable(arguments.join(QLatin1Char(' '))),
                     process.readAllStandardError().constData());
        return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    bool makeCa(const QString &name)
    {
        return openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                        QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                        QStringLiteral("-keyout"), name + QStringLiteral("-key.pem"), QStringLiteral("-out"),
                        name + QStringLiteral(".pem")});
    }

    // A key and a certificate signed by ca, with the given extensions.
    bool makeSigned(const QString &name, const QString &ca, const QString &extensions)
    {
        QFile ext(path(name + QStringLiteral(".ext")));
        if (!ext.open(QIODevice::WriteOnly))
            return false;
        ext.write(extensions.toUtf8());
        ext.close();
        return openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("rsa:2048"),
                        QStringLiteral("-nodes"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                        QStringLiteral("-keyout"), name + QStringLiteral("-key.pem"), QStringLiteral("-out"),
                        name + QStringLiteral(".csr")})
               && openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                           name + QStringLiteral(".csr"), QStringLiteral("-CA"), ca + QStringLiteral(".pem"),
                           QStringLiteral("-CAkey"), ca + QStringLiteral("-key.pem"), QStringLiteral("-CAcreateserial"),
                           QStringLiteral("-days"), QStringLiteral("2"), QStringLiteral("-extfile"),
                           name + QStringLiteral(".ext"), QStringLiteral("-out"), name + QStringLiteral(".pem")});
    }

    DockerEndpoint endpoint(const QString &ca, const QString &cert, const QString &key, bool verify = true) const
    {
        DockerEndpoint e = test::SandboxEnvironment::endpoint(QStringLiteral("tcp://127.0.0.1:%1").arg(m_port));
        e.tls = true;
        e.tlsVerify = verify;
        e.caFile = ca.isEmpty() ? QString() : path(ca + QStringLiteral(".pem"));
        e.certFile = cert.isEmpty() ? QString() : path(cert + QStringLiteral(".pem"));
        e.keyFile = key.isEmpty() ? QString() : path(key + QStringLiteral("-key.pem"));
        return e;
    }

    QByteArray read(const QString &name) const
    {
        QFile file(path(name));
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    }

    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        return probe.serverPort();
    }

private slots:
    void initTestCase()
    {
        const auto sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox); // needs what the sandbox needs: root and dockerd
        QVERIFY(m_dir.isValid());
        QVERIFY(makeCa(QStringLiteral("ca")));
        QVERIFY(makeCa(QStringLiteral("rogue")));
        QVERIFY(makeSigned(QStringLiteral("server"), QStringLiteral("ca"),
                           QStringLiteral("subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n")));
        QVERIFY(makeSigned(QStringLiteral("client"), QStringLiteral("ca"), QStringLiteral("extendedKeyUsage=clientAuth\n")));
        QVERIFY(makeSigned(QStringLiteral("intruder"), QStringLiteral("rogue"),
                           QStringLiteral("extendedKeyUsage=clientAuth\n")));

        // A standalone engine in this network namespace, touching nothing of
        // the host's networking: no bridge, no iptables.
        m_port = freePort();
        m_dockerd.setProcessChannelMode(QProcess::MergedChannels);
        m_dockerd.setStandardOutputFile(path(QStringLiteral("dockerd.log")));
        m_dockerd.start(QStringLiteral("dockerd"),
                        {QStringLiteral("--data-root"), path(QStringLiteral("data")), QStringLiteral("--exec-root"),
                         path(QStringLiteral("exec")), QStringLiteral("--pidfile"), path(QStringLiteral("dockerd.pid")),
                         QStringLiteral("-H"), QStringLiteral("unix://") + path(QStringLiteral("docker.sock")),
                         QStringLiteral("-H"), QStringLiteral("tcp://127.0.0.1:%1").arg(m_port),
                         QStringLiteral("--tlsverify"), QStringLiteral("--tlscacert"), path(QStringLiteral("ca.pem")),
                         QStringLiteral("--tlscert"), path(QStringLiteral("server.pem")), QStringLiteral("--tlskey"),
                         path(QStringLiteral("server-key.pem")), QStringLiteral("--bridge"), QStringLiteral("none"),
                         QStringLiteral("--iptables=false"), QStringLiteral("--ip-forward=false"),
                         QStringLiteral("--storage-driver"), QStringLiteral("vfs")});
        QVERIFY(m_dockerd.waitForStarted());
        DockerClient client(endpoint(QStringLiteral("ca"), QStringLiteral("client"), QStringLiteral("client")));
        QTRY_VERIFY_WITH_TIMEOUT(!std::unique_ptr<DockerReply>(await(client.ping(), 2000))->error(), 60000);
    }

    void clientCertificateGrantsAccess()
    {
        DockerClient client(endpoint(QStringLiteral("ca"), QStringLiteral("client"), QStringLiteral("client")));
        std::unique_ptr<DockerReply> info(await(client.info()));
        QVERIFY2(!info->error(), qPrintable(info->error().toString()));
        QVERIFY(!info->object().value(QLatin1String("ServerVersion")).toString().isEmpty());
        QVERIFY(!client.apiVersion().isEmpty());

        // A single-node swarm on this engine: init, inspect, leave.
        std::unique_ptr<DockerReply> init(await(client.initSwarm(QJsonObject{
            {QStringLiteral("ListenAddr"), QStringLiteral("127.0.0.1:%1").arg(freePort())},
            {QStringLiteral("AdvertiseAddr"), QStringLiteral("127.0.0.1")}})));
        QVERIFY2(!init->error(), qPrintable(init->error().toString()));
        const QString nodeId = init->value().toString();
        QVERIFY(!nodeId.isEmpty());
        std::unique_ptr<DockerReply> swarm(await(client.inspectSwarm()));
        QVERIFY(!swarm->object().value(QLatin1String("ID")).toString().isEmpty());
        std::unique_ptr<DockerReply> again(await(client.initSwarm(QJsonObject{
            {QStringLiteral("ListenAddr"), QStringLiteral("127.0.0.1:%1").arg(freePort())},
            {QStringLiteral("AdvertiseAddr"), QStringLiteral("127.0.0.1")}})));
        QCOMPARE(again->error().httpStatus, 503); // "already part of a swarm", in the engine's words
        QVERIFY(again->error().message.contains(QLatin1String("already part of a swarm")));
        std::unique_ptr<DockerReply> leave(await(client.leaveSwarm(true)));
        QVERIFY2(!leave->error(), qPrintable(leave->error().toString()));
    }

    // The same certificates held in memory, no file named: how a key read
    // from the keychain is used.
    void pemsInMemoryGrantAccess()
    {
        DockerEndpoint e = endpoint({}, {}, {});
        e.useCertificates(read(QStringLiteral("ca.pem")), read(QStringLiteral("client.pem")),
                          read(QStringLiteral("client-key.pem")), true);
        QVERIFY(e.caFile.isEmpty() && e.certFile.isEmpty() && e.keyFile.isEmpty());
        DockerClient client(e);
        std::unique_ptr<DockerReply> info(await(client.info()));
        QVERIFY2(!info->error(), qPrintable(info->error().toString()));
        QVERIFY(!info->object().value(QLatin1String("ServerVersion")).toString().isEmpty());

        // An intruder's key in memory is refused as its files are.
        e.useCertificates(read(QStringLiteral("ca.pem")), read(QStringLiteral("intruder.pem")),
                          read(QStringLiteral("intruder-key.pem")), true);
        DockerClient intruder(e);
        std::unique_ptr<DockerReply> refused(await(intruder.info()));
        QCOMPARE(refused->error().kind, DockerError::Kind::Tls);

        // A key that is not the certificate's: the handshake cannot succeed.
        e.useCertificates(read(QStringLiteral("ca.pem")), read(QStringLiteral("client.pem")),
                          read(QStringLiteral("intruder-key.pem")), true);
        DockerClient mismatched(e);
        std::unique_ptr<DockerReply> mismatch(await(mismatched.info()));
        QVERIFY(mismatch->error());
    }

    // A connection profile whose key went to the real keychain, resolved
    // into an endpoint and used (skipped without a keychain, failed under
    // ./run test, which starts one).
    void keyFromTheKeychainGrantsAccess()
    {
        QTemporaryDir settingsDir;
        ConnectionStore store(settingsDir.filePath(QStringLiteral("cape.ini")));
        store.setKeychainTimeout(30000);
        ConnectionProfile profile = ConnectionProfile::create(QStringLiteral("tls engine"),
                                                              QStringLiteral("tcp://127.0.0.1:%1").arg(m_port));
        profile.tls = true;
        profile.caPem = read(QStringLiteral("ca.pem"));
        profile.certPem = read(QStringLiteral("client.pem"));
        QSignalSpy stored(&store, &ConnectionStore::keySaved);
        QSignalSpy failed(&store, &ConnectionStore::keyFailed);
        QString error;
        QVERIFY2(store.add(profile, read(QStringLiteral("client-key.pem")), &error), qPrintable(error));
        QTRY_VERIFY_WITH_TIMEOUT(stored.count() + failed.count() > 0, 40000);
        if (!failed.isEmpty()) {
            const QString message = failed.first().at(1).toString();
            store.remove(profile.id);
            if (test::SandboxEnvironment::required())
                QFAIL(qPrintable(message));
            QSKIP(qPrintable(message));
        }
        QFile settings(settingsDir.filePath(QStringLiteral("cape.ini")));
        QVERIFY(settings.open(QIODevice::ReadOnly));
        const QByteArray saved = settings.readAll();
        QVERIFY(saved.contains("BEGIN CERTIFICATE"));
        QVERIFY(!saved.contains("PRIVATE KEY"));

        std::optional<ResolvedConnection> resolved;
        store.resolveEndpoint(profile.id, this, [&](const ResolvedConnection &r) { resolved = r; });
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), 40000);
        QVERIFY2(resolved->ok(), qPrintable(resolved->error));
        QCOMPARE(resolved->endpoint.keyPem, read(QStringLiteral("client-key.pem")));
        DockerClient client(resolved->endpoint);
        std::unique_ptr<DockerReply> info(await(client.info()));
        QVERIFY2(!info->error(), qPrintable(info->error().toString()));

        QSignalSpy deleted(&store, &ConnectionStore::keyDeleted);
        store.remove(profile.id);
        QVERIFY(deleted.wait(40000));
    }

    void certificateFromAnotherCaIsRefused()
    {
        DockerClient client(endpoint(QStringLiteral("ca"), QStringLiteral("intruder"), QStringLiteral("intruder")));
        std::unique_ptr<DockerReply> reply(await(client.info()));
        QCOMPARE(reply->error().kind, DockerError::Kind::Tls);
        QVERIFY2(reply->error().toString().contains(QStringLiteral("127.0.0.1:%1").arg(m_port)),
                 qPrintable(reply->error().toString()));
    }

    void noClientCertificateIsRefused()
    {
        DockerClient client(endpoint(QStringLiteral("ca"), {}, {}));
        std::unique_ptr<DockerReply> reply(await(client.info()));
        QCOMPARE(reply->error().kind, DockerError::Kind::Tls);
    }

    void engineWeDoNotTrustIsRefused()
    {
        DockerClient client(endpoint(QStringLiteral("rogue"), QStringLiteral("client"), QStringLiteral("client")));
        std::unique_ptr<DockerReply> reply(await(client.info()));
        QCOMPARE(reply->error().kind, DockerError::Kind::Tls);
        QVERIFY2(reply->error().message.contains(QLatin1String("certificate"), Qt::CaseInsensitive),
                 qPrintable(reply->error().message));
    }

    void refusedConnection()
    {
        DockerEndpoint e = endpoint(QStringLiteral("ca"), QStringLiteral("client"), QStringLiteral("client"));
        e.port = freePort();
        DockerClient client(e);
        std::unique_ptr<DockerReply> reply(await(client.info()));
        QCOMPARE(reply->error().kind, DockerError::Kind::Connection);
        QVERIFY(reply->error().toString().contains(e.toString()));
    }

    void unreadableKeyIsAConfigurationError()
    {
        DockerClient client(endpoint(QStringLiteral("ca"), QStringLiteral("client"), QStringLiteral("missing")));
        std::unique_ptr<DockerReply> reply(await(client.info()));
        QCOMPARE(reply->error().kind, DockerError::Kind::Config);
        QVERIFY(reply->error().message.contains(QLatin1String("missing-key.pem")));
    }

    void cleanupTestCase()
    {
        if (m_dockerd.state() != QProcess::NotRunning) {
            m_dockerd.terminate();
            if (!m_dockerd.waitForFinished(20000))
                m_dockerd.kill();
            m_dockerd.waitForFinished(5000);
        }
        // dockerd may leave mounts under its roots; the directory goes after.
        QProcess::execute(QStringLiteral("sh"), {QStringLiteral("-c"),
                                                 QStringLiteral("grep -o ' %1[^ ]*' /proc/mounts | sort -r | "
                                                                "xargs -r -n1 umount -l")
                                                     .arg(m_dir.path())});
    }
};

QTEST_GUILESS_MAIN(TestDockerClientTls)
#include "tst_dockerclienttls.moc"
