// The install wizard's settings made into the plan of packaging/stack.yml (the file as built
// into the program): what each choice puts on the cluster, and what it refuses.
#include "services/install/daemonstackbuilder.h"
#include "services/swarm/composefile.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using namespace cape;

namespace {

using L = QLatin1String;

DaemonInstallSettings everything()
{
    DaemonInstallSettings settings;
    settings.ingressNodes = {QStringLiteral("node-a")};
    settings.apiToken = DaemonStackBuilder::newToken();
    settings.httpPort = 8081;
    settings.httpsPort = 8444;
    settings.redisPort = 16379;
    settings.deploydPort = 19470;
    settings.dockerSocket = QStringLiteral("/run/docker.sock");
    settings.agentToken = DaemonStackBuilder::newToken();
    settings.agentDockerSocket = QStringLiteral("/run/{{.Node.Hostname}}/docker.sock");
    return settings;
}

QStringList names(const QList<QJsonObject> &objects)
{
    QStringList out;
    for (const QJsonObject &object : objects)
        out << object[L("Name")].toString();
    out.sort();
    return out;
}

QStringList publishedPorts(const QJsonObject &service)
{
    QStringList out;
    for (const QJsonValue &port : service[L("EndpointSpec")][L("Ports")].toArray())
        out << QStringLiteral("%1:%2/%3")
                   .arg(port[L("PublishedPort")].toInt())
                   .arg(port[L("TargetPort")].toInt())
                   .arg(port[L("PublishMode")].toString());
    return out;
}

QJsonObject container(const QJsonObject &service)
{
    return service[L("TaskTemplate")][L("ContainerSpec")].toObject();
}

} // namespace

