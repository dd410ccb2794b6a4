#include "services/docker/dockerclient.h"
#include "services/docker/dockerendpoint.h"

#include <QDir>
#include <QSignalSpy>
#include <QTest>

using cape::DockerClient;
using cape::DockerEndpoint;
using cape::DockerError;

class TestDockerEndpoint : public QObject
{
    Q_OBJECT

private slots:
    void parsesWhatDockerHostAccepts()
    {
        DockerEndpoint e;
        QString error;
        QVERIFY(DockerEndpoint::parse(QStringLiteral("unix:///run/user/1000/docker.sock"), &e, &error));
        QCOMPARE(e.transport, DockerEndpoint::Transport::Unix);
        QCOMPARE(e.socketPath, QStringLiteral("/run/user/1000/docker.sock"));
        QCOMPARE(e.toString(), QStringLiteral("unix:///run/user/1000/docker.sock"));

        QVERIFY(DockerEndpoint::parse(QStringLiteral("tcp://10.0.0.5:2375"), &e, &error));
        QCOMPARE(e.transport, DockerEndpoint::Transport::Tcp);
        QCOMPARE(e.host, QStringLiteral("10.0.0.5"));
        QCOMPARE(e.port, quint16(2375));

        QVERIFY(DockerEndpoint::parse(QStringLiteral("tcp://[::1]:2376"), &e, &error));
        QCOMPARE(e.host, QStringLiteral("::1"));
        QCOMPARE(e.toString(), QStringLiteral("tcp://[::1]:2376"));

        QVERIFY(DockerEndpoint::parse(QStringLiteral("tcp://manager"), &e, &error));
        QCOMPARE(e.port, quint16(2375));
    }

    void parsesSshAsTheCliDoes()
    {
        DockerEndpoint e;
        QString error;
        QVERIFY2(DockerEndpoint::parse(QStringLiteral("ssh://ops@manager"), &e, &error), qPrintable(error));
        QCOMPARE(e.transport, DockerEndpoint::Transport::Ssh);
        QCOMPARE(e.user, QStringLiteral("ops"));
        QCOMPARE(e.host, QStringLiteral("manager"));
        QCOMPARE(e.port, quint16(0)); // left to ~/.ssh/config
        QCOMPARE(e.toString(), QStringLiteral("ssh://ops@manager"));
        QVERIFY(DockerEndpoint::parse(QStringLiteral("ssh://10.0.0.1:2222"), &e, &error));
        QVERIFY(e.user.isEmpty());
        QCOMPARE(e.port, quint16(2222));
        QCOMPARE(e.toString(), QStringLiteral("ssh://10.0.0.1:2222"));
        QVERIFY(DockerEndpoint::parse(QStringLiteral("ssh://root@[fd00::1]:22"), &e, &error));
        QCOMPARE(e.host, QStringLiteral("fd00::1"));
        QCOMPARE(e.toString(), QStringLiteral("ssh://root@[fd00::1]:22"));
    }

