#include "sandboxenvironment.h"
#include "services/connections/connectionstore.h"

#include <QCoreApplication>
#include <QDirIterator>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <qt6keychain/keychain.h>

#include <optional>

using namespace cape;

// Keychain tests need a Secret Service on the session bus (./run test starts
// gnome-keyring under dbus-run-session). Without one they skip, or fail when
// CAPE_REQUIRE_SANDBOX says the run must be complete.
#define CAPE_REQUIRE_KEYCHAIN()                                                                              \
    do {                                                                                                     \
        if (!m_keychainError.isEmpty()) {                                                                    \
            if (cape::test::SandboxEnvironment::required())                                                  \
                QFAIL(qPrintable(m_keychainError));                                                          \
            QSKIP(qPrintable(m_keychainError));                                                              \
        }                                                                                                    \
    } while (false)

// The connection store against the real OS keychain (gnome-keyring through
// QtKeychain and libsecret) and real settings files.
class TestConnectionStore : public QObject
{
    Q_OBJECT

    static constexpr auto ChildVariable = "CAPE_TST_CONNECTIONSTORE_CHILD";

    QTemporaryDir m_dir;
    QString m_pki; // PEM files: the only place a key may be on disk, put there by this test
    QByteArray m_caPem, m_certPem, m_keyPem, m_otherCertPem, m_otherKeyPem;
    QString m_keychainError;

    QString ini(const QString &name = QStringLiteral("cape.ini")) const
    {
        return m_dir.filePath(QStringLiteral("settings/") + name);
    }

    static QByteArray read(const QString &file)
    {
        QFile f(file);
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }

    bool makeKeyPair(const QString &name)
    {
        QProcess process;
        process.setWorkingDirectory(m_pki);
        process.start(QStringLiteral("openssl"),
                      {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                       QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                       QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=") + name,
                       QStringLiteral("-keyout"), name + QStringLiteral("-key.pem"), QStringLiteral("-out"),
                       name + QStringLiteral(".pem")});
        process.waitForFinished(60000);
        return process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0;
    }

    ConnectionProfile tlsProfile(const QString &name) const
    {
        ConnectionProfile profile = ConnectionProfile::create(name, QStringLiteral("tcp://10.77.0.1:2376"));
        profile.tls = true;
        profile.caPem = m_caPem;
        profile.certPem = m_certPem;
        return profile;
    }

    // The keychain's own answer for a profile id, bypassing the store.
    static std::pair<QKeychain::Error, QByteArray> keychainEntry(const QString &id)
    {
        auto *job = new QKeychain::ReadPasswordJob(QLatin1String(ConnectionStore::KeychainService));
        job->setKey(id);
        std::optional<std::pair<QKeychain::Error, QByteArray>> answer;
        QObject::connect(job, &QKeychain::Job::finished, job,
                         [&answer, job] { answer = std::pair(job->error(), job->binaryData()); });
        job->start();
        (void)QTest::qWaitFor([&] { return answer.has_value(); }, 30000);
        return answer.value_or(std::pair(QKeychain::OtherError, QByteArray()));
    }

    // What libsecret's command-line tool finds for the entry QtKeychain made
    // (attributes user=<key>, server=<service>): the key in base64, or nothing.
    static std::optional<QByteArray> secretTool(const QString &id)
    {
        if (QStandardPaths::findExecutable(QStringLiteral("secret-tool")).isEmpty())
            return std::nullopt;
        QProcess process;
        process.start(QStringLiteral("secret-tool"),
                      {QStringLiteral("lookup"), QStringLiteral("user"), id, QStringLiteral("server"),
                       QLatin1String(ConnectionStore::KeychainService)});
        process.waitForFinished(30000);
        return process.exitCode() == 0 ? process.readAllStandardOutput() : QByteArray();
    }

    // Every file under the test's directory but the PEM sources: none may
    // hold key material (the header, or any line of the key's body).
    QStringList filesHoldingKeyMaterial(const QByteArray &keyPem) const
    {
        QList<QByteArray> needles{QByteArrayLiteral("PRIVATE KEY")};
        for (const QByteArray &line : keyPem.split('\n')) {
            if (line.size() >= 40 && !line.startsWith("-----"))
                needles.append(line);
        }
        QStringList found;
        QDirIterator it(m_dir.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString file = it.next();
            if (file.startsWith(m_pki + QLatin1Char('/')))
                continue;
            const QByteArray contents = read(file);
            for (const QByteArray &needle : needles) {
                if (contents.contains(needle)) {
                    found.append(file);
                    break;
                }
            }
        }
        return found;
    }

