// What cape-deployd makes of a template's services (engine specs), how it
// compares them with what runs, which webhooks it believes, and what its
// configuration file must say.
#include "services/deploy/deploydconfig.h"
#include "services/deploy/deploymentplan.h"
#include "services/deploy/imagebuilder.h"
#include "services/deploy/servicespecbuilder.h"
#include "services/deploy/specdiff.h"
#include "services/deploy/webhookverifier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

namespace {

QJsonObject json(const char *text)
{
    return QJsonDocument::fromJson(text).object();
}

QJsonObject build(const QJsonObject &described, QStringList *errors)
{
    return ServiceSpecBuilder::build(described, {QStringLiteral("shop"), QStringLiteral("abc123")}, errors)
        .value_or(QJsonObject());
}

} // namespace

class TestDeploySpecs : public QObject
{
    Q_OBJECT

private slots:
    void aTemplateServiceBecomesAnEngineSpec()
    {
        QStringList errors;
        const QJsonObject spec = build(json(R"({
            "name": "web", "image": "shop/web:1.2", "replicas": 3, "template": "deploy/web.js",
            "command": ["httpd", "-f"], "env": {"PORT": 8080, "DEBUG": false, "NAME": "shop"},
            "labels": {"team": "store"}, "ports": ["8080:80", {"target": 443, "published": 8443, "mode": "host"}],
            "networks": ["shop-net"], "secrets": ["db-password", {"source": "tls", "target": "tls.pem", "uid": 65532, "mode": 256}],
            "constraints": ["node.role==worker"], "resources": {"cpus": 0.5, "memory": "256M", "reservations": {"memory": "64M"}},
            "healthcheck": {"test": "wget -q -O- localhost", "interval": "2s", "timeout": "1s", "retries": 3, "startPeriod": "500ms"},
            "stopGracePeriod": "1m30s"
        })"),
                                       &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        QCOMPARE(spec[QLatin1String("Name")].toString(), QStringLiteral("web"));
        const QJsonObject container =
            spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")].toObject();
        QCOMPARE(container[QLatin1String("Env")].toArray(),
                 (QJsonArray{QStringLiteral("DEBUG=false"), QStringLiteral("NAME=shop"),
                             QStringLiteral("PORT=8080")}));
        QCOMPARE(container[QLatin1String("StopGracePeriod")].toInteger(), qint64(90) * 1000000000);
        QCOMPARE(container[QLatin1String("Healthcheck")][QLatin1String("Test")].toArray(),
                 (QJsonArray{QStringLiteral("CMD-SHELL"), QStringLiteral("wget -q -O- localhost")}));
        QCOMPARE(container[QLatin1String("Healthcheck")][QLatin1String("StartPeriod")].toInteger(),
                 qint64(500000000));
        QCOMPARE(
            container[QLatin1String("Secrets")][1][QLatin1String("File")][QLatin1String("Name")].toString(),
            QStringLiteral("tls.pem"));
        QCOMPARE(
            container[QLatin1String("Secrets")][1][QLatin1String("File")][QLatin1String("UID")].toString(),
            QStringLiteral("65532"));
        QCOMPARE(container[QLatin1String("Secrets")][0][QLatin1String("SecretName")].toString(),
                 QStringLiteral("db-password"));
        const QJsonArray ports = spec[QLatin1String("EndpointSpec")][QLatin1String("Ports")].toArray();
        QCOMPARE(ports.at(0)[QLatin1String("PublishedPort")].toInt(), 8080);
        QCOMPARE(ports.at(0)[QLatin1String("PublishMode")].toString(), QStringLiteral("ingress"));
        QCOMPARE(ports.at(1)[QLatin1String("PublishMode")].toString(), QStringLiteral("host"));
        const QJsonObject task = spec[QLatin1String("TaskTemplate")].toObject();
        QCOMPARE(
            task[QLatin1String("Resources")][QLatin1String("Limits")][QLatin1String("NanoCPUs")].toInteger(),
            qint64(500000000));
        QCOMPARE(task[QLatin1String("Resources")][QLatin1String("Limits")][QLatin1String("MemoryBytes")]
                     .toInteger(),
                 qint64(256) * 1024 * 1024);
        QCOMPARE(spec[QLatin1String("Mode")][QLatin1String("Replicated")][QLatin1String("Replicas")].toInt(),
                 3);
        QCOMPARE(spec[QLatin1String("Labels")][QLatin1String("cape.deploy.repository")].toString(),
                 QStringLiteral("shop"));
        QCOMPARE(spec[QLatin1String("Labels")][QLatin1String("cape.deploy.commit")].toString(),
                 QStringLiteral("abc123"));
        QCOMPARE(spec[QLatin1String("Labels")][QLatin1String("cape.deploy.template")].toString(),
                 QStringLiteral("deploy/web.js"));
        // A host-mode port: two tasks cannot share it on a node, so stop-first; the monitor covers the
        // health check (start period + interval × (retries + 1) + timeout = 0.5 + 8 + 1 s).
        const QJsonObject update = spec[QLatin1String("UpdateConfig")].toObject();
        QCOMPARE(update[QLatin1String("Order")].toString(), QStringLiteral("stop-first"));
        QCOMPARE(update[QLatin1String("FailureAction")].toString(), QStringLiteral("rollback"));
        QCOMPARE(update[QLatin1String("Monitor")].toInteger(), qint64(9500) * 1000000);
    }

