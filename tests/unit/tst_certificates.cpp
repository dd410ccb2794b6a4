// Certificates and keys made and read with OpenSSL (services/tls), each
// result checked independently with the openssl command-line tool.
#include "services/tls/certificate.h"
#include "services/tls/certificatebundle.h"
#include "services/tls/certificatefactory.h"
#include "services/tls/privatekey.h"
#include "services/tls/signingrequest.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;
using Subject = CertificateFactory::Subject;

class TestCertificates : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile file(path);
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
        return path;
    }

    // The openssl tool's output (stdout and stderr), and whether it succeeded.
    static std::pair<bool, QString> openssl(const QStringList &arguments)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(QStringLiteral("openssl"), arguments);
        const bool finished = process.waitForFinished(30000);
        return {finished && process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                QString::fromUtf8(process.readAll())};
    }

    static PrivateKey key(PrivateKey::Type type = PrivateKey::Type::EcP256)
    {
        QString error;
        const PrivateKey generated = PrivateKey::generate(type, &error);
        [&] { QVERIFY2(!generated.isNull(), qPrintable(error)); }();
        return generated;
    }

    struct Authority
    {
        Certificate certificate;
        PrivateKey key;
    };

    static Authority authority(const QString &name)
    {
        Authority made{{}, key()};
        QString error;
        made.certificate = CertificateFactory::createAuthority(
            {.commonName = name, .organization = QStringLiteral("Cape test"), .days = 30}, made.key, &error);
        [&] { QVERIFY2(!made.certificate.isNull(), qPrintable(error)); }();
        return made;
    }