    void rejectsWhatItCannotServe_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ftp") << QStringLiteral("ftp://me@host")
                             << QStringLiteral("unsupported endpoint scheme ftp");
        QTest::newRow("ssh password")
            << QStringLiteral("ssh://me:secret@host") << QStringLiteral("takes no password");
        QTest::newRow("ssh path") << QStringLiteral("ssh://host/var/run")
                                  << QStringLiteral("must not have a path");
        QTest::newRow("relative") << QStringLiteral("unix://docker.sock") << QStringLiteral("absolute");
        QTest::newRow("no host") << QStringLiteral("tcp://:2375") << QStringLiteral("invalid tcp endpoint");
        QTest::newRow("path") << QStringLiteral("tcp://h:1/x") << QStringLiteral("must not have a path");
        QTest::newRow("nonsense") << QStringLiteral("docker") << QStringLiteral("invalid endpoint");
    }

    void rejectsWhatItCannotServe()
    {
        QFETCH(QString, spec);
        QFETCH(QString, expected);
        DockerEndpoint e;
        QString error;
        QVERIFY(!DockerEndpoint::parse(spec, &e, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(e, DockerEndpoint()); // left unchanged
    }

    void environmentAsTheCliReadsIt()
    {
        QProcessEnvironment env;
        DockerEndpoint e;
        QString error;
        QVERIFY(DockerEndpoint::fromEnvironment(env, &e, &error));
        QCOMPARE(e.toString(), QStringLiteral("unix:///var/run/docker.sock"));
        QVERIFY(!e.tls);

        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://swarm.example:2376"));
        env.insert(QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1"));
        env.insert(QStringLiteral("DOCKER_CERT_PATH"), QStringLiteral("/etc/cape/certs"));
        QVERIFY(DockerEndpoint::fromEnvironment(env, &e, &error));
        QVERIFY(e.tls);
        QVERIFY(e.tlsVerify);
        QCOMPARE(e.caFile, QStringLiteral("/etc/cape/certs/ca.pem"));
        QCOMPARE(e.certFile, QStringLiteral("/etc/cape/certs/cert.pem"));
        QCOMPARE(e.keyFile, QStringLiteral("/etc/cape/certs/key.pem"));

        env.remove(QStringLiteral("DOCKER_CERT_PATH"));
        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://swarm.example"));
        QVERIFY(DockerEndpoint::fromEnvironment(env, &e, &error));
        QCOMPARE(e.port, quint16(2376)); // TLS default port
        QCOMPARE(e.caFile, QDir::homePath() + QStringLiteral("/.docker/ca.pem"));

        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("npipe:////./pipe/docker_engine"));
        QVERIFY(!DockerEndpoint::fromEnvironment(env, &e, &error));
    }

    void certificatesInMemoryOrInFiles()
    {
        DockerEndpoint e;
        QString error;
        QVERIFY(DockerEndpoint::parse(QStringLiteral("tcp://swarm.example:2375"), &e, &error));
        e.useCertificateDirectory(QStringLiteral("/etc/cape/certs"), true);
        e.useCertificates("CA", "CERT", "KEY", false);
        QVERIFY(e.tls);
        QVERIFY(!e.tlsVerify);
        QCOMPARE(e.port, quint16(2376));
        QCOMPARE(e.caPem, QByteArray("CA"));
        QCOMPARE(e.certPem, QByteArray("CERT"));
        QCOMPARE(e.keyPem, QByteArray("KEY"));
        // Memory wins: no stale paths are left behind.
        QVERIFY(e.caFile.isEmpty() && e.certFile.isEmpty() && e.keyFile.isEmpty());

        e.useCertificateDirectory(QStringLiteral("/etc/cape/certs"), true);
        QVERIFY(e.tlsVerify);
        QCOMPARE(e.keyFile, QStringLiteral("/etc/cape/certs/key.pem"));
        QVERIFY(e.caPem.isEmpty() && e.certPem.isEmpty() && e.keyPem.isEmpty());
        QCOMPARE(e.toString(), QStringLiteral("tcp://swarm.example:2376"));

        DockerEndpoint other = e;
        other.keyPem = "KEY";
        QVERIFY(!(other == e));
    }

    // Bad TLS material is a configuration error, reported before any
    // connection is tried (the host below does not exist).
    void badTlsMaterialInMemory_data()
    {
        QTest::addColumn<QByteArray>("ca");
        QTest::addColumn<QByteArray>("cert");
        QTest::addColumn<QByteArray>("key");
        QTest::addColumn<QString>("expected");
        QTest::newRow("ca") << QByteArray("not a certificate") << QByteArray() << QByteArray()
                            << QStringLiteral("the CA certificate (in memory) is not a PEM certificate");
        QTest::newRow("cert") << QByteArray()
                              << QByteArray("-----BEGIN CERTIFICATE-----\nxx\n-----END CERTIFICATE-----\n")
                              << QByteArray("key")
                              << QStringLiteral("the client certificate (in memory) is not a PEM certificate");
        QTest::newRow("key without certificate") << QByteArray() << QByteArray() << QByteArray("key")
                                                 << QStringLiteral("a client key needs a client certificate");
    }

    void badTlsMaterialInMemory()
    {
        QFETCH(QByteArray, ca);
        QFETCH(QByteArray, cert);
        QFETCH(QByteArray, key);
        QFETCH(QString, expected);
        DockerEndpoint e;
        QString error;
        QVERIFY(DockerEndpoint::parse(QStringLiteral("tcp://cape-no-such-host.invalid:2376"), &e, &error));
        e.useCertificates(ca, cert, key, true);
        DockerClient client(e);
        std::unique_ptr<cape::DockerReply> reply(client.ping());
        QSignalSpy finished(reply.get(), &cape::DockerExchange::finished);
        QVERIFY(finished.wait(10000));
        QCOMPARE(reply->error().kind, DockerError::Kind::Config);
        QCOMPARE(reply->error().message, expected);
    }
};

QTEST_GUILESS_MAIN(TestDockerEndpoint)
#include "tst_dockerendpoint.moc"
