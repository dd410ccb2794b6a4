#include "services/connections/dockercontextimporter.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

// Contexts made by the real docker CLI in a private DOCKER_CONFIG, with
// certificates made by openssl: TLS, plain, skip-verify, ssh and a broken one.
class TestDockerContextImporter : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_docker;

    QString path(const QString &name) const { return m_dir.filePath(name); }
    QString config() const { return path(QStringLiteral("docker-config")); }

    static QByteArray read(const QString &file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    bool run(const QString &program, const QStringList &arguments, QString *output = nullptr)
    {
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"})
            env.remove(QLatin1String(name));
        env.insert(QStringLiteral("DOCKER_CONFIG"), config());
        process.setProcessEnvironment(env);
        process.setWorkingDirectory(m_dir.path());
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        process.waitForFinished(60000);
        const QString out = QString::fromLocal8Bit(process.readAll());
        if (output)
            *output = out;
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            qWarning("%s %s: %s", qPrintable(program), qPrintable(arguments.join(QLatin1Char(' '))),
                     qPrintable(out));
            return false;
        }
        return true;
    }

    bool docker(const QStringList &arguments, QString *output = nullptr)
    {
        return run(m_docker, arguments, output);
    }

    QString metaDir(const QString &context) const
    {
        return config() + QStringLiteral("/contexts/meta/") +
               DockerContextImporter::contextDirectoryName(context);
    }

    static const DockerContextImporter::Imported *find(const DockerContextImporter::Result &result,
                                                       const QString &context)
    {
        for (const auto &imported : result.connections) {
            if (imported.context == context)
                return &imported;
        }
        return nullptr;
    }

    QProcessEnvironment cleanEnvironment() const
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("DOCKER_CONFIG"), config());
        return env;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_docker = QStandardPaths::findExecutable(QStringLiteral("docker"));
        if (m_docker.isEmpty())
            QSKIP("the docker CLI is not installed (it makes this test's contexts): install docker.io or "
                  "docker-ce-cli");
        // A client key and certificate, and a CA (self-signed, the same pair).
        QVERIFY(run(QStringLiteral("openssl"),
                    {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                     QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=cape-client"),
                     QStringLiteral("-keyout"), QStringLiteral("key.pem"), QStringLiteral("-out"),
                     QStringLiteral("cert.pem")}));
        QVERIFY(run(QStringLiteral("openssl"),
                    {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                     QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=cape-ca"),
                     QStringLiteral("-keyout"), QStringLiteral("ca-key.pem"), QStringLiteral("-out"),
                     QStringLiteral("ca.pem")}));

        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("prod"),
                        QStringLiteral("--description"), QStringLiteral("the production swarm"),
                        QStringLiteral("--docker"),
                        QStringLiteral("host=tcp://10.1.2.3:2376,ca=%1,cert=%2,key=%3")
                            .arg(path(QStringLiteral("ca.pem")), path(QStringLiteral("cert.pem")),
                                 path(QStringLiteral("key.pem")))}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("local"),
                        QStringLiteral("--docker"), QStringLiteral("host=unix:///run/cape-test.sock")}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("plain"),
                        QStringLiteral("--docker"), QStringLiteral("host=tcp://10.1.2.4:2375")}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("insecure"),
                        QStringLiteral("--docker"),
                        QStringLiteral("host=tcp://10.1.2.5:2376,skip-tls-verify=true,ca=%1")
                            .arg(path(QStringLiteral("ca.pem")))}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("tunnel"),
                        QStringLiteral("--docker"), QStringLiteral("host=ssh://me@10.1.2.6")}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("create"), QStringLiteral("broken"),
                        QStringLiteral("--docker"), QStringLiteral("host=tcp://10.1.2.7:2375")}));
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("use"), QStringLiteral("prod")}));

        // What the CLI made is what the importer reads: meta.json per context
        // under sha256(name), TLS material under tls/<same>/docker/.
        QVERIFY(QFile::exists(metaDir(QStringLiteral("prod")) + QStringLiteral("/meta.json")));
        QVERIFY(QFile::exists(config() + QStringLiteral("/contexts/tls/") +
                              DockerContextImporter::contextDirectoryName(QStringLiteral("prod")) +
                              QStringLiteral("/docker/key.pem")));
        QFile broken(metaDir(QStringLiteral("broken")) + QStringLiteral("/meta.json"));
        QVERIFY(broken.open(QIODevice::WriteOnly | QIODevice::Truncate));
        broken.write("{\"Name\":\"broken\",\"Endpoints\":{\"docker\":");
    }

    void importsContextsAsTheCliMadeThem()
    {
        const auto result = DockerContextImporter::importAll(config(), cleanEnvironment());
        QStringList contexts;
        for (const auto &imported : result.connections)
            contexts.append(imported.context);
        QCOMPARE(contexts,
                 (QStringList{QStringLiteral("default"), QStringLiteral("insecure"), QStringLiteral("local"),
                              QStringLiteral("plain"), QStringLiteral("prod"), QStringLiteral("tunnel")}));
        QCOMPARE(result.currentContext, QStringLiteral("prod"));

        const auto *prod = find(result, QStringLiteral("prod"));
        QVERIFY(prod);
        QVERIFY(prod->current);
        QCOMPARE(prod->profile.name, QStringLiteral("prod"));
        QCOMPARE(prod->profile.description, QStringLiteral("the production swarm"));
        QCOMPARE(prod->profile.endpoint, QStringLiteral("tcp://10.1.2.3:2376"));
        QVERIFY(prod->profile.tls);
        QVERIFY(prod->profile.tlsVerify);
        QCOMPARE(prod->profile.caPem, read(path(QStringLiteral("ca.pem"))));
        QCOMPARE(prod->profile.certPem, read(path(QStringLiteral("cert.pem"))));
        QVERIFY(prod->profile.hasKey);
        QCOMPARE(prod->keyPem, read(path(QStringLiteral("key.pem"))));
        QVERIFY(!prod->profile.caPem.contains("PRIVATE KEY"));
        QVERIFY(!prod->profile.certPem.contains("PRIVATE KEY"));
        QString error;
        QVERIFY2(prod->profile.validate(&error), qPrintable(error));

        DockerEndpoint endpoint;
        QVERIFY2(prod->profile.toEndpoint(prod->keyPem, &endpoint, &error), qPrintable(error));
        QCOMPARE(endpoint.toString(), QStringLiteral("tcp://10.1.2.3:2376"));
        QVERIFY(endpoint.tls);
        QVERIFY(endpoint.tlsVerify);
        QCOMPARE(endpoint.keyPem, prod->keyPem);
        QCOMPARE(endpoint.certPem, prod->profile.certPem);
        QVERIFY(endpoint.keyFile.isEmpty());
        // Without its key, a profile that has one does not make an endpoint.
        QVERIFY(!prod->profile.toEndpoint({}, &endpoint, &error));
        QVERIFY2(error.contains(QLatin1String("keychain")), qPrintable(error));

        const auto *local = find(result, QStringLiteral("local"));
        QVERIFY(local);
        QVERIFY(!local->current);
        QCOMPARE(local->profile.endpoint, QStringLiteral("unix:///run/cape-test.sock"));
        QVERIFY(!local->profile.tls);
        QVERIFY(local->keyPem.isEmpty());

        const auto *plain = find(result, QStringLiteral("plain"));
        QVERIFY(plain);
        QVERIFY(!plain->profile.tls);
        QVERIFY(plain->profile.caPem.isEmpty());
        QVERIFY(plain->profile.toEndpoint({}, &endpoint, &error));
        QCOMPARE(endpoint.port, quint16(2375));
        QVERIFY(!endpoint.tls);

        // skip-tls-verify: TLS without checking the engine, no client key.
        const auto *insecure = find(result, QStringLiteral("insecure"));
        QVERIFY(insecure);
        QVERIFY(insecure->profile.tls);
        QVERIFY(!insecure->profile.tlsVerify);
        QVERIFY(!insecure->profile.hasKey);
        QCOMPARE(insecure->profile.caPem, read(path(QStringLiteral("ca.pem"))));

        const auto *fallback = find(result, QStringLiteral("default"));
        QVERIFY(fallback);
        QCOMPARE(fallback->profile.endpoint, QStringLiteral("unix:///var/run/docker.sock"));
        QVERIFY(!fallback->current);

        QStringList ids;
        for (const auto &imported : result.connections)
            ids.append(imported.profile.id);
        ids.removeDuplicates();
        QCOMPARE(ids.size(), result.connections.size());
    }

    void brokenContextsAreReportedOneByOne()
    {
        const auto result = DockerContextImporter::importContexts(config());
        QCOMPARE(result.connections.size(), 5); // prod, local, plain, insecure, tunnel
        QCOMPARE(result.errors.size(), 1);      // broken
        const QString all = result.errors.join(QLatin1Char('\n'));
        QVERIFY2(
            all.contains(metaDir(QStringLiteral("broken")) + QStringLiteral(": meta.json is not valid JSON")),
            qPrintable(all));
        // ssh:// as the CLI has it: no TLS material, the user's ssh setup does the rest.
        const auto *tunnel = find(result, QStringLiteral("tunnel"));
        QVERIFY(tunnel);
        QCOMPARE(tunnel->profile.endpoint, QStringLiteral("ssh://me@10.1.2.6"));
        QVERIFY(!tunnel->profile.tls);
        QVERIFY(tunnel->keyPem.isEmpty());
    }

    void currentContextAsTheCliResolvesIt()
    {
        QProcessEnvironment env = cleanEnvironment();
        QString error;
        QCOMPARE(DockerContextImporter::currentContext(config(), env, &error), QStringLiteral("prod"));
        QString cli;
        QVERIFY(docker({QStringLiteral("context"), QStringLiteral("show")}, &cli));
        QCOMPARE(cli.trimmed(), QStringLiteral("prod"));

        env.insert(QStringLiteral("DOCKER_CONTEXT"), QStringLiteral("local"));
        QCOMPARE(DockerContextImporter::currentContext(config(), env, &error), QStringLiteral("local"));
        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://10.9.9.9:2375"));
        QCOMPARE(DockerContextImporter::currentContext(config(), env, &error), QStringLiteral("default"));
        QVERIFY(error.isEmpty());

        QTemporaryDir empty;
        QCOMPARE(DockerContextImporter::currentContext(empty.path(), cleanEnvironment(), &error),
                 QStringLiteral("default"));

        QCOMPARE(DockerContextImporter::configDirectory(cleanEnvironment()), config());
        QCOMPARE(DockerContextImporter::configDirectory(QProcessEnvironment()),
                 QDir::homePath() + QStringLiteral("/.docker"));
    }

    void environmentWithCertificates()
    {
        QProcessEnvironment env = cleanEnvironment();
        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("tcp://swarm.example"));
        env.insert(QStringLiteral("DOCKER_TLS_VERIFY"), QStringLiteral("1"));
        // DOCKER_CERT_PATH holds ca.pem, cert.pem and key.pem, as the CLI wants them.
        env.insert(QStringLiteral("DOCKER_CERT_PATH"), m_dir.path());
        const auto result = DockerContextImporter::importAll(config(), env);
        QCOMPARE(result.currentContext, QStringLiteral("default"));
        const auto *fromEnv = find(result, QStringLiteral("default"));
        QVERIFY(fromEnv);
        QVERIFY(fromEnv->current);
        QCOMPARE(fromEnv->profile.endpoint, QStringLiteral("tcp://swarm.example:2376"));
        QVERIFY(fromEnv->profile.tls);
        QVERIFY(fromEnv->profile.tlsVerify);
        QCOMPARE(fromEnv->profile.caPem, read(path(QStringLiteral("ca.pem"))));
        QCOMPARE(fromEnv->profile.certPem, read(path(QStringLiteral("cert.pem"))));
        QCOMPARE(fromEnv->keyPem, read(path(QStringLiteral("key.pem"))));
        QVERIFY(fromEnv->profile.hasKey);
        QVERIFY(!find(result, QStringLiteral("prod"))->current);

        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("ftp://me@host"));
        const auto refused = DockerContextImporter::importAll(config(), env);
        QVERIFY(!find(refused, QStringLiteral("default")));
        QVERIFY2(refused.errors.join(QLatin1Char('\n'))
                     .contains(QLatin1String("DOCKER_HOST: unsupported endpoint scheme ftp")),
                 qPrintable(refused.errors.join(QLatin1Char('\n'))));
        env.insert(QStringLiteral("DOCKER_HOST"), QStringLiteral("ssh://me@host"));
        const auto overSsh = DockerContextImporter::importAll(config(), env);
        QVERIFY(find(overSsh, QStringLiteral("default")));
        QCOMPARE(find(overSsh, QStringLiteral("default"))->profile.endpoint, QStringLiteral("ssh://me@host"));
    }

    void certificateHoldingAKeyIsRefused()
    {
        // A combined cert+key file: importing it would put a key in settings.
        QFile combined(path(QStringLiteral("combined.pem")));
        QVERIFY(combined.open(QIODevice::WriteOnly));
        combined.write(read(path(QStringLiteral("cert.pem"))) + read(path(QStringLiteral("key.pem"))));
        combined.close();
        QTemporaryDir other;
        QProcess process;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("DOCKER_CONFIG"), other.path());
        process.setProcessEnvironment(env);
        process.start(m_docker, {QStringLiteral("context"), QStringLiteral("create"),
                                 QStringLiteral("combined"), QStringLiteral("--docker"),
                                 QStringLiteral("host=tcp://10.1.2.8:2376,cert=%1,key=%2")
                                     .arg(combined.fileName(), path(QStringLiteral("key.pem")))});
        QVERIFY(process.waitForFinished(60000));
        QCOMPARE(process.exitCode(), 0);
        const auto result = DockerContextImporter::importContexts(other.path());
        QVERIFY(result.connections.isEmpty());
        QCOMPARE(result.errors.size(), 1);
        QVERIFY2(result.errors.first().contains(QLatin1String("holds a private key")),
                 qPrintable(result.errors.first()));
    }

    void nodeEndpointsShareTheTlsMaterial()
    {
        const auto result = DockerContextImporter::importContexts(config());
        ConnectionProfile profile = find(result, QStringLiteral("prod"))->profile;
        const QByteArray key = find(result, QStringLiteral("prod"))->keyPem;
        profile.nodes = {
            {QStringLiteral("node2"), QStringLiteral("tcp://10.1.2.32")},
            {QStringLiteral("x0b4c1u5m2m0"), QStringLiteral("tcp://10.1.2.33:2400")}}; // a short ID
        QString error;
        QVERIFY2(profile.validate(&error), qPrintable(error));
        const auto *node2 = profile.findNode(QStringLiteral("NODE2"), QStringLiteral("whatever"));
        QVERIFY(node2);
        DockerEndpoint endpoint;
        QVERIFY(profile.toEndpoint(*node2, key, &endpoint, &error));
        QCOMPARE(endpoint.toString(), QStringLiteral("tcp://10.1.2.32:2376")); // TLS default port
        QCOMPARE(endpoint.keyPem, key);
        QCOMPARE(endpoint.caPem, profile.caPem);
        QVERIFY(profile.findNode(QStringLiteral("node3"), QStringLiteral("x0b4c1u5m2m0v9e3n4zq7r1s")));
        QVERIFY(profile.findNode(QString(), QStringLiteral("x0b4c1u5m2m0")));
        QVERIFY(!profile.findNode(QStringLiteral("node3"), QStringLiteral("x0b4c1")));

        profile.nodes.append({QStringLiteral("node4"), QStringLiteral("ftp://node4")});
        QVERIFY(!profile.validate(&error));
        QVERIFY2(error.contains(QLatin1String("node node4: unsupported endpoint scheme ftp")),
                 qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestDockerContextImporter)
#include "tst_dockercontextimporter.moc"