private slots:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void aLocalAuthoritySignsAServerCertificateThatOpensslVerifies()
    {
        const Authority ca = authority(QStringLiteral("Cape Test CA"));
        QVERIFY(ca.certificate.isAuthority());
        QVERIFY(ca.certificate.isSelfIssued());
        const PrivateKey leafKey = key();
        QString error;
        const Certificate leaf = CertificateFactory::issue(
            {.commonName = QStringLiteral("app.example.com"),
             .dnsNames = {QStringLiteral("app.example.com"), QStringLiteral("*.apps.example.com")},
             .ipAddresses = {QStringLiteral("10.0.0.5")},
             .days = 90},
            leafKey, ca.certificate, ca.key, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));

        QCOMPARE(leaf.issuer(), ca.certificate.subject());
        QCOMPARE(leaf.subject(), QStringLiteral("CN=app.example.com"));
        QCOMPARE(leaf.dnsNames(),
                 (QStringList{QStringLiteral("app.example.com"), QStringLiteral("*.apps.example.com")}));
        QCOMPARE(leaf.ipAddresses(), QStringList{QStringLiteral("10.0.0.5")});
        QCOMPARE(leaf.keyDescription(), QStringLiteral("EC P-256"));
        QVERIFY(!leaf.isAuthority());
        QVERIFY(!leaf.isSelfIssued());
        QVERIFY(qAbs(QDateTime::currentDateTimeUtc().daysTo(leaf.notAfter()) - 90) <= 1);
        QCOMPARE(leaf.sha256Fingerprint().size(), 32 * 3 - 1);

        // Names as a TLS client matches them.
        QVERIFY(leaf.covers(QStringLiteral("app.example.com")));
        QVERIFY(leaf.covers(QStringLiteral("APP.example.com")));
        QVERIFY(leaf.covers(QStringLiteral("x.apps.example.com")));
        QVERIFY(!leaf.covers(QStringLiteral("a.b.apps.example.com"))); // one label, no more
        QVERIFY(!leaf.covers(QStringLiteral("apps.example.com")));
        QVERIFY(!leaf.covers(QStringLiteral("example.com")));
        QVERIFY(leaf.covers(QStringLiteral("10.0.0.5")));
        QVERIFY(!leaf.covers(QStringLiteral("10.0.0.6")));

        // Verified here, and by openssl as a TLS server's certificate.
        QCOMPARE((CertificateBundle{{leaf}, leafKey}.verify({ca.certificate})), QString());
        const auto [verified, output] =
            openssl({QStringLiteral("verify"), QStringLiteral("-purpose"), QStringLiteral("sslserver"),
                     QStringLiteral("-CAfile"), write(QStringLiteral("ca.pem"), ca.certificate.toPem()),
                     write(QStringLiteral("leaf.pem"), leaf.toPem())});
        QVERIFY2(verified && output.contains(QLatin1String(": OK")), qPrintable(output));

        // Another CA does not vouch for it.
        const Authority stranger = authority(QStringLiteral("Someone Else"));
        const QString refused = CertificateBundle{{leaf}, {}}.verify({stranger.certificate});
        QVERIFY2(refused.contains(QLatin1String("unable to get local issuer certificate")),
                 qPrintable(refused));
    }

    void aSelfSignedCertificateIsItsOwnIssuer()
    {
        const PrivateKey rsa = key(PrivateKey::Type::Rsa2048);
        QCOMPARE(rsa.description(), QStringLiteral("RSA 2048"));
        QString error;
        const Certificate certificate =
            CertificateFactory::selfSigned({.commonName = QStringLiteral("dev.test"),
                                            .dnsNames = {QStringLiteral("dev.test")},
                                            .organization = QStringLiteral("Dev"),
                                            .days = 30},
                                           rsa, &error);
        QVERIFY2(!certificate.isNull(), qPrintable(error));
        QVERIFY(certificate.isSelfIssued());
        QVERIFY(!certificate.isAuthority());
        QCOMPARE(certificate.keyDescription(), QStringLiteral("RSA 2048"));
        QCOMPARE(certificate.subject(), QStringLiteral("CN=dev.test,O=Dev"));
        QVERIFY(rsa.matches(certificate));
        const QString refused = CertificateBundle{{certificate}, rsa}.verify({QList<Certificate>{}});
        QVERIFY2(refused.contains(QLatin1String("self-signed")) ||
                     refused.contains(QLatin1String("self signed")),
                 qPrintable(refused));
        const auto [read, text] =
            openssl({QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-text"),
                     QStringLiteral("-in"), write(QStringLiteral("self.pem"), certificate.toPem())});
        QVERIFY2(read && text.contains(QLatin1String("DNS:dev.test")) &&
                     text.contains(QLatin1String("TLS Web Server Authentication")),
                 qPrintable(text));

        const PrivateKey ed = key(PrivateKey::Type::Ed25519);
        const Certificate edwards =
            CertificateFactory::selfSigned({.commonName = QStringLiteral("ed.test"), .days = 1}, ed, &error);
        QVERIFY2(!edwards.isNull(), qPrintable(error));
        QCOMPARE(edwards.keyDescription(), QStringLiteral("Ed25519"));
        QCOMPARE(edwards.names(), QStringList{QStringLiteral("ed.test")}); // no SANs: its CN
    }

    void tellsHowNearItsEndACertificateIs()
    {
        const PrivateKey k = key();
        QString error;
        const auto valid = [&](int days) {
            return CertificateFactory::selfSigned({.commonName = QStringLiteral("t.test"), .days = days}, k,
                                                  &error);
        };
        QCOMPARE(valid(90).expiry(), Certificate::Expiry::Valid);
        QCOMPARE(valid(20).expiry(), Certificate::Expiry::Within30Days);
        QCOMPARE(valid(5).expiry(), Certificate::Expiry::Within7Days);
        const Certificate year = valid(365);
        QCOMPARE(year.expiry(year.notAfter().addSecs(1)), Certificate::Expiry::Expired);
        QCOMPARE(year.expiry(year.notBefore().addSecs(-1)), Certificate::Expiry::NotYetValid);
    }

    void aKeyMatchesOnlyItsOwnCertificate()
    {
        const PrivateKey mine = key();
        const PrivateKey other = key();
        QString error;
        const Certificate certificate = CertificateFactory::selfSigned(
            {.commonName = QStringLiteral("k.test"), .days = 10}, mine, &error);
        QVERIFY(mine.matches(certificate));
        QVERIFY(!other.matches(certificate));
        QVERIFY((CertificateBundle{{certificate}, mine}.keyMatches()));
        QVERIFY(!(CertificateBundle{{certificate}, other}.keyMatches()));
        // What openssl says the public key is, from the key alone.
        const auto [ok, publicKey] =
            openssl({QStringLiteral("pkey"), QStringLiteral("-pubout"), QStringLiteral("-in"),
                     write(QStringLiteral("mine.key"), mine.toPem())});
        const auto [ok2, certificateKey] =
            openssl({QStringLiteral("x509"), QStringLiteral("-noout"), QStringLiteral("-pubkey"),
                     QStringLiteral("-in"), write(QStringLiteral("mine.pem"), certificate.toPem())});
        QVERIFY(ok && ok2);
        QCOMPARE(publicKey, certificateKey);
    }

    void importsPemWithItsChainAndAnEncryptedKey()
    {
        const Authority ca = authority(QStringLiteral("Chain CA"));
        const auto [made, output] =
            openssl({QStringLiteral("genpkey"), QStringLiteral("-algorithm"), QStringLiteral("EC"),
                     QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                     QStringLiteral("-aes-256-cbc"), QStringLiteral("-pass"), QStringLiteral("pass:secret"),
                     QStringLiteral("-out"), m_dir.filePath(QStringLiteral("enc.key"))});
        QVERIFY2(made, qPrintable(output));
        QFile encryptedFile(m_dir.filePath(QStringLiteral("enc.key")));
        QVERIFY(encryptedFile.open(QIODevice::ReadOnly));
        const QByteArray encrypted = encryptedFile.readAll();
        QVERIFY(encrypted.contains("ENCRYPTED PRIVATE KEY"));

        QString error;
        QVERIFY(PrivateKey::fromPem(encrypted, {}, &error).isNull());
        QCOMPARE(error, QStringLiteral("the private key is encrypted: give its passphrase"));
        QVERIFY(PrivateKey::fromPem(encrypted, "wrong", &error).isNull());
        QCOMPARE(error, QStringLiteral("the passphrase does not open the private key"));
        const PrivateKey opened = PrivateKey::fromPem(encrypted, "secret", &error);
        QVERIFY2(!opened.isNull(), qPrintable(error));

        const Certificate leaf = CertificateFactory::issue({.commonName = QStringLiteral("chain.test"),
                                                            .dnsNames = {QStringLiteral("chain.test")},
                                                            .days = 30},
                                                           opened, ca.certificate, ca.key, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));
        const auto bundle =
            CertificateBundle::fromPem(leaf.toPem() + ca.certificate.toPem() + encrypted, "secret", &error);
        QVERIFY2(bundle, qPrintable(error));
        QCOMPARE(bundle->chain.size(), 2);
        QCOMPARE(bundle->leaf(), leaf);
        QVERIFY(bundle->keyMatches());
        QCOMPARE(bundle->verify({ca.certificate}), QString());
        // The key as it goes to the keychain or a swarm secret reads back the same.
        QVERIFY(PrivateKey::fromPem(opened.toPem(), {}, &error).matches(leaf));
    }

    void importsPkcs12MadeByOpenssl()
    {
        const Authority ca = authority(QStringLiteral("P12 CA"));
        const PrivateKey leafKey = key(PrivateKey::Type::Rsa2048);
        QString error;
        const Certificate leaf = CertificateFactory::issue(
            {.commonName = QStringLiteral("p12.test"), .dnsNames = {QStringLiteral("p12.test")}, .days = 30},
            leafKey, ca.certificate, ca.key, &error);
        const QString p12 = m_dir.filePath(QStringLiteral("bundle.p12"));
        const auto [exported, output] =
            openssl({QStringLiteral("pkcs12"), QStringLiteral("-export"), QStringLiteral("-inkey"),
                     write(QStringLiteral("p12.key"), leafKey.toPem()), QStringLiteral("-in"),
                     write(QStringLiteral("p12.pem"), leaf.toPem()), QStringLiteral("-certfile"),
                     write(QStringLiteral("p12-ca.pem"), ca.certificate.toPem()), QStringLiteral("-passout"),
                     QStringLiteral("pass:pw"), QStringLiteral("-out"), p12});
        QVERIFY2(exported, qPrintable(output));
        QFile file(p12);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray der = file.readAll();

        const auto bundle = CertificateBundle::fromPkcs12(der, "pw", &error);
        QVERIFY2(bundle, qPrintable(error));
        QCOMPARE(bundle->chain.size(), 2);
        QCOMPARE(bundle->leaf(), leaf);
        QCOMPARE(bundle->chain.at(1), ca.certificate);
        QVERIFY(bundle->keyMatches());
        QCOMPARE(bundle->key.description(), QStringLiteral("RSA 2048"));

        QVERIFY(!CertificateBundle::fromPkcs12(der, "nope", &error));
        QCOMPARE(error, QStringLiteral("the password does not open the PKCS#12 file"));
        QVERIFY(!CertificateBundle::fromPkcs12("not a p12 at all", "pw", &error));
        QVERIFY2(error.startsWith(QLatin1String("not a PKCS#12 file")), qPrintable(error));
    }

    void aSigningRequestCarriesItsNamesAndVerifies()
    {
        const PrivateKey k = key();
        QString error;
        const QByteArray csr = CertificateFactory::signingRequest(
            {.commonName = QStringLiteral("shop.example.com"),
             .dnsNames = {QStringLiteral("shop.example.com"), QStringLiteral("www.shop.example.com")},
             .organization = QStringLiteral("Example"),
             .days = 90},
            k, &error);
        QVERIFY2(csr.startsWith("-----BEGIN CERTIFICATE REQUEST-----"), qPrintable(error));
        const auto [verified, text] =
            openssl({QStringLiteral("req"), QStringLiteral("-noout"), QStringLiteral("-verify"),
                     QStringLiteral("-text"), QStringLiteral("-in"), write(QStringLiteral("shop.csr"), csr)});
        QVERIFY2(verified && text.contains(QLatin1String("verify OK")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("DNS:shop.example.com, DNS:www.shop.example.com")),
                 qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("O = Example, CN = shop.example.com")), qPrintable(text));

        // Read back: what the certificates view shows of it, and which certificate answers it.
        const SigningRequest request = SigningRequest::fromPem(csr, &error);
        QVERIFY2(!request.isNull(), qPrintable(error));
        QCOMPARE(request.subject(), QStringLiteral("CN=shop.example.com,O=Example"));
        QCOMPARE(request.commonName(), QStringLiteral("shop.example.com"));
        QCOMPARE(request.dnsNames(),
                 (QStringList{QStringLiteral("shop.example.com"), QStringLiteral("www.shop.example.com")}));
        QCOMPARE(request.keyDescription(), QStringLiteral("EC P-256"));
        QVERIFY(request.isSignatureValid());
        const Authority ca = authority(QStringLiteral("External CA"));
        const Certificate answer = CertificateFactory::issue(
            {.commonName = QStringLiteral("shop.example.com")}, k, ca.certificate, ca.key, &error);
        const Certificate stranger = CertificateFactory::issue(
            {.commonName = QStringLiteral("shop.example.com")}, key(), ca.certificate, ca.key, &error);
        QVERIFY(request.isAnsweredBy(answer));
        QVERIFY(!request.isAnsweredBy(stranger));

        // A request whose signature does not match its content (a byte of the subject changed).
        QByteArray der = QByteArray::fromBase64(csr.split('-').at(10).simplified().replace(' ', ""));
        const qsizetype at = der.indexOf("shop.example.com");
        QVERIFY(at > 0);
        der[at] = 'x';
        const QByteArray tampered = "-----BEGIN CERTIFICATE REQUEST-----\n" + der.toBase64() +
                                    "\n-----END CERTIFICATE REQUEST-----\n";
        const SigningRequest forged = SigningRequest::fromPem(tampered, &error);
        QVERIFY2(!forged.isNull(), qPrintable(error));
        QVERIFY(!forged.isSignatureValid());

        QVERIFY(SigningRequest::fromPem("hello", &error).isNull());
        QVERIFY2(error.startsWith(QLatin1String("no signing request")), qPrintable(error));
        QVERIFY(SigningRequest::fromPem("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
                                        "-----END CERTIFICATE REQUEST-----\n",
                                        &error)
                    .isNull());
        QVERIFY2(error.startsWith(QLatin1String("the signing request is broken")), qPrintable(error));
    }

    void badInputsSayWhy()
    {
        QString error;
        QVERIFY(Certificate::fromPem("hello", &error).isEmpty());
        QVERIFY2(error.startsWith(QLatin1String("no certificate")), qPrintable(error));
        QVERIFY(
            Certificate::fromPem("-----BEGIN CERTIFICATE-----\nAAAA!!\n-----END CERTIFICATE-----\n", &error)
                .isEmpty());
        QVERIFY2(error.startsWith(QLatin1String("a certificate in the PEM text is broken")),
                 qPrintable(error));
        QVERIFY(PrivateKey::fromPem("hello", {}, &error).isNull());
        QVERIFY2(error.startsWith(QLatin1String("no private key")), qPrintable(error));

        const PrivateKey k = key();
        QVERIFY(CertificateFactory::selfSigned({}, k, &error).isNull());
        QCOMPARE(error, QStringLiteral("a certificate needs a common name or a DNS name"));
        QVERIFY(
            CertificateFactory::selfSigned(
                {.commonName = QStringLiteral("x"), .ipAddresses = {QStringLiteral("10.0.0.300")}, .days = 1},
                k, &error)
                .isNull());
        QCOMPARE(error, QStringLiteral("\"10.0.0.300\" is no IP address"));
        QVERIFY(CertificateFactory::selfSigned(
                    {.commonName = QStringLiteral("x"), .dnsNames = {QStringLiteral("a b")}, .days = 1}, k,
                    &error)
                    .isNull());
        QCOMPARE(error, QStringLiteral("\"a b\" is no DNS name"));
        // Only an authority issues, and only with its own key.
        const Certificate plain = CertificateFactory::selfSigned(
            {.commonName = QStringLiteral("plain.test"), .days = 1}, k, &error);
        QVERIFY(
            CertificateFactory::issue({.commonName = QStringLiteral("y")}, key(), plain, k, &error).isNull());
        QCOMPARE(error, QStringLiteral("the issuer is no certificate authority (CA:TRUE)"));
        const Authority ca = authority(QStringLiteral("Keyed CA"));
        QVERIFY(
            CertificateFactory::issue({.commonName = QStringLiteral("y")}, key(), ca.certificate, k, &error)
                .isNull());
        QCOMPARE(error, QStringLiteral("the authority's key does not belong to its certificate"));
    }
};

QTEST_GUILESS_MAIN(TestCertificates)
#include "tst_certificates.moc"