    void withoutHostPortsItRollsStartFirst()
    {
        QStringList errors;
        const QJsonObject spec = build(json(R"({"name": "api", "image": "x", "mode": "global"})"), &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        QCOMPARE(spec[QLatin1String("UpdateConfig")][QLatin1String("Order")].toString(),
                 QStringLiteral("start-first"));
        QVERIFY(spec[QLatin1String("Mode")].toObject().contains(QLatin1String("Global")));
    }

    void mistakesAreNamedByServiceAndField()
    {
        QStringList errors;
        QVERIFY(!ServiceSpecBuilder::build(
            json(R"({"name": "web", "image": "x", "replica": 2, "ports": ["80:abc"],
            "healthcheck": {"test": "true", "interval": "soon"}, "resources": {"memory": "lots"},
            "mode": "sometimes", "env": {"A": {"nested": 1}}})"),
            {QStringLiteral("shop"), QStringLiteral("abc")}, &errors));
        const QString all = errors.join(u'\n');
        for (const char *expected : {"service \"web\": replica is not a field of a service",
                                     "service \"web\": ports entry \"80:abc\"",
                                     "service \"web\": healthcheck.interval is not a duration",
                                     "service \"web\": resources.memory is not a size",
                                     "service \"web\": mode must be \"replicated\" or \"global\"",
                                     "service \"web\": env A must be a string"})
            QVERIFY2(all.contains(QLatin1String(expected)), qPrintable(all));
        errors.clear();
        QVERIFY(!ServiceSpecBuilder::build(json(R"({"name": "bad name!"})"), {}, &errors));
        QVERIFY2(errors.join(u'\n').contains(QLatin1String("service name \"bad name!\" is not valid")),
                 qPrintable(errors.join(u'\n')));
        QVERIFY2(errors.join(u'\n').contains(QLatin1String("image is missing")),
                 qPrintable(errors.join(u'\n')));
    }

    void durationsAndSizes()
    {
        QCOMPARE(ServiceSpecBuilder::nanoseconds(QStringLiteral("1m30s")), qint64(90) * 1000000000);
        QCOMPARE(ServiceSpecBuilder::nanoseconds(QStringLiteral("250ms")), qint64(250) * 1000000);
        QCOMPARE(ServiceSpecBuilder::nanoseconds(2.5), qint64(2500) * 1000000);
        QCOMPARE(ServiceSpecBuilder::nanoseconds(QStringLiteral("5 s")), qint64(-1));
        QCOMPARE(ServiceSpecBuilder::nanoseconds(QStringLiteral("s")), qint64(-1));
        QCOMPARE(ServiceSpecBuilder::bytes(QStringLiteral("1G")), qint64(1024) * 1024 * 1024);
        QCOMPARE(ServiceSpecBuilder::bytes(QStringLiteral("512k")), qint64(512) * 1024);
        QCOMPARE(ServiceSpecBuilder::bytes(QStringLiteral("64MiB")), qint64(64) * 1024 * 1024);
        QCOMPARE(ServiceSpecBuilder::bytes(QStringLiteral("-1")), qint64(-1));
    }

