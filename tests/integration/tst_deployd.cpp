// cape-deployd, the real binary, against the sandbox swarm: a git
// repository made by the test (fetched over file://), pushes announced by
// signed webhooks, deploy templates run in the sandbox process, services
// rolled out and rolled back. The web service it deploys is reached through
// cape-proxyd (a swarm service with a host-mode port on node1: the
// sandbox's nodes have no ingress routing mesh) while `hey` sends it 1,000
// requests/s. The history goes through a real cape-eventd into Redis and
// survives a restart of cape-deployd. A service's image is built from a
// commit and copied onto the nodes (the sandbox has no registry).
#include "gitcommand.h"
#include "heyload.h"
#include "proxy/loopbackport.h"
#include "sandboxenvironment.h"

#include "services/docker/dockerclient.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;
using test::await;

namespace {

constexpr auto Secret = "push-s3cret";
constexpr auto ApiToken = "api-t0ken";
constexpr quint16 ProxyPort = 18482;

struct HttpAnswer
{
    int status = 0;
    QJsonObject body;
};

} // namespace

class TestDeployd : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    std::unique_ptr<DockerClient> m_manager;
    QTemporaryDir m_dir;
    QNetworkAccessManager m_network;
    const QString m_prefix = QStringLiteral("cape-test-deploy");
    // Unique per run: the history's events in the shared Redis are the repository's.
    const QString m_repository =
        QStringLiteral("shop-%1").arg(QRandomGenerator::global()->bounded(1u << 30), 0, 36);
    QString m_networkId;
    QString m_proxyId;
    QString m_proxyConfigId;
    quint16 m_apiPort = 0;
    QProcess m_deployd;
    QProcess m_eventd;
    QString m_firstDeployment;

    QString origin() const { return m_dir.filePath(QStringLiteral("origin")); }
    QString webName() const { return m_prefix + QStringLiteral("-web"); }
    QString workerName() const { return m_prefix + QStringLiteral("-worker"); }

    QString git(const QStringList &arguments) { return test::git(origin(), arguments).output; }

    void writeFile(const QString &path, const QByteArray &content)
    {
        QDir(origin()).mkpath(QFileInfo(path).path());
        QFile file(origin() + u'/' + path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    // A push: the shop's settings (and optionally another template), committed on main.
    QString push(const QJsonObject &settings, const QByteArray &shopTemplate = {},
                 const QHash<QString, QByteArray> &files = {})
    {
        for (auto it = files.cbegin(); it != files.cend(); ++it)
            writeFile(it.key(), it.value());
        writeFile(QStringLiteral("deploy/shop.json"), QJsonDocument(settings).toJson());
        QFile original(QStringLiteral(CAPE_TEST_SHOP_TEMPLATE));
        [&] { QVERIFY(original.open(QIODevice::ReadOnly)); }();
        writeFile(QStringLiteral("deploy/shop.js"),
                  shopTemplate.isEmpty() ? original.readAll() : shopTemplate);
        git({QStringLiteral("add"), QStringLiteral("-A")});
        git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("--allow-empty"),
             QStringLiteral("-m"), settings[QLatin1String("greeting")].toString()});
        return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
    }

    HttpAnswer http(const QByteArray &method, const QString &path, const QByteArray &body = {},
                    const QList<std::pair<QByteArray, QByteArray>> &headers = {}, bool token = true)
    {
        QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_apiPort).arg(path)));
        request.setTransferTimeout(10000);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        if (token)
            request.setRawHeader("Authorization", QByteArray("Bearer ") + ApiToken);
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 15000); }();
        HttpAnswer answer{reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                          QJsonDocument::fromJson(reply->readAll()).object()};
        reply->deleteLater();
        return answer;
    }

    // A GitHub push event for main, signed with the secret (or as told).
    HttpAnswer webhook(const QByteArray &signature = {},
                       const QString &ref = QStringLiteral("refs/heads/main"))
    {
        const QByteArray body =
            QJsonDocument(QJsonObject{{QStringLiteral("ref"), ref},
                                      {QStringLiteral("after"),
                                       git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")})}})
                .toJson(QJsonDocument::Compact);
        const QByteArray signed_ =
            "sha256=" + QMessageAuthenticationCode::hash(body, Secret, QCryptographicHash::Sha256).toHex();
        return http(
            "POST", QStringLiteral("/hooks/") + m_repository, body,
            {{"X-GitHub-Event", "push"}, {"X-Hub-Signature-256", signature.isNull() ? signed_ : signature}},
            false);
    }

    QJsonObject waitForDeployment(const QString &id, int timeoutMs = 240000)
    {
        QJsonObject deployment;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            deployment = http("GET", QStringLiteral("/deployments/") + id).body;
            const QString status = deployment[QLatin1String("status")].toString();
            if (!status.isEmpty() && status != QLatin1String("queued") && status != QLatin1String("running"))
                return deployment;
            QTest::qWait(250);
        }
        return deployment;
    }

    QString deploymentText(const QJsonObject &deployment)
    {
        QStringList log;
        for (const QJsonValue &line : deployment[QLatin1String("log")].toArray())
            log << line.toString();
        return deployment[QLatin1String("status")].toString() + QStringLiteral(": ") +
               deployment[QLatin1String("error")].toString() + u'\n' + log.join(u'\n');
    }

    QJsonObject serviceNamed(const QString &name)
    {
        std::unique_ptr<DockerReply> reply(await(m_manager->inspectService(name)));
        return reply->error() ? QJsonObject() : reply->json().object();
    }

    QString env(const QString &service, const QString &key)
    {
        for (const QJsonValue &pair : serviceNamed(service)[QLatin1String("Spec")][QLatin1String(
                 "TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Env")]
                                          .toArray()) {
            if (pair.toString().startsWith(key + u'='))
                return pair.toString().mid(key.size() + 1);
        }
        return {};
    }

    QString proxyUrl() const
    {
        return QStringLiteral("http://%1:%2/index.html")
            .arg(m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(u' ').value(0))
            .arg(ProxyPort);
    }

    QString greetingThroughProxy()
    {
        QProcess curl;
        curl.start(QStringLiteral("curl"),
                   {QStringLiteral("-s"), QStringLiteral("--max-time"), QStringLiteral("3"),
                    QStringLiteral("-H"), QStringLiteral("Host: web.test"), proxyUrl()});
        curl.waitForFinished(5000);
        return QString::fromUtf8(curl.readAllStandardOutput()).trimmed();
    }

    bool startDeployd()
    {
        m_deployd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_deployd.start(QStringLiteral(CAPE_DEPLOYD_BINARY),
                        {QStringLiteral("--config"), m_dir.filePath(QStringLiteral("deployd.json"))});
        if (!m_deployd.waitForStarted(5000))
            return false;
        for (int i = 0; i < 100; ++i) {
            if (http("GET", QStringLiteral("/health")).status == 200 &&
                http("GET", QStringLiteral("/repositories"))
                        .body[QLatin1String("repositories")]
                        .toArray()
                        .size() == 2)
                return true;
            QTest::qWait(100);
        }
        return false;
    }

    void stopDeployd()
    {
        if (m_deployd.state() == QProcess::NotRunning)
            return;
        m_deployd.terminate();
        if (!m_deployd.waitForFinished(10000))
            m_deployd.kill();
        m_deployd.waitForFinished(5000);
    }

    void removeLeftovers()
    {
        for (const QString &name : {webName(), workerName(), m_prefix + QStringLiteral("-proxyd")})
            std::unique_ptr<DockerReply>(await(m_manager->removeService(name)));
        for (int i = 0; i < 30; ++i) {
            std::unique_ptr<DockerReply> config(
                await(m_manager->removeConfig(m_prefix + QStringLiteral("-proxy"))));
            const bool networkGone =
                test::removeNetworksNamed(m_manager.get(), m_prefix + QStringLiteral("-net"));
            const bool configGone = !config->error() || config->error().httpStatus == 404;
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

        // cape-proxyd's image onto every node.
        QProcess image;
        image.setProcessChannelMode(QProcess::MergedChannels);
        image.start(QStringLiteral(CAPE_DAEMON_IMAGE_SCRIPT),
                    {QStringLiteral("--build"), QStringLiteral(CAPE_BUILD_DIR), QStringLiteral("--out"),
                     m_dir.filePath(QStringLiteral("cape-daemons.tar")), QStringLiteral("--load"),
                     m_sandbox.nodeEndpoints().join(u',')});
        QVERIFY2(image.waitForFinished(300000) && image.exitCode() == 0, image.readAll().constData());

        m_networkId = test::expectOk(m_manager->createNetwork(
                                         {{QStringLiteral("Name"), m_prefix + QStringLiteral("-net")},
                                          {QStringLiteral("Driver"), QStringLiteral("overlay")},
                                          {QStringLiteral("CheckDuplicate"), true}}))
                          .object()[QLatin1String("Id")]
                          .toString();
        QVERIFY(!m_networkId.isEmpty());

        // The repository.
        QVERIFY(QDir().mkpath(origin()));
        git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")});
        push({{QStringLiteral("greeting"), QStringLiteral("hello")}, {QStringLiteral("generation"), 1}});

        // cape-eventd indexes the history's events in the sandbox's Redis.
        const QString redis = m_sandbox.value("CAPE_SANDBOX_REDIS");
        m_eventd.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_eventd.start(QStringLiteral(CAPE_EVENTD_BINARY), {QStringLiteral("--redis"), redis});
        QVERIFY(m_eventd.waitForStarted(5000));

        m_apiPort = test::freePort();
        QFile config(m_dir.filePath(QStringLiteral("deployd.json")));
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write(
            QJsonDocument(
                QJsonObject{
                    {QStringLiteral("listen"), QStringLiteral("127.0.0.1:%1").arg(m_apiPort)},
                    {QStringLiteral("docker"), m_sandbox.value("DOCKER_HOST")},
                    {QStringLiteral("redis"), redis},
                    {QStringLiteral("nodes"), QJsonArray::fromStringList(m_sandbox.nodeEndpoints().mid(1))},
                    {QStringLiteral("apiToken"), QLatin1String(ApiToken)},
                    {QStringLiteral("cacheDirectory"), m_dir.filePath(QStringLiteral("cache"))},
                    {QStringLiteral("repositories"),
                     QJsonArray{
                         QJsonObject{
                             {QStringLiteral("name"), m_repository},
                             {QStringLiteral("url"), QStringLiteral("file://") + origin()},
                             {QStringLiteral("webhookSecret"), QLatin1String(Secret)},
                             {QStringLiteral("pollIntervalSeconds"), 0},
                             {QStringLiteral("env"),
                              QJsonObject{
                                  {QStringLiteral("PREFIX"), m_prefix},
                                  {QStringLiteral("IMAGE"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                                  {QStringLiteral("NETWORK"), m_prefix + QStringLiteral("-net")}}}},
                         // The same repository, polled each second, with templates nowhere: what its
                         // deployments say shows that polling saw a push (and changes nothing).
                         QJsonObject{{QStringLiteral("name"), m_repository + QStringLiteral("-polled")},
                                     {QStringLiteral("url"), QStringLiteral("file://") + origin()},
                                     {QStringLiteral("templates"), QStringLiteral("nowhere/*.js")},
                                     {QStringLiteral("pollIntervalSeconds"), 1}}}}})
                .toJson());
        config.close();
        QVERIFY(startDeployd());

        // cape-proxyd in front of the web service, on node1.
        const QByteArray proxyConfig = QStringLiteral(R"({"listen":[{"address":"0.0.0.0:8080"}],
            "routes":[{"host":"web.test","service":"%1","port":8080}],
            "admin":{"address":"127.0.0.1:9000"}})")
                                           .arg(webName())
                                           .toUtf8();
        m_proxyConfigId =
            test::expectOk(m_manager->createConfig(m_prefix + QStringLiteral("-proxy"), proxyConfig))
                .object()[QLatin1String("ID")]
                .toString();
        m_proxyId =
            test::expectOk(
                m_manager->createService(
                    QJsonDocument::fromJson(QStringLiteral(R"({
            "Name": "%1",
            "TaskTemplate": {
                "ContainerSpec": {
                    "Image": "cape-daemons:%2",
                    "Command": ["cape-proxyd", "--config", "/etc/cape/proxy.json", "--connect-timeout", "2000"],
                    "Configs": [{"ConfigID": "%3", "ConfigName": "%4",
                                 "File": {"Name": "/etc/cape/proxy.json", "UID": "0", "GID": "0", "Mode": 292}}]
                },
                "Networks": [{"Target": "%5"}],
                "Placement": {"Constraints": ["node.hostname==node1"]}
            },
            "EndpointSpec": {"Ports": [{"Protocol": "tcp", "TargetPort": 8080, "PublishedPort": %6, "PublishMode": "host"}]}
        })")
                                                .arg(m_prefix + QStringLiteral("-proxyd"),
                                                     QStringLiteral(CAPE_VERSION_STRING), m_proxyConfigId,
                                                     m_prefix + QStringLiteral("-proxy"), m_networkId)
                                                .arg(ProxyPort)
                                                .toUtf8())
                        .object()))
                .object()[QLatin1String("ID")]
                .toString();
        QVERIFY(!m_proxyId.isEmpty());
    }

    void aPushDeploysItsServices()
    {
        const HttpAnswer hook = webhook();
        QCOMPARE(hook.status, 202);
        m_firstDeployment = hook.body[QLatin1String("deployment")].toString();
        const QJsonObject deployment = waitForDeployment(m_firstDeployment);
        QVERIFY2(deployment[QLatin1String("status")] == QStringLiteral("succeeded"),
                 qPrintable(deploymentText(deployment)));
        QCOMPARE(deployment[QLatin1String("commit")][QLatin1String("sha")].toString(),
                 git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")}));
        QStringList actions;
        for (const QJsonValue &service : deployment[QLatin1String("plan")].toArray())
            actions << service[QLatin1String("name")].toString() + u' ' +
                           service[QLatin1String("action")].toString();
        QCOMPARE(actions, (QStringList{webName() + QStringLiteral(" create"),
                                       workerName() + QStringLiteral(" create")}));
        QVERIFY2(deploymentText(deployment).contains(QLatin1String("template: shop generation 1")),
                 qPrintable(deploymentText(deployment)));
        QCOMPARE(serviceNamed(webName())[QLatin1String("Spec")][QLatin1String("Labels")]
                                        [QLatin1String("cape.deploy.repository")]
                                            .toString(),
                 m_repository);
        QTRY_COMPARE_WITH_TIMEOUT(greetingThroughProxy(), QStringLiteral("hello"), 60000);
    }

    void aWebhookWithAWrongSignatureChangesNothing()
    {
        const qint64 before =
            serviceNamed(webName())[QLatin1String("Version")][QLatin1String("Index")].toInteger();
        const int deployments = http("GET", QStringLiteral("/deployments?repository=") + m_repository)
                                    .body[QLatin1String("deployments")]
                                    .toArray()
                                    .size();
        push({{QStringLiteral("greeting"), QStringLiteral("forged")}, {QStringLiteral("generation"), 2}});
        const HttpAnswer forged = webhook("sha256=" + QByteArray(64, '0'));
        QCOMPARE(forged.status, 401);
        QCOMPARE(forged.body[QLatin1String("error")].toString(),
                 QStringLiteral("the signature does not match the body"));
        const HttpAnswer unsigned_ = webhook("");
        QCOMPARE(unsigned_.status, 401);
        // The API wants its token too.
        QCOMPARE(http("GET", QStringLiteral("/deployments"), {}, {}, false).status, 401);
        QCOMPARE(http("POST", QStringLiteral("/deployments"),
                      QJsonDocument(QJsonObject{{QStringLiteral("repository"), m_repository}}).toJson(), {},
                      false)
                     .status,
                 401);
        QTest::qWait(2000);
        QCOMPARE(http("GET", QStringLiteral("/deployments?repository=") + m_repository)
                     .body[QLatin1String("deployments")]
                     .toArray()
                     .size(),
                 deployments);
        QCOMPARE(serviceNamed(webName())[QLatin1String("Version")][QLatin1String("Index")].toInteger(),
                 before);
        QCOMPARE(greetingThroughProxy(), QStringLiteral("hello"));
    }

    void aPushThatChangesTheEnvironmentLosesNoRequest()
    {
        push({{QStringLiteral("greeting"), QStringLiteral("bonjour")}, {QStringLiteral("generation"), 3}});
        QString id;
        const test::LoadReport report = test::underLoad(proxyUrl(), QStringLiteral("web.test"), 30, [&] {
            id = webhook().body[QLatin1String("deployment")].toString();
            const QJsonObject deployment = waitForDeployment(id, 25000);
            QVERIFY2(deployment[QLatin1String("status")] == QStringLiteral("succeeded"),
                     qPrintable(deploymentText(deployment)));
        });
        QVERIFY2(report.sentThroughout(30), qPrintable(report.text));
        QVERIFY2(report.failed() == 0, qPrintable(report.text));
        const QJsonObject deployment = waitForDeployment(id);
        const qint64 issued =
            QDateTime::fromString(deployment[QLatin1String("queuedAt")].toString(), Qt::ISODateWithMs)
                .msecsTo(QDateTime::fromString(deployment[QLatin1String("updateIssuedAt")].toString(),
                                               Qt::ISODateWithMs));
        qInfo("through a deployment (1,000/s asked): %s; webhook to update issued: %lld ms",
              qPrintable(report.summary()), issued);
        QCOMPARE(env(webName(), QStringLiteral("GREETING")), QStringLiteral("bonjour"));
        QTRY_COMPARE_WITH_TIMEOUT(greetingThroughProxy(), QStringLiteral("bonjour"), 10000);
        // The plan says what changed, field by field.
        const QJsonObject web = deployment[QLatin1String("plan")].toArray().first().toObject();
        QCOMPARE(web[QLatin1String("action")].toString(), QStringLiteral("update"));
        QCOMPARE(web[QLatin1String("changes")][0][QLatin1String("path")].toString(),
                 QStringLiteral("TaskTemplate.ContainerSpec.Env"));
    }

    void aTemplateThatThrowsSaysWhereAndDeploysNothing()
    {
        const qint64 before =
            serviceNamed(webName())[QLatin1String("Version")][QLatin1String("Index")].toInteger();
        push({{QStringLiteral("greeting"), QStringLiteral("hola")}, {QStringLiteral("generation"), 4}},
             "module.exports = function (ctx) {\n"
             "    const settings = ctx.files.json('deploy/shop.json');\n"
             "    throw new Error('no shop for ' + settings.greeting);\n"
             "};\n");
        const QJsonObject deployment =
            waitForDeployment(webhook().body[QLatin1String("deployment")].toString());
        QCOMPARE(deployment[QLatin1String("status")].toString(), QStringLiteral("failed"));
        QCOMPARE(deployment[QLatin1String("error")].toString(),
                 QStringLiteral("deploy/shop.js:3: Error: no shop for hola"));
        QVERIFY(deployment[QLatin1String("plan")].toArray().isEmpty());
        QCOMPARE(serviceNamed(webName())[QLatin1String("Version")][QLatin1String("Index")].toInteger(),
                 before);
        QCOMPARE(greetingThroughProxy(), QStringLiteral("bonjour"));
    }

    void aFailingHealthCheckRollsBackEveryServiceOfTheDeployment()
    {
        // The web service's update goes well; the worker's new tasks never become healthy.
        push({{QStringLiteral("greeting"), QStringLiteral("guten tag")},
              {QStringLiteral("generation"), 5},
              {QStringLiteral("workerHealthCheck"), QStringLiteral("exit 1")}});
        const QJsonObject deployment =
            waitForDeployment(webhook().body[QLatin1String("deployment")].toString());
        QVERIFY2(deployment[QLatin1String("status")] == QStringLiteral("rolled back"),
                 qPrintable(deploymentText(deployment)));
        QStringList outcomes;
        for (const QJsonValue &result : deployment[QLatin1String("results")].toArray())
            outcomes << result[QLatin1String("name")].toString() + u' ' +
                            result[QLatin1String("outcome")].toString();
        QCOMPARE(outcomes, (QStringList{webName() + QStringLiteral(" rolled back"),
                                        workerName() + QStringLiteral(" rolled back")}));
        QCOMPARE(env(webName(), QStringLiteral("GREETING")), QStringLiteral("bonjour"));
        QCOMPARE(env(workerName(), QStringLiteral("GENERATION")), QStringLiteral("3"));
        QVERIFY(serviceNamed(workerName())[QLatin1String("Spec")][QLatin1String("TaskTemplate")]
                                          [QLatin1String("ContainerSpec")]
                                              .toObject()
                                              .value(QLatin1String("Healthcheck"))
                                              .isUndefined());
        QTRY_COMPARE_WITH_TIMEOUT(greetingThroughProxy(), QStringLiteral("bonjour"), 20000);
    }

    void pollingSeesAPushWithoutAWebhook()
    {
        const QString polled = m_repository + QStringLiteral("-polled");
        const QString sha = push(
            {{QStringLiteral("greeting"), QStringLiteral("bonjour")}, {QStringLiteral("generation"), 3}});
        const auto deployedBy = [&] {
            for (const QJsonValue &deployment :
                 http("GET", QStringLiteral("/deployments?repository=") + polled)
                     .body[QLatin1String("deployments")]
                     .toArray()) {
                if (deployment[QLatin1String("commit")][QLatin1String("sha")].toString() == sha &&
                    deployment[QLatin1String("status")].toString() == QLatin1String("failed"))
                    return deployment.toObject();
            }
            return QJsonObject();
        };
        QTRY_VERIFY_WITH_TIMEOUT(!deployedBy().isEmpty(), 15000);
        QCOMPARE(deployedBy()[QLatin1String("trigger")].toString(), QStringLiteral("poll"));
        QCOMPARE(deployedBy()[QLatin1String("error")].toString(),
                 QStringLiteral("commit %1 has no deploy template (nowhere/*.js)").arg(sha.left(12)));
    }

    void aServiceBuiltFromTheCommitRuns()
    {
        // No registry: cape-deployd builds on the manager and copies the image onto the other nodes.
        const QByteArray dockerfile =
            QStringLiteral("FROM %1\nCOPY web/index.html /www/index.html\n"
                           "CMD [\"httpd\", \"-f\", \"-p\", \"8080\", \"-h\", \"/www\"]\n")
                .arg(m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"))
                .toUtf8();
        const QString sha = push({{QStringLiteral("greeting"), QStringLiteral("unused")},
                                  {QStringLiteral("generation"), 3},
                                  {QStringLiteral("buildWeb"), true}},
                                 {},
                                 {{QStringLiteral("web/Dockerfile"), dockerfile},
                                  {QStringLiteral("web/index.html"), "built from the commit\n"}});
        const QJsonObject deployment =
            waitForDeployment(webhook().body[QLatin1String("deployment")].toString());
        QVERIFY2(deployment[QLatin1String("status")] == QStringLiteral("succeeded"),
                 qPrintable(deploymentText(deployment)));
        const QString tag = QStringLiteral("%1/%2:%3").arg(m_repository, webName(), sha.left(12));
        QCOMPARE(serviceNamed(webName())[QLatin1String("Spec")][QLatin1String("TaskTemplate")]
                                        [QLatin1String("ContainerSpec")][QLatin1String("Image")]
                                            .toString(),
                 tag);
        QVERIFY2(deploymentText(deployment).contains(QLatin1String("loaded onto")),
                 qPrintable(deploymentText(deployment)));
        QTRY_COMPARE_WITH_TIMEOUT(greetingThroughProxy(), QStringLiteral("built from the commit"), 30000);
    }

    void requestsWaitAndTheNewestWins()
    {
        // The first rolls for some seconds: the others arrive while it runs.
        push({{QStringLiteral("greeting"), QStringLiteral("salut")}, {QStringLiteral("generation"), 6}});
        const QString first = webhook().body[QLatin1String("deployment")].toString();
        const QString second = webhook().body[QLatin1String("deployment")].toString();
        const QString third = webhook().body[QLatin1String("deployment")].toString();
        QCOMPARE(
            http("GET", QStringLiteral("/deployments/") + second).body[QLatin1String("status")].toString(),
            QStringLiteral("superseded"));
        QCOMPARE(
            http("GET", QStringLiteral("/deployments/") + third).body[QLatin1String("status")].toString(),
            QStringLiteral("queued"));
        QCOMPARE(waitForDeployment(first)[QLatin1String("status")].toString(), QStringLiteral("succeeded"));
        QCOMPARE(waitForDeployment(third)[QLatin1String("status")].toString(), QStringLiteral("unchanged"));
        QCOMPARE(greetingThroughProxy(), QStringLiteral("salut"));
    }

    void theHistorySurvivesARestartAndRollsBackInOneRequest()
    {
        const QString ours = QStringLiteral("/deployments?repository=") + m_repository;
        const QJsonArray before = http("GET", ours).body[QLatin1String("deployments")].toArray();
        QVERIFY(before.size() >= 7);
        stopDeployd();
        QVERIFY(startDeployd());
        QJsonArray after;
        QTRY_VERIFY_WITH_TIMEOUT(
            (after = http("GET", ours).body[QLatin1String("deployments")].toArray()).size() == before.size(),
            20000);
        for (qsizetype i = 0; i < before.size(); ++i) {
            QCOMPARE(after.at(i)[QLatin1String("id")], before.at(i)[QLatin1String("id")]);
            QCOMPARE(after.at(i)[QLatin1String("status")], before.at(i)[QLatin1String("status")]);
        }
        // Back to the first deployment's services.
        const HttpAnswer rollback =
            http("POST", QStringLiteral("/deployments/%1/rollback").arg(m_firstDeployment));
        QCOMPARE(rollback.status, 202);
        const QJsonObject deployment =
            waitForDeployment(rollback.body[QLatin1String("deployment")].toString());
        QVERIFY2(deployment[QLatin1String("status")] == QStringLiteral("succeeded"),
                 qPrintable(deploymentText(deployment)));
        QCOMPARE(deployment[QLatin1String("rollbackOf")].toString(), m_firstDeployment);
        QTRY_COMPARE_WITH_TIMEOUT(greetingThroughProxy(), QStringLiteral("hello"), 20000);
        QCOMPARE(http("POST", QStringLiteral("/deployments/nope/rollback")).status, 404);
    }

    void cleanupTestCase()
    {
        stopDeployd();
        if (m_eventd.state() != QProcess::NotRunning) {
            m_eventd.terminate();
            m_eventd.waitForFinished(5000);
        }
        if (m_manager)
            removeLeftovers();
    }
};

QTEST_GUILESS_MAIN(TestDeployd)
#include "tst_deployd.moc"
