#include "proxy/loopbackport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

namespace {

// The openssl tool, as people run it; its output (stdout and stderr).
QByteArray openssl(const QStringList &args, const QByteArray &input = {}, int *exitCode = nullptr)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), args);
    process.write(input);
    process.closeWriteChannel();
    process.waitForFinished(20000);
    if (exitCode)
        *exitCode = process.exitCode();
    return process.readAll();
}

} // namespace

// cape-proxyd's TLS: certificates from files chosen by SNI, verified by the
// real openssl client and by Qt's, TLS 1.2 and 1.3 only, sessions resumed;
// certificates made here with the openssl tool (a CA and two leaves).
class TestProxydTls : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QList<QProcess *> m_processes;
    quint16 m_upstream = 0, m_https = 0;

    QString path(const char *name) const { return m_dir.filePath(QString::fromLatin1(name)); }

    // A key and a certificate for names, signed by the CA.
    bool issue(const char *name, const QString &subjectAltNames)
    {
        const QString base = path(name);
        QFile extensions(base + QStringLiteral(".ext"));
        if (!extensions.open(QIODevice::WriteOnly))
            return false;
        extensions.write("subjectAltName=" + subjectAltNames.toLatin1() + "\nextendedKeyUsage=serverAuth\n");
        extensions.close();
        int status = 0;
        openssl({QStringLiteral("req"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                 QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                 QStringLiteral("-nodes"), QStringLiteral("-keyout"), base + QStringLiteral(".key"),
                 QStringLiteral("-out"), base + QStringLiteral(".csr"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=%1").arg(QString::fromLatin1(name))},
                {}, &status);
        if (status != 0)
            return false;
        openssl({QStringLiteral("x509"), QStringLiteral("-req"), QStringLiteral("-in"),
                 base + QStringLiteral(".csr"), QStringLiteral("-CA"), path("ca.crt"),
                 QStringLiteral("-CAkey"), path("ca.key"), QStringLiteral("-CAcreateserial"),
                 QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-extfile"),
                 base + QStringLiteral(".ext"), QStringLiteral("-out"), base + QStringLiteral(".crt")},
                {}, &status);
        return status == 0;
    }

    QByteArray config(const QString &appKey) const
    {
        const auto certificate = [](const char *name, const QString &cert, const QString &key) {
            return QJsonObject{{QStringLiteral("name"), QString::fromLatin1(name)},
                               {QStringLiteral("cert"), cert},
                               {QStringLiteral("key"), key}};
        };
        const QString upstream = QStringLiteral("127.0.0.1:%1").arg(m_upstream);
        const auto route = [&upstream](const char *host, const char *certificateName) {
            return QJsonObject{{QStringLiteral("host"), QString::fromLatin1(host)},
                               {QStringLiteral("endpoints"), QJsonArray{upstream}},
                               {QStringLiteral("certificate"), QString::fromLatin1(certificateName)}};
        };
        return QJsonDocument(
                   QJsonObject{{QStringLiteral("listen"),
                                QJsonArray{QJsonObject{
                                    {QStringLiteral("address"), QStringLiteral("127.0.0.1:%1").arg(m_https)},
                                    {QStringLiteral("tls"), true}}}},
                               {QStringLiteral("certificates"),
                                QJsonArray{certificate("app", path("app.crt"), appKey),
                                           certificate("shop", path("shop.crt"), path("shop.key"))}},
                               {QStringLiteral("routes"),
                                QJsonArray{route("app.test", "app"), route("*.shop.test", "shop")}}})
            .toJson();
    }

    QProcess *startProxy(const QByteArray &document)
    {
        QFile file(path("proxy.json"));
        if (!file.open(QIODevice::WriteOnly))
            return nullptr;
        file.write(document);
        file.close();
        auto *proxy = new QProcess(this);
        proxy->setProcessChannelMode(QProcess::MergedChannels);
        proxy->start(QStringLiteral(CAPE_PROXYD_BINARY), {QStringLiteral("--config"), path("proxy.json")});
        m_processes << proxy;
        return proxy;
    }

    // An HTTPS request through Qt's client, the SNI name given; the served
    // certificate and the upstream's answer.
    std::pair<QSslCertificate, QByteArray> fetch(const QString &sniName)
    {
        QSslSocket socket;
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(QSslCertificate::fromPath(path("ca.crt")));
        socket.setSslConfiguration(tls);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), m_https, sniName);
        if (!socket.waitForEncrypted(10000)) {
            qWarning() << "handshake:" << socket.errorString() << socket.sslHandshakeErrors();
            return std::pair<QSslCertificate, QByteArray>();
        }
        socket.write("GET /echo HTTP/1.1\r\nHost: " + sniName.toLatin1() + "\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        while (socket.waitForReadyRead(5000))
            answer += socket.readAll();
        answer += socket.readAll();
        return {socket.peerCertificate(), answer};
    }

private slots:
    void initTestCase()
    {
        int status = 0;
        openssl({QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                 QStringLiteral("ec"), QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:P-256"),
                 QStringLiteral("-nodes"), QStringLiteral("-keyout"), path("ca.key"), QStringLiteral("-out"),
                 path("ca.crt"), QStringLiteral("-days"), QStringLiteral("30"), QStringLiteral("-subj"),
                 QStringLiteral("/CN=Cape Test CA")},
                {}, &status);
        QCOMPARE(status, 0);
        QVERIFY(issue("app", QStringLiteral("DNS:app.test")));
        QVERIFY(issue("shop", QStringLiteral("DNS:*.shop.test")));
        QVERIFY(
            issue("stray", QStringLiteral("DNS:stray.test"))); // its key belongs to no route's certificate

        m_upstream = test::freePort();
        m_https = test::freePort();
        auto *upstream = new QProcess(this);
        upstream->start(QStringLiteral("python3"), {QStringLiteral(CAPE_TEST_PROXY_UPSTREAM),
                                                    QString::number(m_upstream), QStringLiteral("U")});
        m_processes << upstream;
        QTRY_VERIFY_WITH_TIMEOUT(test::isListening(m_upstream), 10000);
        QVERIFY(startProxy(config(path("app.key"))));
        QTRY_VERIFY_WITH_TIMEOUT(test::isListening(m_https), 10000);
    }

    void cleanupTestCase()
    {
        for (QProcess *process : std::as_const(m_processes)) {
            process->kill();
            process->waitForFinished(5000);
        }
    }

    void servesTheCertificateOfTheNameAsked()
    {
        QTRY_VERIFY_WITH_TIMEOUT(fetch(QStringLiteral("app.test")).second.startsWith("HTTP/1.1 200"), 10000);
        auto [served, answer] = fetch(QStringLiteral("app.test"));
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY(served.subjectAlternativeNames().values(QSsl::DnsEntry).contains(QStringLiteral("app.test")));
        // The upstream hears that the client spoke TLS.
        QVERIFY2(answer.contains("\"x-forwarded-proto\": \"https\""), answer.constData());

        std::tie(served, answer) = fetch(QStringLiteral("basket.shop.test"));
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
        QVERIFY(
            served.subjectAlternativeNames().values(QSsl::DnsEntry).contains(QStringLiteral("*.shop.test")));
    }

    void verifiesWithTheOpensslClientAndResumesSessions()
    {
        const QStringList client{QStringLiteral("s_client"),
                                 QStringLiteral("-connect"),
                                 QStringLiteral("127.0.0.1:%1").arg(m_https),
                                 QStringLiteral("-servername"),
                                 QStringLiteral("app.test"),
                                 QStringLiteral("-CAfile"),
                                 path("ca.crt"),
                                 QStringLiteral("-verify_return_error"),
                                 QStringLiteral("-tls1_2")};
        const QByteArray first =
            openssl(client + QStringList{QStringLiteral("-sess_out"), path("session.pem")}, "Q\n");
        QVERIFY2(first.contains("Verify return code: 0 (ok)"), first.constData());
        QVERIFY2(first.contains("New, TLSv1.2"), first.constData());
        const QByteArray again =
            openssl(client + QStringList{QStringLiteral("-sess_in"), path("session.pem")}, "Q\n");
        QVERIFY2(again.contains("Reused, TLSv1.2"), again.constData());
        // TLS 1.3 too.
        QStringList thirteen = client;
        thirteen.last() = QStringLiteral("-tls1_3");
        QVERIFY(openssl(thirteen, "Q\n").contains("New, TLSv1.3"));
    }

    void refusesOlderProtocols()
    {
        // Allowed on the client side here (security level 0), refused by the proxy.
        const QByteArray old =
            openssl({QStringLiteral("s_client"), QStringLiteral("-connect"),
                     QStringLiteral("127.0.0.1:%1").arg(m_https), QStringLiteral("-servername"),
                     QStringLiteral("app.test"), QStringLiteral("-tls1_1"), QStringLiteral("-cipher"),
                     QStringLiteral("DEFAULT:@SECLEVEL=0")},
                    "Q\n");
        QVERIFY2(old.contains("alert protocol version"), old.constData());
        // And the proxy goes on.
        QVERIFY(fetch(QStringLiteral("app.test")).second.startsWith("HTTP/1.1 200"));
    }

    void refusesAKeyThatIsNotTheCertificates()
    {
        const quint16 busy = m_https;
        m_https = test::freePort();
        QProcess *proxy = startProxy(config(path("stray.key")));
        QVERIFY(proxy->waitForFinished(10000));
        m_https = busy;
        QCOMPARE(proxy->exitCode(), 2);
        const QByteArray said = proxy->readAll();
        QVERIFY2(said.contains("certificates[0]") && said.contains("does not belong"), said.constData());
    }
};

QTEST_GUILESS_MAIN(TestProxydTls)
#include "tst_proxydtls.moc"