    void theDiffSeesOnlyWhatTheTemplateChanges()
    {
        QStringList errors;
        const QJsonObject desired =
            build(json(R"({"name": "web", "image": "busybox:1.36", "env": {"A": "2"}})"), &errors);
        // What the engine gives back: defaults filled in, the image pinned, the commit label older.
        QJsonObject running = desired;
        QJsonObject task = running[QLatin1String("TaskTemplate")].toObject();
        QJsonObject container = task[QLatin1String("ContainerSpec")].toObject();
        container[QLatin1String("Image")] = QStringLiteral("busybox:1.36@sha256:0123");
        container[QLatin1String("Isolation")] = QStringLiteral("default");
        container.remove(QLatin1String("Secrets")); // the engine drops empty lists
        task[QLatin1String("ContainerSpec")] = container;
        task[QLatin1String("ForceUpdate")] = 0;
        running[QLatin1String("TaskTemplate")] = task;
        QJsonObject labels = running[QLatin1String("Labels")].toObject();
        labels[QLatin1String("cape.deploy.commit")] = QStringLiteral("older");
        running[QLatin1String("Labels")] = labels;
        QVERIFY(SpecDiff::between(running, desired).isEmpty());

        const QJsonObject changed =
            build(json(R"({"name": "web", "image": "busybox:1.37", "env": {"A": "3"}})"), &errors);
        const QList<SpecDiff::Change> changes = SpecDiff::between(running, changed);
        QStringList texts;
        for (const SpecDiff::Change &change : changes)
            texts << change.text();
        QCOMPARE(
            texts,
            (QStringList{QStringLiteral("TaskTemplate.ContainerSpec.Env: [\"A=2\"] → [\"A=3\"]"),
                         QStringLiteral(
                             "TaskTemplate.ContainerSpec.Image: busybox:1.36@sha256:0123 → busybox:1.37")}));
    }

    void thePlanCreatesUpdatesLeavesAloneAndPrunes()
    {
        QStringList errors;
        const QJsonObject web = build(json(R"({"name": "web", "image": "x:2"})"), &errors);
        const QJsonObject api = build(json(R"({"name": "api", "image": "y:1"})"), &errors);
        const QJsonObject worker = build(json(R"({"name": "worker", "image": "z:1"})"), &errors);
        QJsonObject oldWeb = web;
        QJsonObject task = oldWeb[QLatin1String("TaskTemplate")].toObject();
        QJsonObject container = task[QLatin1String("ContainerSpec")].toObject();
        container[QLatin1String("Image")] = QStringLiteral("x:1");
        task[QLatin1String("ContainerSpec")] = container;
        oldWeb[QLatin1String("TaskTemplate")] = task;
        const QJsonArray running{
            QJsonObject{{QStringLiteral("ID"), QStringLiteral("w1")},
                        {QStringLiteral("Spec"), oldWeb},
                        {QStringLiteral("UpdateStatus"),
                         QJsonObject{{QStringLiteral("StartedAt"), QStringLiteral("t0")}}}},
            QJsonObject{{QStringLiteral("ID"), QStringLiteral("a1")}, {QStringLiteral("Spec"), api}},
            QJsonObject{{QStringLiteral("ID"), QStringLiteral("o1")}, {QStringLiteral("Spec"), worker}},
            QJsonObject{
                {QStringLiteral("ID"), QStringLiteral("h1")},
                {QStringLiteral("Spec"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("by-hand")}}}}};
        const QJsonObject newcomer = build(json(R"({"name": "cron", "image": "c:1"})"), &errors);
        const DeploymentPlan plan =
            DeploymentPlan::make({web, api, newcomer}, running, QStringLiteral("shop"), true, &errors);
        QVERIFY2(errors.isEmpty(), qPrintable(errors.join(u'\n')));
        QStringList actions;
        for (const DeploymentPlan::Service &service : plan.services)
            actions << service.name + u' ' + DeploymentPlan::actionName(service.action);
        QCOMPARE(actions, (QStringList{QStringLiteral("web update"), QStringLiteral("api unchanged"),
                                       QStringLiteral("cron create"), QStringLiteral("worker remove")}));
        QCOMPARE(plan.services.first().previousStart, QStringLiteral("t0"));
        QCOMPARE(plan.services.first().changes.size(), 1);