class TestDaemonStackBuilder : public QObject
{
    Q_OBJECT

private slots:
    void everythingIsTheWholeStackWithTheChosenPorts()
    {
        QStringList errors;
        const DaemonInstallSettings settings = everything();
        const auto plan = DaemonStackBuilder::build(settings, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u'\n')));
        QCOMPARE(plan->stack, QStringLiteral("cape"));
        QCOMPARE(names(plan->services),
                 (QStringList{QStringLiteral("cape_agent"), QStringLiteral("cape_deployd"),
                              QStringLiteral("cape_eventd"), QStringLiteral("cape_proxyd"),
                              QStringLiteral("cape_redis")}));
        QCOMPARE(names(plan->networks), QStringList{QStringLiteral("cape")});
        QCOMPARE(names(plan->configs), QStringList{QStringLiteral("cape_proxy")});
        QCOMPARE(names(plan->secrets),
                 (QStringList{QStringLiteral("cape_agent-token"), QStringLiteral("cape_deployd-api-token"),
                              QStringLiteral("cape_deployd-config")}));

        const QJsonObject proxy = plan->service(QStringLiteral("cape_proxyd"));
        QCOMPARE(container(proxy)[L("Image")].toString(),
                 QStringLiteral("cape-daemons:" CAPE_VERSION_STRING));
        QCOMPARE(publishedPorts(proxy),
                 (QStringList{QStringLiteral("8081:8080/host"), QStringLiteral("8444:8443/host")}));
        QVERIFY(proxy[L("Mode")].toObject().contains(L("Global")));
        QCOMPARE(proxy[L("TaskTemplate")][L("Placement")][L("Constraints")].toArray().first().toString(),
                 QStringLiteral("node.labels.cape.ingress == true"));
        QCOMPARE(container(proxy)[L("Healthcheck")][L("Test")].toArray().last().toString(),
                 QStringLiteral("--probe"));

        QCOMPARE(publishedPorts(plan->service(QStringLiteral("cape_redis"))),
                 QStringList{QStringLiteral("16379:6379/host")});
        const QJsonObject deployd = plan->service(QStringLiteral("cape_deployd"));
        QCOMPARE(publishedPorts(deployd), QStringList{QStringLiteral("19470:9470/host")});
        QCOMPARE(container(deployd)[L("Mounts")].toArray().first()[L("Source")].toString(),
                 QStringLiteral("/run/docker.sock"));
        QCOMPARE(container(deployd)[L("User")].toString(), QStringLiteral("0:0"));

        // The token the wizard shows is the one cape-deployd reads; its configuration is a secret.
        const QJsonObject token = plan->secret(QStringLiteral("cape_deployd-api-token"));
        QCOMPARE(QByteArray::fromBase64(token[L("Data")].toString().toLatin1()), settings.apiToken.toUtf8());
        const QJsonObject config =
            QJsonDocument::fromJson(
                QByteArray::fromBase64(
                    plan->secret(QStringLiteral("cape_deployd-config"))[L("Data")].toString().toLatin1()))
                .object();
        QCOMPARE(config[L("redis")].toString(), QStringLiteral("redis:6379"));
        QCOMPARE(config[L("apiTokenFile")].toString(), QStringLiteral("/run/secrets/deployd-api-token"));
        QVERIFY(config[L("repositories")].toArray().isEmpty());
    }

    // cape-agent: one task per node with that node's socket (a template, as the wizard was
    // given), root for it, no published port, the token as a secret where the agent reads it,
    // and the peers and port in the environment that an exec of `cape-agent --stdio` inherits.
    void theAgentRunsOnEveryNodeClosed()
    {
        QStringList errors;
        const DaemonInstallSettings settings = everything();
        const auto plan = DaemonStackBuilder::build(settings, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u'\n')));
        const QJsonObject agent = plan->service(QStringLiteral("cape_agent"));
        QVERIFY(agent[L("Mode")].toObject().contains(L("Global")));
        QCOMPARE(agent[L("Labels")][L("cape.component")].toString(), QStringLiteral("agent"));
        QCOMPARE(publishedPorts(agent), QStringList{});
        QCOMPARE(container(agent)[L("User")].toString(), QStringLiteral("0:0"));
        QCOMPARE(container(agent)[L("Mounts")].toArray().first()[L("Source")].toString(),
                 QStringLiteral("/run/{{.Node.Hostname}}/docker.sock"));
        QCOMPARE(container(agent)[L("Mounts")].toArray().first()[L("Target")].toString(),
                 QStringLiteral("/var/run/docker.sock"));
        // The stack file's `command` is the container's arguments, as with `docker stack deploy`.
        const QJsonArray command = container(agent)[L("Args")].toArray();
        QCOMPARE(command.first().toString(), QStringLiteral("cape-agent"));
        QVERIFY(command.contains(QStringLiteral("--network")));
        QVERIFY(!command.contains(QStringLiteral("--listen"))); // only on the overlay
        const QJsonArray environment = container(agent)[L("Env")].toArray();
        QVERIFY(environment.contains(QStringLiteral("CAPE_AGENT_PEERS=tasks.{{.Service.Name}}")));
        const QJsonArray secrets = container(agent)[L("Secrets")].toArray();
        QCOMPARE(secrets.size(), 1);
        QCOMPARE(secrets.first()[L("File")][L("Name")].toString(), QStringLiteral("cape_agent_token"));
        const QJsonObject token = plan->secret(QStringLiteral("cape_agent-token"));
        QCOMPARE(QByteArray::fromBase64(token[L("Data")].toString().toLatin1()),
                 settings.agentToken.toUtf8());
    }

    void anExistingRedisReplacesTheStacksOwn()
    {
        DaemonInstallSettings settings = everything();
        settings.newRedis = false;
        settings.existingRedis = QStringLiteral("redis.internal:6380");
        settings.repositoryName = QStringLiteral("shop");
        settings.repositoryUrl = QStringLiteral("https://git.example.com/shop.git");
        settings.webhookSecret = QStringLiteral("s3cret");
        QStringList errors;
        const auto plan = DaemonStackBuilder::build(settings, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u'\n')));
        QVERIFY(plan->service(QStringLiteral("cape_redis")).isEmpty());
        const QJsonArray eventd =
            container(plan->service(QStringLiteral("cape_eventd")))[L("Args")].toArray().isEmpty()
                ? container(plan->service(QStringLiteral("cape_eventd")))[L("Command")].toArray()
                : container(plan->service(QStringLiteral("cape_eventd")))[L("Args")].toArray();
        QVERIFY2(eventd.contains(QStringLiteral("redis.internal:6380")),
                 QJsonDocument(eventd).toJson().constData());
        const QJsonObject config =
            QJsonDocument::fromJson(DaemonStackBuilder::deploydConfig(settings)).object();
        QCOMPARE(config[L("redis")].toString(), QStringLiteral("redis.internal:6380"));
        const QJsonObject repository = config[L("repositories")].toArray().first().toObject();
        QCOMPARE(repository[L("name")].toString(), QStringLiteral("shop"));
        QCOMPARE(repository[L("branch")].toString(), QStringLiteral("main"));
        QCOMPARE(repository[L("webhookSecret")].toString(), QStringLiteral("s3cret"));
    }

    void theProxyAloneTakesNothingElse()
    {
        DaemonInstallSettings settings = everything();
        settings.eventsource = false;
        settings.deploy = false;
        settings.agent = false;
        QStringList errors;
        const auto plan = DaemonStackBuilder::build(settings, &errors);
        QVERIFY2(plan, qPrintable(errors.join(u'\n')));
        QCOMPARE(names(plan->services), QStringList{QStringLiteral("cape_proxyd")});
        QCOMPARE(names(plan->configs), QStringList{QStringLiteral("cape_proxy")});
        QVERIFY(plan->secrets.isEmpty()); // no token, no deployd configuration
    }

    void badSettingsAreNamed_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("expected");
        QTest::newRow("nothing") << "nothing"
                                 << "choose at least one daemon";
        QTest::newRow("no ingress node") << "ingress"
                                         << "at least one node";
        QTest::newRow("same ports") << "ports"
                                    << "two ports";
        QTest::newRow("existing redis without port") << "redis"
                                                     << "host:port";
        QTest::newRow("short token") << "token"
                                     << "at least 16 characters";
        QTest::newRow("relative socket") << "socket"
                                         << "absolute path";
        QTest::newRow("repository without name") << "repository"
                                                 << "needs a name";
        QTest::newRow("short agents' token") << "agent token"
                                             << "agents' token must be at least 16";
        QTest::newRow("relative agents' socket") << "agent socket"
                                                 << "agents' Docker socket must be an absolute path";
    }

    void badSettingsAreNamed()
    {
        QFETCH(QString, what);
        QFETCH(QString, expected);
        DaemonInstallSettings settings = everything();
        if (what == L("nothing"))
            settings.proxy = settings.eventsource = settings.deploy = settings.agent = false;
        else if (what == L("ingress"))
            settings.ingressNodes.clear();
        else if (what == L("ports"))
            settings.httpsPort = settings.httpPort;
        else if (what == L("redis"))
            settings.newRedis = false, settings.existingRedis = QStringLiteral("redis");
        else if (what == L("token"))
            settings.apiToken = QStringLiteral("short");
        else if (what == L("socket"))
            settings.dockerSocket = QStringLiteral("docker.sock");
        else if (what == L("agent token"))
            settings.agentToken = QStringLiteral("short");
        else if (what == L("agent socket"))
            settings.agentDockerSocket = QStringLiteral("docker.sock");
        else if (what == L("repository"))
            settings.repositoryUrl = QStringLiteral("https://git.example.com/x.git");
        QStringList errors;
        QVERIFY(!DaemonStackBuilder::build(settings, &errors));
        QVERIFY2(errors.join(u'\n').contains(expected), qPrintable(errors.join(u'\n')));
    }

    void theStackFileIsTheRepositorysAndNamesThisRelease()
    {
        // The built-in copy is packaging/stack.yml, and its default image tag is this version:
        // `docker stack deploy` without CAPE_VERSION runs the daemons of this release.
        QFile file(QStringLiteral(CAPE_SOURCE_DIR "/packaging/stack.yml"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QByteArray source = file.readAll();
        QCOMPARE(DaemonStackBuilder::stackFile(), source);
        const QRegularExpression image(QStringLiteral("cape-daemons:\\$\\{CAPE_VERSION:-([^}]+)\\}"));
        const auto match = image.match(QString::fromUtf8(source));
        QVERIFY(match.hasMatch());
        QCOMPARE(match.captured(1), QStringLiteral(CAPE_VERSION_STRING));
    }

    void newTokensAreRandom()
    {
        const QString a = DaemonStackBuilder::newToken();
        QCOMPARE(a.size(), 64);
        QVERIFY(a != DaemonStackBuilder::newToken());
    }
};

QTEST_GUILESS_MAIN(TestDaemonStackBuilder)
#include "tst_daemonstackbuilder.moc"
