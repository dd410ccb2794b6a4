// cape-proxyd as a swarm service in the sandbox swarm: its image (packaging/daemon-image.sh) loaded
// onto every node, its port published in host mode on node1, a busybox httpd service behind it on an
// overlay network, found through Swarm DNS (tasks.<service>). `hey` sends 1,000 requests/s through it
// while the upstream service rolls start-first to new tasks, and while one of its replicas is killed
// with SIGKILL: not one request may fail. The route editor (real widgets, offscreen) publishes a
// route to it and rolls it back; a published certificate is served for its SNI name.
#include "heyload.h"
#include "sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/routedocument.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockerrequest.h"
#include "services/swarm/certificatepublisher.h"
#include "services/swarm/routepublisher.h"
#include "services/tls/certificatefactory.h"
#include "ui/routes/routeeditorview.h"

#include <QAbstractButton>
#include <QApplication>
#include <QInputDialog>
#include <QMessageBox>
#include <QTimer>

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;
using test::await;
using test::LoadReport;

class TestProxydSwarm : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    std::unique_ptr<DockerClient> m_manager;
    QTemporaryDir m_dir;
    const QString m_prefix = QStringLiteral("cape-test-proxy");
    QString m_networkId;
    QString m_configId;
    QString m_webId;
    QString m_proxyId;
    QString m_proxyUrl; // through the host-mode port on node1

    QString webName() const { return m_prefix + QStringLiteral("-web"); }
    // The certificate the TLS test publishes (its secrets are labelled with it).
    static constexpr auto TlsName = "cape-test-web";

    QJsonDocument ok(DockerReply *reply) { return test::expectOk(reply); }

    // A service from its spec (JSON text); its ID, empty on failure.
    QString createService(const QString &spec)
    {
        return ok(m_manager->createService(QJsonDocument::fromJson(spec.toUtf8()).object()))
            .object()[QLatin1String("ID")]
            .toString();
    }

    QJsonArray tasksOf(const QString &serviceId, const QString &state = QStringLiteral("running"))
    {
        std::unique_ptr<DockerReply> reply(await(m_manager->listTasks(
            {{QStringLiteral("service"), {serviceId}}, {QStringLiteral("desired-state"), {state}}})));
        QJsonArray running;
        for (const QJsonValue &task : reply->json().array()) {
            if (task[QLatin1String("Status")][QLatin1String("State")].toString() == QLatin1String("running"))
                running.append(task);
        }
        return running;
    }

    // The upstream's task answering now (busybox httpd serves its hostname), or an error text.
    QString fetchThroughProxy()
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"), QStringLiteral("--max-time"), QStringLiteral("3"),
                    QStringLiteral("-H"), QStringLiteral("Host: web.test"), m_proxyUrl});
        curl.waitForFinished(5000);
        return QString::fromUtf8(curl.readAllStandardOutput()).trimmed();
    }

    // The status an HTTP request for a host gets through the proxy (0: none).
    int statusThroughProxy(const QString &host)
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"), QStringLiteral("-o"), QStringLiteral("/dev/null"),
                    QStringLiteral("-w"), QStringLiteral("%{http_code}"), QStringLiteral("--max-time"),
                    QStringLiteral("3"), QStringLiteral("-H"), QStringLiteral("Host: ") + host, m_proxyUrl});
        curl.waitForFinished(5000);
        return QString::fromUtf8(curl.readAllStandardOutput()).trimmed().toInt();
    }

    // hey at 1,000 requests/s through the proxy; `during` runs once the load is on.
    LoadReport underLoad(int seconds, const std::function<void()> &during)
    {
        return test::underLoad(m_proxyUrl, QStringLiteral("web.test"), seconds, during);
    }

    // Answers the modal dialogs the route editor opens next (each runs an event loop of its own):
    // "Which proxy?" with proxyName, and a message box with its button `button` (what it said into
    // *said); the box ends the answering.
    void answerDialogs(const QString &proxyName, const QString &button, QString *said)
    {
        auto *answering = new QTimer(this);
        answering->setInterval(50);
        connect(answering, &QTimer::timeout, this, [=] {
            QWidget *modal = QApplication::activeModalWidget();
            if (auto *input = qobject_cast<QInputDialog *>(modal)) {
                input->setTextValue(proxyName);
                input->accept();
            } else if (auto *box = qobject_cast<QMessageBox *>(modal)) {
                if (said)
                    *said = box->text() + u'\n' + box->detailedText();
                for (QAbstractButton *candidate : box->buttons()) {
                    if (candidate->text().remove(u'&') == button)
                        candidate->click();
                }
                answering->deleteLater();
            }
        });
        answering->start();
        // Stops by itself when nothing asks (an outcome without a dialog).
        QTimer::singleShot(60000, answering, &QObject::deleteLater);
    }

    QString runProcess(const QString &program, const QStringList &arguments, int timeoutMs)
    {
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, arguments);
        if (!process.waitForFinished(timeoutMs) || process.exitStatus() != QProcess::NormalExit ||
            process.exitCode() != 0)
            return QStringLiteral("%1 failed: %2").arg(program, QString::fromUtf8(process.readAll()));
        return {};
    }

    void removeLeftovers()
    {
        for (const QString &name :
             {m_prefix + QStringLiteral("-proxyd"), m_prefix + QStringLiteral("-proxyd-tls"), webName()})
            std::unique_ptr<DockerReply>(await(m_manager->removeService(name)));
        // Tasks leave the network a moment after their service.
        for (int i = 0; i < 30; ++i) {
            std::unique_ptr<DockerReply>(
                await(m_manager->removeConfig(m_prefix + QStringLiteral("-tls-config"))));
            std::unique_ptr<DockerReply> published(await(m_manager->listConfigs(
                {{QStringLiteral("label"), {QLatin1String(RoutePublisher::ConfigLabel)}}})));
            for (const QJsonValue &config : published->json().array())
                std::unique_ptr<DockerReply>(
                    await(m_manager->removeConfig(config[QLatin1String("ID")].toString())));
            std::unique_ptr<DockerReply> secrets(await(m_manager->listSecrets(
                {{QStringLiteral("label"),
                  {QStringLiteral("%1=%2").arg(QLatin1String(CertificatePublisher::NameLabel),
                                               QLatin1String(TlsName))}}})));
            for (const QJsonValue &secret : secrets->json().array())
                std::unique_ptr<DockerReply>(
                    await(m_manager->removeSecret(secret[QLatin1String("ID")].toString())));
            std::unique_ptr<DockerReply> configs(
                await(m_manager->removeConfig(m_prefix + QStringLiteral("-config"))));
            const bool networkGone =
                test::removeNetworksNamed(m_manager.get(), m_prefix + QStringLiteral("-net"));
            const bool configGone = !configs->error() || configs->error().httpStatus == 404;
            if (networkGone && configGone) {
                test::waitUntilNetworkGone(m_manager.get(), m_prefix + QStringLiteral("-net"));
                return;
            }
            QTest::qWait(500);
        }
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        QVERIFY(m_dir.isValid());
        m_manager = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        removeLeftovers();

        // The daemons' image, onto every node.
        const QString archive = m_dir.filePath(QStringLiteral("cape-daemons.tar"));
        const QString built =
            runProcess(QStringLiteral(CAPE_DAEMON_IMAGE_SCRIPT),
                       {QStringLiteral("--build"), QStringLiteral(CAPE_BUILD_DIR), QStringLiteral("--out"),
                        archive, QStringLiteral("--load"), m_sandbox.nodeEndpoints().join(QLatin1Char(','))},
                       300000);
        QVERIFY2(built.isEmpty(), qPrintable(built));
        const QString image = QStringLiteral("cape-daemons:" CAPE_VERSION_STRING);

        const QJsonObject network =
            ok(m_manager->createNetwork({{QStringLiteral("Name"), m_prefix + QStringLiteral("-net")},
                                         {QStringLiteral("Driver"), QStringLiteral("overlay")}}))
                .object();
        m_networkId = network[QLatin1String("Id")].toString();
        QVERIFY(!m_networkId.isEmpty());

        // The upstream: busybox httpd answering its task's hostname, healthy once it serves. (The
        // health check's URL comes in through arg(): moc takes a "//" in a raw string for a comment.)
        m_webId = createService(QStringLiteral(R"({
            "Name": "%1",
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "%2",
                    "Command": ["sh", "-c", "mkdir -p /www && hostname > /www/index.html && exec httpd -f -p 8080 -h /www"],
                    "Healthcheck": {"Test": ["CMD", "wget", "-q", "-O", "/dev/null", "%4"],
                                    "Interval": 1000000000, "Timeout": 2000000000, "Retries": 3},
                    "StopGracePeriod": 2000000000
                },
                "Networks": [{"Target": "%3"}],
                "RestartPolicy": {"Condition": "any", "Delay": 500000000}
            },
            "Mode": {"Replicated": {"Replicas": 2}},
            "UpdateConfig": {"Parallelism": 1, "Order": "start-first", "FailureAction": "rollback",
                             "Monitor": 2000000000}
        })")
                                    .arg(webName(), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"),
                                         m_networkId, QStringLiteral("http://127.0.0.1:8080/index.html")));
        QVERIFY(!m_webId.isEmpty());

        // cape-proxyd, its configuration a swarm config, on node1 with a host-mode port.
        const QByteArray config = QStringLiteral(R"({"listen":[{"address":"0.0.0.0:8080"}],
            "routes":[{"host":"web.test","service":"%1","port":8080}],
            "admin":{"address":"127.0.0.1:9000"}})")
                                      .arg(webName())
                                      .toUtf8();
        m_configId = ok(m_manager->createConfig(m_prefix + QStringLiteral("-config"), config))
                         .object()[QLatin1String("ID")]
                         .toString();
        QVERIFY(!m_configId.isEmpty());
        const quint16 port = 18480;
        m_proxyId = createService(QStringLiteral(R"({
            "Name": "%1",
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "%2",
                    "Command": ["cape-proxyd", "--config", "/etc/cape/proxy.json", "--connect-timeout", "2000"],
                    "Configs": [{"ConfigID": "%3", "ConfigName": "%4",
                                 "File": {"Name": "/etc/cape/proxy.json", "UID": "0", "GID": "0", "Mode": 292}}]
                },
                "Networks": [{"Target": "%5"}],
                "Placement": {"Constraints": ["node.hostname==node1"]}
            },
            "Mode": {"Replicated": {"Replicas": 1}},
            "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 8080, "PublishedPort": %6, "PublishMode": "host"}]}
        })")
                                      .arg(m_prefix + QStringLiteral("-proxyd"), image, m_configId,
                                           m_prefix + QStringLiteral("-config"), m_networkId)
                                      .arg(port));
        QVERIFY(!m_proxyId.isEmpty());

        const QString node1 = m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(QLatin1Char(' ')).value(0);
        m_proxyUrl = QStringLiteral("http://%1:%2/index.html").arg(node1).arg(port);
        QTRY_COMPARE_WITH_TIMEOUT(tasksOf(m_webId).size(), 2, 90000);
        QTRY_COMPARE_WITH_TIMEOUT(tasksOf(m_proxyId).size(), 1, 90000);
        // Both replicas answer through the proxy once it has resolved tasks.<service>.
        QSet<QString> answered;
        QString last;
        const QDeadlineTimer deadline(60000);
        while (answered.size() < 2 && !deadline.hasExpired()) {
            last = fetchThroughProxy();
            if (!last.isEmpty() && !last.contains(QLatin1Char(' ')))
                answered.insert(last); // a task's hostname
            else
                QTest::qWait(200);
        }
        QVERIFY2(answered.size() == 2,
                 qPrintable(QStringLiteral("answered by %1; last: %2")
                                .arg(QStringList(answered.cbegin(), answered.cend()).join(u", "), last)));
    }

    void aRollingStartFirstUpdateLosesNoRequest()
    {
        const QJsonArray before = tasksOf(m_webId);
        bool completed = false;
        const LoadReport report = underLoad(25, [&] {
            ok(m_manager->forceUpdateService(m_webId));
            // Within the load: the update must have run its course before hey stops.
            QTRY_VERIFY_WITH_TIMEOUT(
                (completed = ok(m_manager->inspectService(m_webId))
                                 .object()[QLatin1String("UpdateStatus")][QLatin1String("State")]
                                 .toString() == QLatin1String("completed")),
                20000);
        });
        QVERIFY2(completed, "the rolling update did not complete while the load ran");
        QVERIFY2(report.sentThroughout(25), qPrintable(report.text));
        QVERIFY2(report.failed() == 0, qPrintable(report.text));
        // Every replica was replaced.
        const QJsonArray after = tasksOf(m_webId);
        QCOMPARE(after.size(), 2);
        for (const QJsonValue &task : after) {
            for (const QJsonValue &old : before)
                QVERIFY(task[QLatin1String("ID")] != old[QLatin1String("ID")]);
        }
        qInfo("through a rolling update (1,000/s asked): %s", qPrintable(report.summary()));
    }

    void aKilledReplicaLosesNoRequest()
    {
        const QJsonArray running = tasksOf(m_webId);
        QCOMPARE(running.size(), 2);
        const QJsonObject victim = running.at(0).toObject();
        const QString containerId =
            victim[QLatin1String("Status")][QLatin1String("ContainerStatus")][QLatin1String("ContainerID")]
                .toString();
        const QString hostname = ok(m_manager->inspectNode(victim[QLatin1String("NodeID")].toString()))
                                     .object()[QLatin1String("Description")][QLatin1String("Hostname")]
                                     .toString(); // node1…node3, in the sandbox's order
        const qsizetype nodeIndex = hostname.mid(4).toInt() - 1;
        QVERIFY2(nodeIndex >= 0 && nodeIndex < m_sandbox.nodeEndpoints().size(), qPrintable(hostname));
        DockerClient node(test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().at(nodeIndex)));

        const LoadReport report = underLoad(20, [&] {
            QUrlQuery query;
            query.addQueryItem(QStringLiteral("signal"), QStringLiteral("KILL"));
            ok(node.send(
                DockerRequest::post(QStringLiteral("/containers/%1/kill").arg(containerId), {}, query)));
        });
        QVERIFY2(report.sentThroughout(20), qPrintable(report.text));
        QVERIFY2(report.failed() == 0, qPrintable(report.text));
        // Swarm replaced it meanwhile.
        QTRY_COMPARE_WITH_TIMEOUT(tasksOf(m_webId).size(), 2, 60000);
        qInfo("with a replica killed (1,000/s asked): %s", qPrintable(report.summary()));
    }

    void servesAPublishedCertificateForItsSniName()
    {
        // A local CA and a certificate for web.test, as the certificates view makes them.
        QString error;
        const PrivateKey caKey = PrivateKey::generate(PrivateKey::Type::EcP256, &error);
        const Certificate ca = CertificateFactory::createAuthority(
            {.commonName = QStringLiteral("Cape Swarm Test CA"), .days = 30}, caKey, &error);
        const PrivateKey key = PrivateKey::generate(PrivateKey::Type::EcP256, &error);
        const Certificate leaf = CertificateFactory::issue(
            {.commonName = QStringLiteral("web.test"), .dnsNames = {QStringLiteral("web.test")}, .days = 30},
            key, ca, caKey, &error);
        QVERIFY2(!leaf.isNull(), qPrintable(error));

        // A TLS proxy whose configuration names the files the publisher mounts: it cannot start
        // until they are there.
        const QString name = QLatin1String(TlsName);
        const QByteArray config = QStringLiteral(R"({"listen":[{"address":"0.0.0.0:8443","tls":true}],
            "certificates":[{"name":"%1","cert":"/run/secrets/%1.crt","key":"/run/secrets/%1.key"}],
            "routes":[{"host":"web.test","service":"%2","port":8080,"certificate":"%1"}],
            "admin":{"address":"127.0.0.1:9000"}})")
                                      .arg(name, webName())
                                      .toUtf8();
        const QString configId = ok(m_manager->createConfig(m_prefix + QStringLiteral("-tls-config"), config))
                                     .object()[QLatin1String("ID")]
                                     .toString();
        QVERIFY(!configId.isEmpty());
        const quint16 port = 18443;
        const QString tlsProxy =
            createService(QStringLiteral(R"({
            "Name": "%1",
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "%2",
                    "Command": ["cape-proxyd", "--config", "/etc/cape/proxy.json"],
                    "Configs": [{"ConfigID": "%3", "ConfigName": "%4",
                                 "File": {"Name": "/etc/cape/proxy.json", "UID": "0", "GID": "0", "Mode": 292}}]
                },
                "Networks": [{"Target": "%5"}],
                "Placement": {"Constraints": ["node.hostname==node1"]},
                "RestartPolicy": {"Condition": "any", "Delay": 1000000000}
            },
            "Mode": {"Replicated": {"Replicas": 1}},
            "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 8443, "PublishedPort": %6, "PublishMode": "host"}]}
        })")
                              .arg(m_prefix + QStringLiteral("-proxyd-tls"),
                                   QStringLiteral("cape-daemons:" CAPE_VERSION_STRING), configId,
                                   m_prefix + QStringLiteral("-tls-config"), m_networkId)
                              .arg(port));
        QVERIFY(!tlsProxy.isEmpty());

        CertificatePublisher publisher(m_manager.get());
        QSignalSpy finished(&publisher, &CertificatePublisher::finished);
        publisher.publish(name, {leaf, ca}, key, tlsProxy);
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        // Labelled for the certificates view: the chain's and the key's secret, with the expiry.
        std::unique_ptr<DockerReply> secrets(await(m_manager->listSecrets(
            {{QStringLiteral("label"),
              {QStringLiteral("%1=%2").arg(QLatin1String(CertificatePublisher::NameLabel), name)}}})));
        const QJsonArray labelled = secrets->json().array();
        QCOMPARE(labelled.size(), 2);
        QCOMPARE(labelled
                     .at(0)[QLatin1String("Spec")][QLatin1String("Labels")]
                           [QLatin1String(CertificatePublisher::NotAfterLabel)]
                     .toString(),
                 leaf.notAfter().toString(Qt::ISODate));

        // openssl verifies what node1 serves for web.test against the CA; HTTPS reaches the service.
        QFile caFile(m_dir.filePath(QStringLiteral("ca.pem")));
        QVERIFY(caFile.open(QIODevice::WriteOnly));
        caFile.write(ca.toPem());
        caFile.close();
        const QString node1 = m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(QLatin1Char(' ')).value(0);
        QString verified;
        const QDeadlineTimer deadline(120000);
        while (!deadline.hasExpired()) {
            QProcess client;
            client.setProcessChannelMode(QProcess::MergedChannels);
            client.start(QStringLiteral("openssl"),
                         {QStringLiteral("s_client"), QStringLiteral("-connect"),
                          QStringLiteral("%1:%2").arg(node1).arg(port), QStringLiteral("-servername"),
                          QStringLiteral("web.test"), QStringLiteral("-verify_hostname"),
                          QStringLiteral("web.test"), QStringLiteral("-CAfile"), caFile.fileName(),
                          QStringLiteral("-verify_return_error")});
            client.closeWriteChannel();
            client.waitForFinished(10000);
            verified = QString::fromUtf8(client.readAll());
            if (verified.contains(QLatin1String("Verify return code: 0 (ok)")))
                break;
            QTest::qWait(1000);
        }
        QVERIFY2(verified.contains(QLatin1String("Verify return code: 0 (ok)")),
                 qPrintable(verified.right(1500)));
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"), QStringLiteral("--max-time"), QStringLiteral("5"),
                    QStringLiteral("--cacert"), caFile.fileName(), QStringLiteral("--resolve"),
                    QStringLiteral("web.test:%1:%2").arg(port).arg(node1),
                    QStringLiteral("https://web.test:%1/index.html").arg(port)});
        curl.waitForFinished(10000);
        const QString answer = QString::fromUtf8(curl.readAllStandardOutput()).trimmed();
        QVERIFY2(!answer.isEmpty() && !answer.contains(u' '),
                 qPrintable(answer + QString::fromUtf8(curl.readAllStandardError())));
    }

    // The route editor, as a user drives it: Import from the swarm, a new entry point dragged onto
    // the service (routeTo is what the drop does; tst_routeeditor drags with the mouse), Publish…
    // (the diff shown, Publish clicked), then Roll back.
    void theRouteEditorPublishesANewRouteAndRollsItBack()
    {
        ClusterStore cluster;
        cluster.connectTo(test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        QTRY_COMPARE_WITH_TIMEOUT(cluster.state(), ClusterStore::State::Live, 30000);
        RouteEditorView editor(&cluster);
        editor.resize(1400, 800);
        editor.show();
        QSignalSpy finished(&editor, &RouteEditorView::operationFinished);
        const QString proxyName = m_prefix + QStringLiteral("-proxyd");

        answerDialogs(proxyName, {}, nullptr);
        editor.importRunning();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QCOMPARE(editor.document()->routes().size(), 1);
        QCOMPARE(editor.document()->routes().first().host, QStringLiteral("web.test"));
        QCOMPARE(statusThroughProxy(QStringLiteral("other.test")), 404); // not routed: the whitelist

        editor.addEntryPoint(QStringLiteral("other.test"), QStringLiteral("/"));
        editor.routeTo(QStringLiteral("other.test"), QStringLiteral("/"), webName());
        QCOMPARE(editor.document()->routes().size(), 2);
        QCOMPARE(editor.document()->routes().last().port, 8080); // the port web.test reaches it on

        QString shown;
        finished.clear();
        answerDialogs(proxyName, QStringLiteral("Publish"), &shown);
        editor.publish();
        QVERIFY(finished.wait(180000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QVERIFY2(shown.contains(QLatin1String("other.test")), qPrintable(shown)); // the diff, before
        QVERIFY2(!shown.contains(QLatin1String("web.test")), qPrintable(shown));  // only what changes
        QTRY_COMPARE_WITH_TIMEOUT(statusThroughProxy(QStringLiteral("other.test")), 200, 60000);
        // The config is named by its content, and the service mounts it.
        const QJsonObject spec =
            ok(m_manager->inspectService(m_proxyId)).object()[QLatin1String("Spec")].toObject();
        QString mounted;
        for (const QJsonValue &config :
             spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Configs")]
                 .toArray())
            mounted = config[QLatin1String("ConfigName")].toString();
        QCOMPARE(mounted, RoutePublisher::configName(editor.document()->save()));

        // Publishing the same document again has nothing to do.
        finished.clear();
        answerDialogs(proxyName, {}, nullptr);
        editor.publish();
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.at(0).at(1).toString(),
                 QStringLiteral("Nothing to publish: the document is what cape-proxyd runs already."));

        // One click back.
        finished.clear();
        answerDialogs(proxyName, QStringLiteral("Yes"), &shown);
        editor.rollBack();
        QVERIFY(finished.wait(180000));
        QVERIFY2(finished.at(0).at(0).toBool(), qPrintable(finished.at(0).at(1).toString()));
        QTRY_COMPARE_WITH_TIMEOUT(statusThroughProxy(QStringLiteral("other.test")), 404, 60000);
        QTRY_COMPARE_WITH_TIMEOUT(statusThroughProxy(QStringLiteral("web.test")), 200, 60000);
    }

    void cleanupTestCase()
    {
        if (m_manager)
            removeLeftovers();
    }
};

QTEST_MAIN(TestProxydSwarm)
#include "tst_proxydswarm.moc"