        // Another repository's service of the same name is not taken over.
        QJsonObject foreign = api;
        QJsonObject labels = foreign[QLatin1String("Labels")].toObject();
        labels[QLatin1String("cape.deploy.repository")] = QStringLiteral("billing");
        foreign[QLatin1String("Labels")] = labels;
        errors.clear();
        DeploymentPlan::make(
            {api},
            {QJsonObject{{QStringLiteral("ID"), QStringLiteral("b")}, {QStringLiteral("Spec"), foreign}}},
            QStringLiteral("shop"), false, &errors);
        QCOMPARE(errors, QStringList{QStringLiteral(
                             "service \"api\" belongs to repository \"billing\": not taken over")});
    }

    void aBuildsErrorIsFoundInTheEnginesProgress()
    {
        QStringList log;
        QCOMPARE(ImageBuilder::buildError("{\"stream\":\"Step 1/2 : FROM busybox\\n\"}\n"
                                          "{\"stream\":\"Successfully tagged shop/web:abc\\n\"}\n",
                                          &log),
                 QString());
        QCOMPARE(log, (QStringList{QStringLiteral("Step 1/2 : FROM busybox"),
                                   QStringLiteral("Successfully tagged shop/web:abc")}));
        QCOMPARE(ImageBuilder::buildError("{\"stream\":\"Step 2/2 : COPY nope /\\n\"}\n"
                                          "{\"errorDetail\":{\"message\":\"COPY failed\"},\"error\":\"COPY "
                                          "failed: no source files\"}\n",
                                          &log),
                 QStringLiteral("COPY failed: no source files"));
    }

    void onlyWebhooksSignedWithTheSecretAreBelieved()
    {
        const QByteArray body = R"({"ref":"refs/heads/main"})";
        const QByteArray secret = "s3cret";
        // GitHub's documented example: secret "It's a Secret to Everybody", body "Hello, World!".
        QCOMPARE(WebhookVerifier::githubSignature("It's a Secret to Everybody", "Hello, World!"),
                 QByteArray("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17"));
        QCOMPARE(WebhookVerifier::check(secret, body, {WebhookVerifier::githubSignature(secret, body), {}}),
                 QString());
        QCOMPARE(
            WebhookVerifier::check(secret, body + ' ', {WebhookVerifier::githubSignature(secret, body), {}}),
            QStringLiteral("the signature does not match the body"));
        QCOMPARE(WebhookVerifier::check("other", body, {WebhookVerifier::githubSignature(secret, body), {}}),
                 QStringLiteral("the signature does not match the body"));
        QCOMPARE(WebhookVerifier::check(secret, body, {"sha1=abc", {}}),
                 QStringLiteral("X-Hub-Signature-256 is not \"sha256=<hex>\""));
        QCOMPARE(WebhookVerifier::check(secret, body, {}),
                 QStringLiteral("no signature (X-Hub-Signature-256) and no token (X-Gitlab-Token)"));
        QCOMPARE(WebhookVerifier::check(secret, body, {{}, secret}), QString());
        QCOMPARE(WebhookVerifier::check(secret, body, {{}, "s3cre"}), QStringLiteral("the token is wrong"));
        QCOMPARE(WebhookVerifier::check({}, body, {WebhookVerifier::githubSignature({}, body), {}}),
                 QStringLiteral("the repository has no webhook secret: webhooks are refused"));
    }

    // (The URL and the glob go in through arg(): moc reads "//" and "/*" in a raw string as comments.)
    void theConfigurationSaysWhatIsWrong()
    {
        QTemporaryDir dir;
        QFile secret(dir.filePath(QStringLiteral("hook")));
        QVERIFY(secret.open(QIODevice::WriteOnly));
        secret.write("from-a-file\n");
        secret.close();
        QStringList errors;
        const auto config = DeploydConfig::fromJson(
            QStringLiteral(R"({"listen": "127.0.0.1:0", "redis": "127.0.0.1:6379",
            "repositories": [{"name": "shop", "url": "%2", "branch": "%3",
                              "webhookSecretFile": "%1", "env": {"A": 1}, "prune": true}]})")
                .arg(secret.fileName(), QStringLiteral("file:///srv/shop.git"), QStringLiteral("release/*"))
                .toUtf8(),
            &errors);
        QVERIFY2(config, qPrintable(errors.join(u'\n')));
        QCOMPARE(config->repositories.first().webhookSecret, QByteArray("from-a-file"));
        QCOMPARE(config->repositories.first().templates, QStringLiteral("deploy/*.js"));
        QCOMPARE(config->repositories.first().pollIntervalSeconds, 60);
        QVERIFY(config->repositories.first().prune);

        errors.clear();
        QVERIFY(!DeploydConfig::fromJson("{nope", &errors));
        QVERIFY2(errors.first().startsWith(QLatin1String("not JSON")), qPrintable(errors.first()));
        errors.clear();
        QVERIFY(!DeploydConfig::fromJson(R"({"repositories": [{"name": "a"}, {"name": "a", "url": "x",
            "webhookSecretFile": "/nonexistent"}]})",
                                         &errors));
        const QString all = errors.join(u'\n');
        QVERIFY2(all.contains(QLatin1String("repository \"a\": no url")), qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("repository \"a\" is configured twice")), qPrintable(all));
        QVERIFY2(all.contains(QLatin1String("cannot read webhookSecretFile /nonexistent")), qPrintable(all));
    }
};

QTEST_GUILESS_MAIN(TestDeploySpecs)
#include "tst_deployspecs.moc"
