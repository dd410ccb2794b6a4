#include "sandboxenvironment.h"

#include "services/swarm/composefile.h"
#include "services/swarm/stackdeployer.h"

#include <QJsonArray>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSet>
#include <QTest>

using namespace cape;
using cape::test::await;

namespace {

using L = QLatin1String;

// Two services on one network, a secret and a config: what a small stack has.
// %1 is the image, %2 the api's replicas, %3 the secret's content.
constexpr auto TestStack = R"(version: "3.8"
services:
  api:
    image: %1
    command: httpd -f -p 80 -h /www
    configs:
      - source: page
        target: /www/index.html
    secrets: [token]
    networks: [back]
    ports:
      - {target: 80, published: 18080, mode: host}
    stop_grace_period: 1s
    deploy:
      replicas: %2
      endpoint_mode: dnsrr
      placement:
        max_replicas_per_node: 1
      labels:
        cape.test: stack
  ticker:
    image: %1
    command: sh -c 'while true; do echo tick; sleep 1; done'
    networks:
      back:
        aliases: [clock]
    stop_grace_period: 1s
    deploy:
      endpoint_mode: dnsrr
networks:
  back:
    driver: overlay
secrets:
  token:
    environment: CAPE_TEST_TOKEN
configs:
  page:
    content: "stack test page"
)";

} // namespace