    // Adds a TLS profile with a key and waits for the keychain's verdict:
    // empty, or what keyFailed said.
    static QString addWithKey(ConnectionStore &store, const ConnectionProfile &profile,
                              const QByteArray &keyPem)
    {
        QSignalSpy saved(&store, &ConnectionStore::keySaved);
        QSignalSpy failed(&store, &ConnectionStore::keyFailed);
        QString error;
        if (!store.add(profile, keyPem, &error))
            return error;
        (void)QTest::qWaitFor([&] { return saved.count() + failed.count() > 0; }, 60000);
        if (!failed.isEmpty())
            return failed.first().at(1).toString();
        return saved.isEmpty() ? QStringLiteral("the keychain did not answer") : QString();
    }

    static bool isChild() { return !qEnvironmentVariableIsEmpty(ChildVariable); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        if (isChild()) {
            m_pki = qEnvironmentVariable(ChildVariable);
        } else {
            m_pki = m_dir.filePath(QStringLiteral("pki"));
            QVERIFY(QDir().mkpath(m_pki));
            QVERIFY(makeKeyPair(QStringLiteral("ca")));
            QVERIFY(makeKeyPair(QStringLiteral("client")));
            QVERIFY(makeKeyPair(QStringLiteral("other")));
        }
        m_caPem = read(m_pki + QStringLiteral("/ca.pem"));
        m_certPem = read(m_pki + QStringLiteral("/client.pem"));
        m_keyPem = read(m_pki + QStringLiteral("/client-key.pem"));
        m_otherCertPem = read(m_pki + QStringLiteral("/other.pem"));
        m_otherKeyPem = read(m_pki + QStringLiteral("/other-key.pem"));
        QVERIFY(m_keyPem.contains("PRIVATE KEY"));

        // Default QSettings (and QtKeychain's plaintext fallback, were it
        // ever used) land in this test's directory, to be searched.
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("xdg-config")).toLocal8Bit());
        QCoreApplication::setOrganizationName(QStringLiteral("cape-test"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_connectionstore"));
        if (isChild())
            return;

        // Is there a keychain? Store a key and delete it again.
        ConnectionStore probe(ini(QStringLiteral("probe.ini")));
        probe.setKeychainTimeout(30000);
        const ConnectionProfile profile = tlsProfile(QStringLiteral("keychain probe"));
        m_keychainError = addWithKey(probe, profile, m_keyPem);
        QSignalSpy deleted(&probe, &ConnectionStore::keyDeleted);
        probe.remove(profile.id);
        if (m_keychainError.isEmpty() && !deleted.wait(30000))
            m_keychainError = QStringLiteral("the keychain did not delete a key");
        if (!m_keychainError.isEmpty())
            qWarning("no keychain: %s", qPrintable(m_keychainError));
    }

    void profilesPersistInSettings()
    {
        if (isChild())
            QSKIP("child process");
        ConnectionStore store(ini());
        QSignalSpy added(&store, &ConnectionStore::profileAdded);
        QSignalSpy changed(&store, &ConnectionStore::profileChanged);
        QSignalSpy removed(&store, &ConnectionStore::profileRemoved);
        QSignalSpy current(&store, &ConnectionStore::currentChanged);

        ConnectionProfile local =
            ConnectionProfile::create(QStringLiteral("local"), QStringLiteral("unix:///run/x.sock"));
        local.description = QStringLiteral("the laptop's engine");
        ConnectionProfile lab =
            ConnectionProfile::create(QStringLiteral("lab"), QStringLiteral("tcp://10.0.0.1:2376"));
        lab.tls = true;
        lab.tlsVerify = false;
        lab.caPem = m_caPem;
        lab.nodes = {{QStringLiteral("node2"), QStringLiteral("tcp://10.0.0.2:2376")},
                     {QStringLiteral("node3"), QStringLiteral("tcp://10.0.0.3:2376")}};
        QString error;
        QVERIFY2(store.add(local, &error), qPrintable(error));
        QVERIFY2(store.add(lab, &error), qPrintable(error));
        QCOMPARE(added.count(), 2);
        store.setCurrentId(lab.id);
        QCOMPARE(current.count(), 1);
        store.setCurrentId(QStringLiteral("no such id"));
        QCOMPARE(store.currentId(), lab.id);

        ConnectionStore again(ini());
        QCOMPARE(again.profiles(), store.profiles());
        QCOMPARE(again.profiles(), (QList<ConnectionProfile>{local, lab}));
        QCOMPARE(again.currentId(), lab.id);

        lab.name = QStringLiteral("laboratory");
        lab.nodes.removeLast();
        QVERIFY2(store.update(lab, &error), qPrintable(error));
        QCOMPARE(changed.count(), 1);
        again.reload();
        QCOMPARE(again.profile(lab.id), lab);

        store.remove(lab.id);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(store.currentId(), QString());
        QCOMPARE(current.count(), 2);
        again.reload();
        QCOMPARE(again.profiles(), QList<ConnectionProfile>{local});

        // The default place: the application's settings, group "connections".
        ConnectionStore defaults;
        QVERIFY2(defaults.add(local, &error), qPrintable(error));
        QSettings settings;
        QVERIFY(settings.fileName().startsWith(m_dir.path()));
        QCOMPARE(settings.value(QStringLiteral("connections/profiles/1/name")).toString(),
                 QStringLiteral("local"));
    }

    void unacceptableProfilesAreRefused_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no name") << QStringLiteral("name") << QStringLiteral("a connection needs a name");
        QTest::newRow("id") << QStringLiteral("id") << QStringLiteral("the id is not a UUID");
        QTest::newRow("endpoint") << QStringLiteral("endpoint")
                                  << QStringLiteral("unsupported endpoint scheme ftp");
        QTest::newRow("node endpoint")
            << QStringLiteral("node") << QStringLiteral("node node9: invalid tcp endpoint");
        QTest::newRow("certificate with a key")
            << QStringLiteral("combined") << QStringLiteral("holds a private key");
        QTest::newRow("ca not pem") << QStringLiteral("ca")
                                    << QStringLiteral("the CA certificate is not a PEM certificate");
        QTest::newRow("key without tls")
            << QStringLiteral("plainKey") << QStringLiteral("a private key goes with TLS only");
        QTest::newRow("key without certificate")
            << QStringLiteral("keyNoCert") << QStringLiteral("a private key needs a client certificate");
        QTest::newRow("garbage key") << QStringLiteral("garbageKey")
                                     << QStringLiteral("not an unencrypted PEM private key");
        QTest::newRow("duplicate id") << QStringLiteral("duplicate") << QStringLiteral("exists already");
    }

    void unacceptableProfilesAreRefused()
    {
        if (isChild())
            QSKIP("child process");
        QFETCH(QString, field);
        QFETCH(QString, expected);
        QFile::remove(ini(QStringLiteral("refused.ini")));
        ConnectionStore store(ini(QStringLiteral("refused.ini")));
        ConnectionProfile profile = tlsProfile(QStringLiteral("refused"));
        QByteArray key;
        if (field == QLatin1String("name"))
            profile.name = QStringLiteral("  ");
        else if (field == QLatin1String("id"))
            profile.id = QStringLiteral("prod");
        else if (field == QLatin1String("endpoint"))
            profile.endpoint = QStringLiteral("ftp://me@host");
        else if (field == QLatin1String("node"))
            profile.nodes = {{QStringLiteral("node9"), QStringLiteral("tcp://:2376")}};
        else if (field == QLatin1String("combined"))
            profile.certPem = m_certPem + m_keyPem;
        else if (field == QLatin1String("ca"))
            profile.caPem = "ca";
        else if (field == QLatin1String("plainKey")) {
            profile.tls = false;
            key = m_keyPem;
        } else if (field == QLatin1String("keyNoCert")) {
            profile.certPem.clear();
            key = m_keyPem;
        } else if (field == QLatin1String("garbageKey"))
            key = "-----BEGIN PRIVATE KEY-----\nnonsense\n-----END PRIVATE KEY-----\n";
        else if (field == QLatin1String("duplicate")) {
            QString error;
            QVERIFY(store.add(profile, &error));
        }
        QSignalSpy added(&store, &ConnectionStore::profileAdded);
        QString error;
        QVERIFY(!store.add(profile, key, &error));
        QVERIFY2(error.contains(expected), qPrintable(error));
        QCOMPARE(added.count(), 0);
        QVERIFY(!read(ini(QStringLiteral("refused.ini"))).contains("PRIVATE KEY"));
    }

    void keyLivesInTheKeychainOnly()
    {
        if (isChild())
            QSKIP("child process");
        CAPE_REQUIRE_KEYCHAIN();
        QFile::remove(ini());
        auto store = std::make_unique<ConnectionStore>(ini());
        ConnectionProfile prod = tlsProfile(QStringLiteral("prod"));
        prod.nodes = {{QStringLiteral("node2"), QStringLiteral("tcp://10.77.0.2:2376")}};
        QSignalSpy changed(store.get(), &ConnectionStore::profileChanged);
        const QString problem = addWithKey(*store, prod, m_keyPem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        QVERIFY(store->profile(prod.id).hasKey); // set once the keychain has the key
        QCOMPARE(changed.count(), 1);

        // Settings hold the certificates and that a key exists, not the key.
        const QByteArray settings = read(ini());
        QVERIFY(settings.contains("BEGIN CERTIFICATE"));
        QVERIFY(settings.contains("hasKey=true"));
        QVERIFY(!settings.contains("PRIVATE KEY"));
        QCOMPARE(filesHoldingKeyMaterial(m_keyPem), QStringList());

        // The OS keychain holds it, seen by libsecret's own tool.
        if (const auto entry = secretTool(prod.id))
            QCOMPARE(QByteArray::fromBase64(*entry), m_keyPem);

        // Another instance, as after a restart.
        store.reset();
        ConnectionStore again(ini());
        ConnectionProfile expected = prod;
        expected.hasKey = true;
        QCOMPARE(again.profile(prod.id), expected);
        QSignalSpy loaded(&again, &ConnectionStore::keyLoaded);
        again.loadKey(prod.id);
        QVERIFY(loaded.wait(30000));
        QCOMPARE(loaded.first().at(0).toString(), prod.id);
        QCOMPARE(loaded.first().at(1).toByteArray(), m_keyPem);

        std::optional<ResolvedConnection> resolved;
        again.resolveEndpoint(prod.id, this, [&](const ResolvedConnection &r) { resolved = r; });
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), 30000);
        QVERIFY2(resolved->ok(), qPrintable(resolved->error));
        QCOMPARE(resolved->endpoint.toString(), QStringLiteral("tcp://10.77.0.1:2376"));
        QVERIFY(resolved->endpoint.tls);
        QCOMPARE(resolved->endpoint.keyPem, m_keyPem);
        QCOMPARE(resolved->endpoint.certPem, m_certPem);
        QCOMPARE(resolved->endpoint.caPem, m_caPem);
        const auto node2 = resolved->nodeEndpoint(QStringLiteral("node2"), QString());
        QVERIFY(node2.has_value());
        QCOMPARE(node2->toString(), QStringLiteral("tcp://10.77.0.2:2376"));
        QCOMPARE(node2->keyPem, m_keyPem);
        QVERIFY(!resolved->nodeEndpoint(QStringLiteral("node3"), QString()).has_value());

        // Removing the profile removes the keychain entry.
        QSignalSpy deleted(&again, &ConnectionStore::keyDeleted);
        again.remove(prod.id);
        QVERIFY(deleted.wait(30000));
        QCOMPARE(keychainEntry(prod.id).first, QKeychain::EntryNotFound);
        if (const auto entry = secretTool(prod.id))
            QVERIFY(entry->isEmpty());
        QVERIFY(!ConnectionStore(ini()).contains(prod.id));
    }

    void updateReplacesOrDropsTheKey()
    {
        if (isChild())
            QSKIP("child process");
        CAPE_REQUIRE_KEYCHAIN();
        ConnectionStore store(ini(QStringLiteral("update.ini")));
        ConnectionProfile profile = tlsProfile(QStringLiteral("rotating"));
        QString problem = addWithKey(store, profile, m_keyPem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));

        // A new certificate and key.
        profile = store.profile(profile.id);
        profile.certPem = m_otherCertPem;
        QSignalSpy saved(&store, &ConnectionStore::keySaved);
        QString error;
        QVERIFY2(store.update(profile, m_otherKeyPem, &error), qPrintable(error));
        QVERIFY(saved.wait(30000));
        QCOMPARE(keychainEntry(profile.id).second, m_otherKeyPem);

        // An update without a key keeps it.
        profile.description = QStringLiteral("renewed");
        QVERIFY2(store.update(profile, &error), qPrintable(error));
        QVERIFY(store.profile(profile.id).hasKey);
        QCOMPARE(keychainEntry(profile.id).second, m_otherKeyPem);

        // TLS off: the key goes.
        profile.tls = false;
        QSignalSpy deleted(&store, &ConnectionStore::keyDeleted);
        QVERIFY2(store.update(profile, &error), qPrintable(error));
        QVERIFY(!store.profile(profile.id).hasKey);
        QVERIFY(deleted.wait(30000));
        QCOMPARE(keychainEntry(profile.id).first, QKeychain::EntryNotFound);
        store.remove(profile.id);
        QCOMPARE(filesHoldingKeyMaterial(m_otherKeyPem), QStringList());
    }

    void missingKeychainEntryIsAClearError()
    {
        if (isChild())
            QSKIP("child process");
        CAPE_REQUIRE_KEYCHAIN();
        ConnectionStore store(ini(QStringLiteral("missing.ini")));
        const ConnectionProfile profile = tlsProfile(QStringLiteral("forgotten"));
        const QString problem = addWithKey(store, profile, m_keyPem);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        // The entry vanishes behind the store's back (another tool, another machine's settings).
        auto *job = new QKeychain::DeletePasswordJob(QLatin1String(ConnectionStore::KeychainService));
        job->setKey(profile.id);
        QSignalSpy jobDone(job, &QKeychain::Job::finished);
        job->start();
        QVERIFY(jobDone.wait(30000));

        QSignalSpy failed(&store, &ConnectionStore::keyFailed);
        store.loadKey(profile.id);
        QVERIFY(failed.wait(30000));
        QCOMPARE(failed.first().at(1).toString(),
                 QStringLiteral("cannot read the private key of \"forgotten\" from the keychain: "
                                "the keychain holds no key for it"));
        std::optional<ResolvedConnection> resolved;
        store.resolveEndpoint(profile.id, this, [&](const ResolvedConnection &r) { resolved = r; });
        QTRY_VERIFY_WITH_TIMEOUT(resolved.has_value(), 30000);
        QVERIFY(!resolved->ok());
        QVERIFY2(resolved->error.contains(QLatin1String("holds no key")), qPrintable(resolved->error));
        store.remove(profile.id);
    }

    // The same binary, run without a session bus: what a user without a
    // keychain is told.
    void noKeychainIsAClearError()
    {
        if (isChild())
            QSKIP("child process");
        QProcess child;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QLatin1String(ChildVariable), m_pki);
        env.insert(QStringLiteral("DBUS_SESSION_BUS_ADDRESS"),
                   QStringLiteral("unix:path=") + m_dir.filePath(QStringLiteral("no-bus")));
        env.remove(QStringLiteral("DISPLAY"));
        child.setProcessEnvironment(env);
        child.setProcessChannelMode(QProcess::MergedChannels);
        child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("childWithoutKeychain")});
        QVERIFY(child.waitForFinished(90000));
        const QString output = QString::fromLocal8Bit(child.readAll());
        QVERIFY2(child.exitStatus() == QProcess::NormalExit && child.exitCode() == 0, qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("PASS   : TestConnectionStore::childWithoutKeychain")),
                 qPrintable(output));
        QVERIFY2(output.contains(QLatin1String("cannot store the private key of \"nowhere\" in the keychain: "
                                               "no keychain is available: ")),
                 qPrintable(output));
    }

    void childWithoutKeychain()
    {
        if (!isChild())
            QSKIP("runs in noKeychainIsAClearError's child process");
        ConnectionStore store(ini());
        store.setKeychainTimeout(30000);
        const ConnectionProfile profile = tlsProfile(QStringLiteral("nowhere"));
        const QString problem = addWithKey(store, profile, m_keyPem);
        qInfo("%s", qPrintable(problem));
        QVERIFY(!problem.isEmpty());
        QVERIFY(store.contains(profile.id)); // the profile stays, without a key
        QVERIFY(!store.profile(profile.id).hasKey);
        QVERIFY(!read(ini()).contains("PRIVATE KEY"));

        std::optional<ResolvedConnection> resolved;
        store.resolveEndpoint(profile.id, this, [&](const ResolvedConnection &r) { resolved = r; });
        QTRY_VERIFY(resolved.has_value());
        QVERIFY(!resolved->ok());
        QVERIFY2(resolved->error.contains(QLatin1String("no private key")), qPrintable(resolved->error));
    }
};

QTEST_GUILESS_MAIN(TestConnectionStore)
#include "tst_connectionstore.moc"
