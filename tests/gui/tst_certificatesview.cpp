// The certificates view on a store of its own in a temporary directory,
// with its keys in the real OS keychain (gnome-keyring under ./run test):
// making a local CA and a certificate it signs, expiry colours, imports.
#include "../integration/sandboxenvironment.h"

#include "models/certificatetablemodel.h"
#include "models/clusterstore.h"
#include "models/modelroles.h"
#include "services/certificates/certificatestore.h"
#include "services/tls/certificatebundle.h"
#include "ui/certificates/certificatesview.h"
#include "ui/certificates/newcertificatedialog.h"

#include <QDialogButtonBox>
#include <QDirIterator>
#include <QJsonArray>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>

using namespace cape;
using Request = NewCertificateDialog::Request;
using Kind = NewCertificateDialog::Kind;

class TestCertificatesView : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QString m_keychainError;
    std::unique_ptr<CertificateStore> m_store;
    std::unique_ptr<CertificatesView> m_view;

    // Runs one create() or importFiles() and waits for its outcome.
    std::pair<bool, QString> outcome(const std::function<void()> &start)
    {
        QSignalSpy finished(m_view.get(), &CertificatesView::finished);
        start();
        if (finished.isEmpty() && !finished.wait(60000))
            return {false, QStringLiteral("no outcome within 60 s")};
        return {finished.at(0).at(0).toBool(), finished.at(0).at(1).toString()};
    }

    QString idOf(const QString &name) const
    {
        for (const CertificateStore::Entry &entry : m_store->entries()) {
            if (entry.name == name)
                return entry.id;
        }
        return {};
    }

    QString cell(const QString &name, int column) const
    {
        const CertificateTableModel *model = m_view->model();
        return model->index(model->rowOf(idOf(name)), column).data().toString();
    }

    QString state(const QString &name) const
    {
        const CertificateTableModel *model = m_view->model();
        return model->index(model->rowOf(idOf(name)), 0).data(StateRole).toString();
    }

    static bool openssl(const QStringList &arguments)
    {
        QProcess process;
        process.start(QStringLiteral("openssl"), arguments);
        return process.waitForFinished(30000) && process.exitCode() == 0;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<CertificateStore>(m_dir.filePath(QStringLiteral("store")));
        m_store->keychain().setTimeout(20000);
        // A keychain that answers, or the reason there is none.
        bool answered = false;
        m_store->keychain().write(QStringLiteral("probe"), "x", this,
                                  [&](bool ok, const QByteArray &, const QString &problem) {
                                      answered = true;
                                      if (!ok)
                                          m_keychainError = problem;
                                  });
        QTRY_VERIFY_WITH_TIMEOUT(answered, 30000);
        if (!m_keychainError.isEmpty()) {
            if (test::SandboxEnvironment::required())
                QFAIL(qPrintable(m_keychainError));
            QSKIP(qPrintable(m_keychainError));
        }
        m_view = std::make_unique<CertificatesView>(m_store.get(), nullptr);
        m_view->resize(1400, 800);
        m_view->show();
    }

    void theDialogSaysWhatIsMissing()
    {
        NewCertificateDialog dialog({});
        auto *ok = dialog.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
        auto *problem = dialog.findChild<QLabel *>(QStringLiteral("problem"));
        QVERIFY(!ok->isEnabled());
        QCOMPARE(problem->text(), QStringLiteral("Give it a name."));
        Request request;
        request.name = QStringLiteral("x");
        request.subject.ipAddresses = {QStringLiteral("10.0.0.300")};
        request.subject.commonName = QStringLiteral("x.test");
        dialog.setRequest(request);
        QCOMPARE(problem->text(), QStringLiteral("\"10.0.0.300\" is no IP address."));
        request.subject.ipAddresses.clear();
        request.kind = Kind::SignedByAuthority;
        dialog.setRequest(request);
        QCOMPARE(problem->text(),
                 QStringLiteral("No certificate authority with its key is stored yet: make one first."));
        request.kind = Kind::SelfSigned;
        dialog.setRequest(request);
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.request().subject.commonName, QStringLiteral("x.test"));
    }

    void makesALocalAuthorityAndACertificateItSigns()
    {
        Request ca;
        ca.kind = Kind::Authority;
        ca.name = QStringLiteral("Cape Test CA");
        ca.subject = {.commonName = QStringLiteral("Cape Test CA"),
                      .organization = QStringLiteral("Cape"),
                      .days = 3650};
        const auto [caMade, caMessage] = outcome([&] { m_view->create(ca); });
        QVERIFY2(caMade, qPrintable(caMessage));
        QCOMPARE(cell(ca.name, CertificateTableModel::Names), QStringLiteral("certificate authority"));
        QCOMPARE(m_store->authorities().size(), 1);

        Request shop;
        shop.kind = Kind::SignedByAuthority;
        shop.name = QStringLiteral("shop");
        shop.authorityId = idOf(ca.name);
        shop.keyType = PrivateKey::Type::Rsa2048;
        shop.subject = {
            .commonName = QStringLiteral("shop.example.test"),
            .dnsNames = {QStringLiteral("shop.example.test"), QStringLiteral("*.shop.example.test")},
            .days = 90};
        const auto [made, message] = outcome([&] { m_view->create(shop); });
        QVERIFY2(made, qPrintable(message));
        QCOMPARE(message, QStringLiteral("\"shop\" is stored; its private key is in the keychain."));
        QCOMPARE(m_view->model()->rowCount(), 2);
        QCOMPARE(cell(QStringLiteral("shop"), CertificateTableModel::Names),
                 QStringLiteral("shop.example.test, *.shop.example.test"));
        QCOMPARE(cell(QStringLiteral("shop"), CertificateTableModel::Issuer), QStringLiteral("Cape Test CA"));
        QCOMPARE(cell(QStringLiteral("shop"), CertificateTableModel::Key),
                 QStringLiteral("RSA 2048, in keychain"));
        QCOMPARE(state(QStringLiteral("shop")), QStringLiteral("valid"));
        QVERIFY2(cell(QStringLiteral("shop"), CertificateTableModel::Status)
                         .startsWith(QLatin1String("Valid, 89 days left")) ||
                     cell(QStringLiteral("shop"), CertificateTableModel::Status)
                         .startsWith(QLatin1String("Valid, 90 days left")),
                 qPrintable(cell(QStringLiteral("shop"), CertificateTableModel::Status)));
        // Served with its chain, which leads to the store's CA.
        QCOMPARE(m_store->entry(idOf(QStringLiteral("shop")))->chain.size(), 2);
        QCOMPARE(m_store->verify(idOf(QStringLiteral("shop"))), QString());
        QVERIFY(m_view->selectId(idOf(QStringLiteral("shop"))));
        QTRY_VERIFY(m_view->findChild<QTextBrowser *>()->toPlainText().contains(
            QLatin1String("verifies for TLS servers")));
        QVERIFY(
            m_view->findChild<QTextBrowser *>()->toPlainText().contains(QLatin1String("in the OS keychain")));

        // The key is in the keychain and is the certificate's; no file holds it.
        PrivateKey key;
        QString problem = QStringLiteral("pending");
        m_store->readKey(idOf(QStringLiteral("shop")), [&](const PrivateKey &read, const QString &why) {
            key = read;
            problem = why;
        });
        QTRY_VERIFY(problem != QLatin1String("pending"));
        QVERIFY2(key.matches(m_store->entry(idOf(QStringLiteral("shop")))->leaf()), qPrintable(problem));
        QDirIterator files(m_dir.path(), QDir::Files, QDirIterator::Subdirectories);
        while (files.hasNext()) {
            QFile file(files.next());
            QVERIFY(file.open(QIODevice::ReadOnly));
            QVERIFY2(!file.readAll().contains("PRIVATE KEY"), qPrintable(file.fileName()));
        }
        // A store opened afresh lists the same.
        CertificateStore reopened(m_dir.filePath(QStringLiteral("store")));
        QCOMPARE(reopened.entries().size(), 2);
        QVERIFY(reopened.entry(idOf(QStringLiteral("shop")))->hasKey);
    }

    void coloursHowNearTheEndEachCertificateIs()
    {
        for (const auto &[name, days] :
             {std::pair(QStringLiteral("month"), 20), std::pair(QStringLiteral("week"), 5)}) {
            Request request;
            request.name = name;
            request.subject = {.commonName = name + QStringLiteral(".example.test"), .days = days};
            const auto [made, message] = outcome([&] { m_view->create(request); });
            QVERIFY2(made, qPrintable(message));
        }
        QCOMPARE(state(QStringLiteral("month")), QStringLiteral("expiring"));
        QCOMPARE(state(QStringLiteral("week")), QStringLiteral("critical"));
        QVERIFY2(cell(QStringLiteral("week"), CertificateTableModel::Status)
                     .startsWith(QLatin1String("Expires in ")),
                 qPrintable(cell(QStringLiteral("week"), CertificateTableModel::Status)));
        QCOMPARE(cell(QStringLiteral("week"), CertificateTableModel::Issuer), QStringLiteral("self-signed"));
        // A year on, all but the CA have expired.
        m_view->model()->setNow(QDateTime::currentDateTimeUtc().addDays(365));
        QCOMPARE(state(QStringLiteral("shop")), QStringLiteral("expired"));
        QCOMPARE(state(QStringLiteral("week")), QStringLiteral("expired"));
        QCOMPARE(state(QStringLiteral("Cape Test CA")), QStringLiteral("valid"));
        m_view->model()->setNow({});
    }

    void importsPemAndPkcs12AndSaysWhatIsWrong()
    {
        const QString key = m_dir.filePath(QStringLiteral("api.key"));
        const QString certificate = m_dir.filePath(QStringLiteral("api.crt"));
        const QString p12 = m_dir.filePath(QStringLiteral("api.p12"));
        QVERIFY(
            openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                     QStringLiteral("rsa:2048"), QStringLiteral("-nodes"), QStringLiteral("-days"),
                     QStringLiteral("60"), QStringLiteral("-subj"), QStringLiteral("/CN=api.example.test"),
                     QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:api.example.test"),
                     QStringLiteral("-keyout"), key, QStringLiteral("-out"), certificate}));
        QVERIFY(openssl({QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-inkey"), key,
                         QStringLiteral("-in"), certificate, QStringLiteral("-passout"),
                         QStringLiteral("pass:pw"), QStringLiteral("-out"), p12}));

        const auto [wrong, wrongMessage] =
            outcome([&] { m_view->importFiles(QStringLiteral("api"), {p12}, "nope"); });
        QVERIFY(!wrong);
        QCOMPARE(wrongMessage,
                 QStringLiteral("Cannot import api.p12: the password does not open the PKCS#12 file"));
        const auto [imported, message] =
            outcome([&] { m_view->importFiles(QStringLiteral("api"), {p12}, "pw"); });
        QVERIFY2(imported, qPrintable(message));
        QCOMPARE(cell(QStringLiteral("api"), CertificateTableModel::Key),
                 QStringLiteral("RSA 2048, in keychain"));

        // PEM: a certificate and a key in two files; a key of another certificate is refused.
        const auto [pem, pemMessage] = outcome([&] {
            m_view->importFiles(QStringLiteral("api-pem"), {certificate, key}, {});
        });
        QVERIFY2(pem, qPrintable(pemMessage));
        const QString otherKey = m_dir.filePath(QStringLiteral("other.key"));
        QVERIFY(openssl({QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
                         QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                         QStringLiteral("-out"), otherKey}));
        const auto [mismatch, mismatchMessage] = outcome([&] {
            m_view->importFiles(QStringLiteral("mixed"), {certificate, otherKey}, {});
        });
        QVERIFY(!mismatch);
        QCOMPARE(
            mismatchMessage,
            QStringLiteral("Cannot store \"mixed\": the private key does not belong to the certificate"));
        const auto [taken, takenMessage] =
            outcome([&] { m_view->importFiles(QStringLiteral("API"), {certificate}, {}); });
        QVERIFY(!taken);
        QCOMPARE(takenMessage,
                 QStringLiteral("Cannot store \"API\": there is a certificate named \"api\" already"));

        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            m_view->selectId(idOf(QStringLiteral("shop")));
            m_view->clearMessage();
            QTest::qWait(500);
            m_view->grab().save(dir + QStringLiteral("/certificates.png"));
        }
    }

    void publishesACertificateToTheSwarm()
    {
        const test::SandboxEnvironment sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox);
        ClusterStore cluster;
        cluster.connectTo(test::SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")));
        QTRY_COMPARE_WITH_TIMEOUT(cluster.state(), ClusterStore::State::Live, 30000);
        const QString serviceName = QStringLiteral("cape-test-certificate-target");
        std::unique_ptr<DockerReply>(test::await(cluster.client()->removeService(serviceName)));
        const QJsonObject created =
            test::expectOk(
                cluster.client()->createService(QJsonObject{
                    {QStringLiteral("Name"), serviceName},
                    {QStringLiteral("TaskTemplate"),
                     QJsonObject{
                         {QStringLiteral("ContainerSpec"),
                          QJsonObject{{QStringLiteral("Image"), sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                                      {QStringLiteral("Command"),
                                       QJsonArray{QStringLiteral("sleep"), QStringLiteral("3600")}}}}}}}))
                .object();
        const QString serviceId = created[QLatin1String("ID")].toString();
        QVERIFY(!serviceId.isEmpty());

        CertificatesView view(m_store.get(), &cluster);
        QSignalSpy finished(&view, &CertificatesView::finished);
        view.publish(idOf(QStringLiteral("shop")), serviceId, QStringLiteral("shop"));
        QVERIFY(finished.wait(60000));
        const bool published = finished.at(0).at(0).toBool();
        const QString message = finished.at(0).at(1).toString();

        // Mounted into the service; the secrets labelled with the certificate.
        const QJsonObject spec = test::expectOk(cluster.client()->inspectService(serviceId))
                                     .object()[QLatin1String("Spec")]
                                     .toObject();
        QStringList mounted;
        for (const QJsonValue &secret :
             spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Secrets")]
                 .toArray())
            mounted << secret[QLatin1String("File")][QLatin1String("Name")].toString();
        const QJsonArray secrets =
            test::expectOk(cluster.client()->listSecrets(
                               {{QStringLiteral("label"), {QStringLiteral("cape.certificate=shop")}}}))
                .array();
        // The view lists it as published, mounted in the service.
        cluster.refresh();
        const auto swarmRow = [&] {
            for (int row = 0; row < view.model()->rowCount(); ++row) {
                if (view.model()->idAt(row).startsWith(QLatin1String(CertificateTableModel::SwarmIdPrefix)))
                    return row;
            }
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(swarmRow() >= 0, 20000);
        QTRY_COMPARE_WITH_TIMEOUT(
            view.model()->index(swarmRow(), CertificateTableModel::Where).data().toString(),
            QStringLiteral("swarm: cape-test-certificate-target"), 20000);
        QCOMPARE(view.model()->index(swarmRow(), CertificateTableModel::Name).data().toString(),
                 QStringLiteral("shop"));
        QCOMPARE(view.model()->index(swarmRow(), CertificateTableModel::Names).data().toString(),
                 QStringLiteral("shop.example.test,*.shop.example.test").replace(u',', QStringLiteral(", ")));
        QCOMPARE(view.model()->index(swarmRow(), 0).data(StateRole).toString(), QStringLiteral("valid"));
        test::removeService(cluster.client(), serviceId);
        for (const QJsonValue &secret : secrets)
            std::unique_ptr<DockerReply>(
                test::await(cluster.client()->removeSecret(secret[QLatin1String("ID")].toString())));
        QVERIFY2(published, qPrintable(message));
        QCOMPARE(mounted, (QStringList{QStringLiteral("shop.crt"), QStringLiteral("shop.key")}));
        QCOMPARE(secrets.size(), 2);
    }

    // A key and a request made here, the certificate from an external CA
    // (openssl as the CA), imported: it gets the key the request was made with.
    void signsThroughAnExternalCaWithARequestMadeHere()
    {
        Request wanted;
        wanted.kind = Kind::SigningRequest;
        wanted.name = QStringLiteral("partner");
        wanted.subject = {.commonName = QStringLiteral("partner.example.test"),
                          .dnsNames = {QStringLiteral("partner.example.test")},
                          .organization = QStringLiteral("Cape")};
        const auto [made, madeMessage] = outcome([&] { m_view->create(wanted); });
        QVERIFY2(made, qPrintable(madeMessage));
        QCOMPARE(m_store->requests().size(), 1);
        const QString id = m_store->requests().first().id;
        const CertificateTableModel *model = m_view->model();
        const int row = model->rowOf(id);
        QCOMPARE(model->index(row, 0).data(StateRole).toString(), QStringLiteral("pending"));
        QCOMPARE(model->index(row, CertificateTableModel::Status).data().toString(),
                 QStringLiteral("Awaiting the CA's certificate"));
        QCOMPARE(model->index(row, CertificateTableModel::Key).data().toString(),
                 QStringLiteral("EC P-256, in keychain"));
        QTRY_VERIFY(m_view->findChild<QTextBrowser *>()->toPlainText().contains(QLatin1String("Awaiting")));
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            m_view->clearMessage();
            QTest::qWait(500);
            m_view->grab().save(dir + QStringLiteral("/certificate-request.png"));
        }
        // Kept across restarts: a store reading the same directory has it.
        QCOMPARE(CertificateStore(m_dir.filePath(QStringLiteral("store"))).requests().size(), 1);

        const QString csr = m_dir.filePath(QStringLiteral("partner.csr"));
        QVERIFY(m_view->exportRequest(id, csr));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-noout"), QStringLiteral("-verify"),
                         QStringLiteral("-in"), csr}));
        const QString caKey = m_dir.filePath(QStringLiteral("external-ca.key"));
        const QString ca = m_dir.filePath(QStringLiteral("external-ca.crt"));
        const QString issued = m_dir.filePath(QStringLiteral("partner.crt"));
        QVERIFY(openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                         QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                         QStringLiteral("ec_paramgen_curve:P-256"), QStringLiteral("-nodes"),
                         QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                         QStringLiteral("/CN=External Test CA"), QStringLiteral("-keyout"), caKey,
                         QStringLiteral("-out"), ca}));
        QVERIFY(openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"), csr,
                         QStringLiteral("-CA"), ca, QStringLiteral("-CAkey"), caKey,
                         QStringLiteral("-CAcreateserial"), QStringLiteral("-days"), QStringLiteral("20"),
                         QStringLiteral("-copy_extensions"), QStringLiteral("copy"), QStringLiteral("-out"),
                         issued}));

        // A certificate of another key does not take the waiting key.
        const auto [other, otherMessage] = outcome([&] {
            m_view->importFiles(QStringLiteral("stranger"), {m_dir.filePath(QStringLiteral("api.crt"))}, {});
        });
        QVERIFY2(other, qPrintable(otherMessage));
        QCOMPARE(m_store->entry(idOf(QStringLiteral("stranger")))->hasKey, false);
        QCOMPARE(m_store->requests().size(), 1);

        const auto [answered, answeredMessage] = outcome([&] {
            m_view->importFiles(QStringLiteral("partner"), {issued, ca}, {});
        });
        QVERIFY2(answered, qPrintable(answeredMessage));
        QVERIFY(m_store->requests().isEmpty());
        const CertificateStore::Entry *entry = m_store->entry(id);
        QVERIFY(entry);
        QVERIFY(entry->hasKey);
        QCOMPARE(entry->chain.size(), 2);
        QCOMPARE(model->rowOf(id), model->rowCount() - 1); // one row: the request's became the certificate's
        QCOMPARE(model->index(model->rowOf(id), CertificateTableModel::Issuer).data().toString(),
                 QStringLiteral("External Test CA"));
        QCOMPARE(model->index(model->rowOf(id), 0).data(StateRole).toString(), QStringLiteral("expiring"));
        PrivateKey key;
        m_store->readKey(id, [&](const PrivateKey &read, const QString &) { key = read; });
        QTRY_VERIFY_WITH_TIMEOUT(!key.isNull(), 20000);
        QVERIFY(key.matches(entry->leaf()));
    }

    void removesACertificateAndItsKey()
    {
        const QString id = idOf(QStringLiteral("api-pem"));
        QSignalSpy removed(m_store.get(), &CertificateStore::removed);
        m_store->remove(id);
        QCOMPARE(removed.size(), 1);
        QCOMPARE(m_view->model()->rowOf(id), -1);
        bool gone = false;
        m_store->keychain().read(id, this, [&](bool ok, const QByteArray &, const QString &) { gone = !ok; });
        QTRY_VERIFY_WITH_TIMEOUT(gone, 20000);
    }

    void cleanupTestCase()
    {
        if (!m_store)
            return;
        for (const CertificateStore::Entry &entry : m_store->entries())
            m_store->remove(entry.id);
        for (const CertificateStore::PendingRequest &request : m_store->requests())
            m_store->remove(request.id);
        m_store->keychain().remove(QStringLiteral("probe"), this,
                                   [](bool, const QByteArray &, const QString &) {});
        QTest::qWait(500);
    }
};

QTEST_MAIN(TestCertificatesView)
#include "tst_certificatesview.moc"