// StackDeployer against the real sandbox swarm: a stack is deployed, deployed
// again with a change (services updated in place), refused a changed secret,
// and removed; then the demo's voting stack is deployed and answers HTTP.
class TestStackDeployer : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    std::unique_ptr<DockerClient> m_manager;
    const QString m_stack = QStringLiteral("capetest");
    const QString m_voteStack = QStringLiteral("capevote");
    QHash<QString, QString> m_serviceIds;

    struct Outcome
    {
        bool ok = false;
        QString error;
        QStringList progress;
    };

    QJsonDocument ok(DockerReply *reply) { return test::expectOk(reply); }

    Outcome run(const std::function<void(StackDeployer &)> &start)
    {
        StackDeployer deployer;
        Outcome outcome;
        connect(&deployer, &StackDeployer::progress, this,
                [&outcome](const QString &line) { outcome.progress.append(line); });
        QSignalSpy finished(&deployer, &StackDeployer::finished);
        start(deployer);
        if (finished.isEmpty() && !finished.wait(60000)) {
            outcome.error = QStringLiteral("no finished() within 60 s");
            return outcome;
        }
        outcome.ok = finished.first().at(0).toBool();
        outcome.error = finished.first().at(1).toString();
        return outcome;
    }

    Outcome deploy(const StackPlan &plan)
    {
        return run([&](StackDeployer &d) { d.deploy(m_manager.get(), plan); });
    }

    Outcome remove(const QString &stack)
    {
        return run([&](StackDeployer &d) { d.remove(m_manager.get(), stack); });
    }

    StackPlan testPlan(int replicas, const QString &token)
    {
        QProcessEnvironment env;
        env.insert(QStringLiteral("CAPE_TEST_TOKEN"), token);
        const QString yaml =
            QString::fromLatin1(TestStack).arg(m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")).arg(replicas);
        const ComposeFile file = ComposeFile::parse(yaml.toUtf8(), m_stack, env);
        [&] { QVERIFY2(file.isValid(), qPrintable(file.errorString())); }();
        return file.plan();
    }

    DockerClient::Filters stackFilter(const QString &stack) const
    {
        return {{QStringLiteral("label"), {QStringLiteral("com.docker.stack.namespace=") + stack}}};
    }

    QHash<QString, QJsonObject> servicesOf(const QString &stack)
    {
        QHash<QString, QJsonObject> out;
        for (const QJsonValue &s : ok(m_manager->listServices(stackFilter(stack), false)).array())
            out.insert(s.toObject().value(L("Spec")).toObject().value(L("Name")).toString(), s.toObject());
        return out;
    }

    QSet<QString> runningTasks(const QString &service)
    {
        const DockerClient::Filters filters{{QStringLiteral("service"), {service}},
                                            {QStringLiteral("desired-state"), {QStringLiteral("running")}}};
        QSet<QString> running;
        for (const QJsonValue &task : ok(m_manager->listTasks(filters)).array()) {
            const QJsonObject t = task.toObject();
            if (t.value(L("Status")).toObject().value(L("State")).toString() == L("running"))
                running.insert(t.value(L("ID")).toString());
        }
        return running;
    }

    int labelled(const QString &kind, const QString &stack)
    {
        const DockerClient::Filters filter = stackFilter(stack);
        DockerReply *reply = kind == L("service")   ? m_manager->listServices(filter, false)
                             : kind == L("network") ? m_manager->listNetworks(filter)
                             : kind == L("secret")  ? m_manager->listSecrets(filter)
                                                    : m_manager->listConfigs(filter);
        return int(ok(reply).array().size());
    }

    QString httpGet(const QString &url)
    {
        QNetworkAccessManager manager;
        QNetworkRequest request{QUrl(url)};
        request.setTransferTimeout(2000);
        std::unique_ptr<QNetworkReply> reply(manager.get(request));
        QSignalSpy done(reply.get(), &QNetworkReply::finished);
        if (!reply->isFinished())
            done.wait(3000);
        return reply->error() == QNetworkReply::NoError ? QString::fromUtf8(reply->readAll()) : QString();
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        m_manager = std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.value("DOCKER_HOST")));
        // Leftovers of an interrupted run.
        for (const QString &stack : {m_stack, m_voteStack}) {
            const Outcome removed = remove(stack);
            QVERIFY2(removed.ok, qPrintable(removed.error));
        }
    }

    void deploysAStack()
    {
        const Outcome outcome = deploy(testPlan(2, QStringLiteral("first")));
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.progress, (QStringList{QStringLiteral("Creating network capetest_back"),
                                                QStringLiteral("Creating secret capetest_token"),
                                                QStringLiteral("Creating config capetest_page"),
                                                QStringLiteral("Creating service capetest_api"),
                                                QStringLiteral("Creating service capetest_ticker")}));

        const QHash<QString, QJsonObject> services = servicesOf(m_stack);
        QCOMPARE(services.size(), 2);
        const QJsonObject network = ok(m_manager->inspectNetwork(QStringLiteral("capetest_back"))).object();
        QCOMPARE(network.value(L("Labels")).toObject().value(L("com.docker.stack.namespace")).toString(),
                 m_stack);
        QCOMPARE(network.value(L("Scope")).toString(), QStringLiteral("swarm"));
        const QString networkId = network.value(L("Id")).toString();

        const QJsonObject api = services.value(QStringLiteral("capetest_api")).value(L("Spec")).toObject();
        const QJsonObject labels = api.value(L("Labels")).toObject();
        QCOMPARE(labels.value(L("com.docker.stack.namespace")).toString(), m_stack);
        QCOMPARE(labels.value(L("com.docker.stack.image")).toString(),
                 m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE"));
        QCOMPARE(labels.value(L("cape.test")).toString(), QStringLiteral("stack"));
        QCOMPARE(
            api.value(L("Mode")).toObject().value(L("Replicated")).toObject().value(L("Replicas")).toInt(),
            2);
        const QJsonArray apiNetworks = api.value(L("TaskTemplate")).toObject().value(L("Networks")).toArray();
        QCOMPARE(apiNetworks.size(), 1);
        QCOMPARE(apiNetworks.at(0).toObject().value(L("Target")).toString(),
                 networkId); // the engine's ID for our name
        QCOMPARE(apiNetworks.at(0).toObject().value(L("Aliases")).toArray(),
                 QJsonArray{QStringLiteral("api")});
        const QJsonObject container =
            api.value(L("TaskTemplate")).toObject().value(L("ContainerSpec")).toObject();
        QVERIFY(!container.value(L("Secrets"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(L("SecretID"))
                     .toString()
                     .isEmpty());
        QVERIFY(!container.value(L("Configs"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(L("ConfigID"))
                     .toString()
                     .isEmpty());

        const QJsonObject ticker =
            services.value(QStringLiteral("capetest_ticker")).value(L("Spec")).toObject();
        QCOMPARE(ticker.value(L("TaskTemplate"))
                     .toObject()
                     .value(L("Networks"))
                     .toArray()
                     .at(0)
                     .toObject()
                     .value(L("Aliases")),
                 QJsonValue(QJsonArray{QStringLiteral("clock"), QStringLiteral("ticker")}));

        QCOMPARE(labelled(QStringLiteral("secret"), m_stack), 1);
        QCOMPARE(labelled(QStringLiteral("config"), m_stack), 1);
        for (auto it = services.cbegin(); it != services.cend(); ++it)
            m_serviceIds.insert(it.key(), it.value().value(L("ID")).toString());

        QTRY_COMPARE_WITH_TIMEOUT(runningTasks(QStringLiteral("capetest_api")).size(), 2, 40000);
        QTRY_COMPARE_WITH_TIMEOUT(runningTasks(QStringLiteral("capetest_ticker")).size(), 1, 20000);
    }

    void redeployUpdatesServicesInPlace()
    {
        if (m_serviceIds.size() != 2)
            QSKIP("needs deploysAStack");
        const QSet<QString> tickerTasks = runningTasks(QStringLiteral("capetest_ticker"));
        const Outcome outcome = deploy(testPlan(3, QStringLiteral("first")));
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.progress,
                 (QStringList{QStringLiteral("Updating secret capetest_token"),
                              QStringLiteral("Updating config capetest_page"),
                              QStringLiteral("Updating service capetest_api (id: %1)")
                                  .arg(m_serviceIds.value(QStringLiteral("capetest_api"))),
                              QStringLiteral("Updating service capetest_ticker (id: %1)")
                                  .arg(m_serviceIds.value(QStringLiteral("capetest_ticker")))}));

        const QHash<QString, QJsonObject> services = servicesOf(m_stack);
        QCOMPARE(services.size(), 2);
        for (auto it = services.cbegin(); it != services.cend(); ++it)
            QCOMPARE(it.value().value(L("ID")).toString(),
                     m_serviceIds.value(it.key())); // updated, not recreated
        const QJsonObject api = services.value(QStringLiteral("capetest_api")).value(L("Spec")).toObject();
        QCOMPARE(
            api.value(L("Mode")).toObject().value(L("Replicated")).toObject().value(L("Replicas")).toInt(),
            3);
        QTRY_COMPARE_WITH_TIMEOUT(runningTasks(QStringLiteral("capetest_api")).size(), 3, 40000);
        // The unchanged service kept its tasks: replacing the spec changed nothing that matters.
        QCOMPARE(runningTasks(QStringLiteral("capetest_ticker")), tickerTasks);
    }

    void aChangedSecretIsRefused()
    {
        const Outcome outcome = deploy(testPlan(3, QStringLiteral("second")));
        QVERIFY(!outcome.ok);
        QCOMPARE(outcome.error,
                 QStringLiteral("secret capetest_token already exists with different data; secrets are "
                                "immutable: give the new data a new name, or remove the stack first"));
        QCOMPARE(outcome.progress.last(), QStringLiteral("Updating secret capetest_token"));
    }

    void aMissingExternalNetworkIsRefused()
    {
        const ComposeFile file = ComposeFile::parse(R"(services:
  web:
    image: cape/busybox:latest
    networks: [outside]
networks:
  outside:
    external: true
    name: capetest-nowhere
)",
                                                    m_stack, QProcessEnvironment());
        QVERIFY2(file.isValid(), qPrintable(file.errorString()));
        const Outcome outcome = deploy(file.plan());
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.error.startsWith(
                     QLatin1String("network capetest-nowhere is declared external but could not "
                                   "be found")),
                 qPrintable(outcome.error));
        QVERIFY(outcome.progress.isEmpty());
    }

    void removesEverythingWithTheLabel()
    {
        const Outcome outcome = remove(m_stack);
        QVERIFY2(outcome.ok, qPrintable(outcome.error));
        QCOMPARE(outcome.progress.size(), 5);
        QCOMPARE(QSet<QString>(outcome.progress.cbegin(), outcome.progress.cbegin() + 2),
                 (QSet<QString>{QStringLiteral("Removing service capetest_api"),
                                QStringLiteral("Removing service capetest_ticker")}));
        QCOMPARE(outcome.progress.mid(2), (QStringList{QStringLiteral("Removing network capetest_back"),
                                                       QStringLiteral("Removing secret capetest_token"),
                                                       QStringLiteral("Removing config capetest_page")}));
        for (const char *kind : {"service", "network", "secret", "config"})
            QTRY_COMPARE_WITH_TIMEOUT(labelled(QLatin1String(kind), m_stack), 0, 10000);

        const Outcome again = remove(m_stack);
        QVERIFY(again.ok);
        QCOMPARE(again.progress, QStringList{QStringLiteral("Nothing found in stack capetest")});
    }

    // packaging/demo/voting-stack.yml must deploy on the sandbox, and answer.
    void votingStackRunsOnTheSandbox()
    {
        const QString path = QFINDTESTDATA("../../packaging/demo/voting-stack.yml");
        QVERIFY(!path.isEmpty());
        QProcessEnvironment env;
        for (const char *key : {"CAPE_SANDBOX_BUSYBOX_IMAGE", "CAPE_SANDBOX_REDIS_IMAGE"})
            env.insert(QLatin1String(key), m_sandbox.value(key));
        const ComposeFile file = ComposeFile::load(path, m_voteStack, env);
        QVERIFY2(file.isValid(), qPrintable(file.errorString()));
        const Outcome outcome = deploy(file.plan());
        QVERIFY2(outcome.ok, qPrintable(outcome.error));

        const QList<std::pair<QString, int>> expected{{QStringLiteral("web"), 3},
                                                      {QStringLiteral("worker"), 2},
                                                      {QStringLiteral("result"), 1},
                                                      {QStringLiteral("redis"), 1}};
        for (const auto &[service, replicas] : expected)
            QTRY_COMPARE_WITH_TIMEOUT(runningTasks(m_voteStack + QLatin1Char('_') + service).size(), replicas,
                                      45000);
        // One web task per node, each answering on its node's port 8080.
        for (const QString &ip :
             m_sandbox.value("CAPE_SANDBOX_NODE_IPS").split(QLatin1Char(' '), Qt::SkipEmptyParts))
            QTRY_VERIFY_WITH_TIMEOUT(
                httpGet(QStringLiteral("http://%1:8080/").arg(ip)).contains(QLatin1String("Cape voting app")),
                10000);

        const Outcome removed = remove(m_voteStack);
        QVERIFY2(removed.ok, qPrintable(removed.error));
        QTRY_COMPARE_WITH_TIMEOUT(labelled(QStringLiteral("network"), m_voteStack), 0, 10000);
    }

    void cleanupTestCase()
    {
        if (!m_manager)
            return;
        remove(m_stack);
        remove(m_voteStack);
    }
};

QTEST_GUILESS_MAIN(TestStackDeployer)
#include "tst_stackdeployer.moc"
