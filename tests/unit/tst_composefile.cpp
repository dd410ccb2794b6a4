#include "services/swarm/composefile.h"
#include "services/swarm/composeinterpolation.h"
#include "services/swarm/composesyntax.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

namespace {

using L = QLatin1String;

QJsonObject object(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test: %s", qPrintable(error.errorString()));
    return doc.object();
}

QJsonArray array(const char *json)
{
    return QJsonDocument::fromJson(QByteArray(json)).array();
}

QString text(const QJsonValue &value)
{
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

QJsonObject at(const QJsonObject &root, const char *path)
{
    QJsonObject o = root;
    for (const QByteArray &key : QByteArray(path).split('.'))
        o = o.value(QLatin1String(key)).toObject();
    return o;
}

QJsonObject containerOf(const QJsonObject &service)
{
    return at(service, "TaskTemplate.ContainerSpec");
}

QProcessEnvironment environment(std::initializer_list<std::pair<const char *, const char *>> values)
{
    QProcessEnvironment env;
    for (const auto &[key, value] : values)
        env.insert(QLatin1String(key), QLatin1String(value));
    return env;
}

QStringList messages(const QList<ComposeDiagnostic> &diagnostics)
{
    QStringList out;
    for (const ComposeDiagnostic &d : diagnostics)
        out.append(d.toString());
    return out;
}

} // namespace

#define JSON_COMPARE(actual, expected)                                                                       \
    do {                                                                                                     \
        const QJsonValue a_ = QJsonValue(actual);                                                            \
        const QJsonValue e_ = QJsonValue(expected);                                                          \
        QVERIFY2(a_ == e_,                                                                                   \
                 qPrintable(QStringLiteral("\n   actual: %1\n expected: %2").arg(text(a_), text(e_))));      \
    } while (false)

#define VERIFY_VALID(file) QVERIFY2((file).isValid(), qPrintable((file).errorString()))

// ComposeFile against real compose files: every spec is compared with what
// `docker stack deploy` (docker CLI 28 against Docker 20.10) sent for the same
// file, field by field; errors by their exact line, column and path.
class TestComposeFile : public QObject
{
    Q_OBJECT

    QProcessEnvironment m_env;

private slots:
    void minimalServiceGetsTheDefaultNetworkAndStackLabels();
    void everyFeatureAsDockerStackDeploySendsIt();
    void commandsSplitAsAShellWould();
    void environmentListMapAndEnvFiles();
    void ports();
    void durationsAndSizes_data();
    void durationsAndSizes();
    void healthchecks();
    void volumesAndMounts();
    void secretsAndConfigs();
    void interpolation();
    void interpolationDirectly_data();
    void interpolationDirectly();
    void errorsNameTheirLineColumnAndPath();
    void unknownKeysAreWarningsWithLines();
    void yamlSyntaxErrorsGiveTheLine();
    void neverThrows_data();
    void neverThrows();
    void invalidStackNames();
    void mergeKeysAndAnchors();
    void restartAndMiscellany();
    void votingStack();
};

// moc stays out of the bodies: it misreads raw string literals in macro arguments.
#ifndef Q_MOC_RUN

void TestComposeFile::minimalServiceGetsTheDefaultNetworkAndStackLabels()
{
    const ComposeFile file = ComposeFile::parse(R"(version: "3.8"
services:
  web:
    image: cape/busybox:latest
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    QVERIFY(file.warnings().isEmpty());
    QCOMPARE(file.version(), QStringLiteral("3.8"));
    const StackPlan &plan = file.plan();
    QCOMPARE(plan.stack, QStringLiteral("demo"));
    QCOMPARE(plan.services.size(), 1);
    JSON_COMPARE(plan.services.first(), object(R"({
        "Name": "demo_web",
        "Labels": {"com.docker.stack.image": "cape/busybox:latest", "com.docker.stack.namespace": "demo"},
        "TaskTemplate": {
            "ContainerSpec": {"Image": "cape/busybox:latest", "Labels": {"com.docker.stack.namespace": "demo"}},
            "Networks": [{"Target": "demo_default", "Aliases": ["web"]}]
        },
        "Mode": {"Replicated": {}},
        "EndpointSpec": {"Mode": "vip"}
    })"));
    QCOMPARE(plan.networks.size(), 1);
    JSON_COMPARE(plan.networks.first(), object(R"({
        "Name": "demo_default", "CheckDuplicate": true, "Driver": "overlay",
        "Internal": false, "Attachable": false,
        "Labels": {"com.docker.stack.namespace": "demo"}
    })"));
    QVERIFY(plan.secrets.isEmpty());
    QVERIFY(plan.configs.isEmpty());
}

// The reference file deployed with `docker stack deploy -c ref.yml ref`.
void TestComposeFile::everyFeatureAsDockerStackDeploySendsIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile pw(dir.filePath(QStringLiteral("pw.txt")));
    QVERIFY(pw.open(QIODevice::WriteOnly));
    pw.write("s3cret");
    pw.close();
    QFile conf(dir.filePath(QStringLiteral("app.conf")));
    QVERIFY(conf.open(QIODevice::WriteOnly));
    conf.write("hello config\n");
    conf.close();
    const ComposeFile file = ComposeFile::parse(R"(version: "3.8"
services:
  web:
    image: cape/busybox:latest
    command: ["httpd", "-f", "-p", "80"]
    entrypoint: /bin/sh -c
    environment:
      - A=1
      - B
    labels:
      svc.label: "x"
    hostname: webhost
    user: "1000:1000"
    working_dir: /tmp
    stop_grace_period: 1m30s
    tty: true
    init: true
    read_only: true
    dns: 8.8.8.8
    dns_search: example.com
    extra_hosts:
      - "somehost:162.242.195.82"
    cap_add: [NET_ADMIN]
    logging:
      driver: json-file
      options:
        max-size: "10m"
    ports:
      - "8080:80"
      - "9000"
      - "7000-7001:7000-7001/udp"
      - target: 81
        published: 8081
        protocol: tcp
        mode: host
    volumes:
      - data:/data:ro
      - /tmp:/hosttmp
      - type: tmpfs
        target: /cache
        tmpfs:
          size: 1000
    healthcheck:
      test: ["CMD", "true"]
      interval: 10s
      timeout: 2s
      retries: 3
      start_period: 5s
    networks:
      front:
        aliases: [www]
      back:
    secrets:
      - pw
      - source: pw
        target: other
        uid: "1"
        gid: "2"
        mode: 0400
    configs:
      - source: conf
        target: /etc/app.conf
    deploy:
      mode: replicated
      replicas: 2
      endpoint_mode: vip
      labels:
        deploy.label: "y"
      resources:
        limits:
          cpus: "0.5"
          memory: 50M
        reservations:
          cpus: "0.25"
          memory: 20M
      restart_policy:
        condition: on-failure
        delay: 5s
        max_attempts: 3
        window: 2m
      update_config:
        parallelism: 2
        delay: 10s
        failure_action: rollback
        monitor: 30s
        max_failure_ratio: 0.3
        order: start-first
      rollback_config:
        parallelism: 1
        order: stop-first
      placement:
        constraints: [node.role == manager]
        preferences:
          - spread: node.labels.zone
        max_replicas_per_node: 1
  other:
    image: cape/busybox:latest
    deploy:
      mode: global
networks:
  front:
    driver: overlay
    attachable: true
    labels:
      n: "1"
    driver_opts:
      encrypted: ""
  back:
    internal: true
    ipam:
      config:
        - subnet: 10.99.0.0/24
  unused: {}
volumes:
  data:
    driver_opts:
      type: tmpfs
      device: tmpfs
secrets:
  pw:
    file: ./pw.txt
configs:
  conf:
    file: ./app.conf
)",
                                                QStringLiteral("ref"), m_env, dir.path());
    VERIFY_VALID(file);
    QVERIFY2(file.warnings().isEmpty(), qPrintable(ComposeDiagnostic::join(file.warnings())));
    const StackPlan &plan = file.plan();
    const QJsonObject web = plan.service(QStringLiteral("ref_web"));
    JSON_COMPARE(web.value(L("Labels")), object(R"({"com.docker.stack.image": "cape/busybox:latest",
                                                    "com.docker.stack.namespace": "ref", "deploy.label": "y"})"));
    const QJsonObject c = containerOf(web);
    JSON_COMPARE(c.value(L("Labels")), object(R"({"com.docker.stack.namespace": "ref", "svc.label": "x"})"));
    JSON_COMPARE(c.value(L("Command")), array(R"(["/bin/sh", "-c"])"));
    JSON_COMPARE(c.value(L("Args")), array(R"(["httpd", "-f", "-p", "80"])"));
    QCOMPARE(c.value(L("Hostname")).toString(), QStringLiteral("webhost"));
    JSON_COMPARE(c.value(L("Env")), array(R"(["A=1", "B"])"));
    QCOMPARE(c.value(L("Dir")).toString(), QStringLiteral("/tmp"));
    QCOMPARE(c.value(L("User")).toString(), QStringLiteral("1000:1000"));
    QCOMPARE(c.value(L("Init")), QJsonValue(true));
    QCOMPARE(c.value(L("TTY")), QJsonValue(true));
    QCOMPARE(c.value(L("ReadOnly")), QJsonValue(true));
    JSON_COMPARE(c.value(L("Mounts")), array(R"([
        {"Type": "volume", "Source": "ref_data", "Target": "/data", "ReadOnly": true,
         "VolumeOptions": {"Labels": {"com.docker.stack.namespace": "ref"},
                           "DriverConfig": {"Options": {"device": "tmpfs", "type": "tmpfs"}}}},
        {"Type": "bind", "Source": "/tmp", "Target": "/hosttmp"},
        {"Type": "tmpfs", "Target": "/cache", "TmpfsOptions": {"SizeBytes": 1000}}
    ])"));
    QCOMPARE(c.value(L("StopGracePeriod")).toDouble(), 90e9);
    JSON_COMPARE(c.value(L("Healthcheck")), object(R"({"Test": ["CMD", "true"], "Interval": 10000000000,
        "Timeout": 2000000000, "StartPeriod": 5000000000, "Retries": 3})"));
    JSON_COMPARE(c.value(L("Hosts")), array(R"(["162.242.195.82 somehost"])"));
    JSON_COMPARE(c.value(L("DNSConfig")),
                 object(R"({"Nameservers": ["8.8.8.8"], "Search": ["example.com"]})"));
    JSON_COMPARE(c.value(L("Secrets")), array(R"([
        {"File": {"Name": "pw", "UID": "0", "GID": "0", "Mode": 292}, "SecretName": "ref_pw"},
        {"File": {"Name": "other", "UID": "1", "GID": "2", "Mode": 256}, "SecretName": "ref_pw"}
    ])"));
    JSON_COMPARE(c.value(L("Configs")), array(R"([
        {"File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 292}, "ConfigName": "ref_conf"}
    ])"));
    JSON_COMPARE(c.value(L("CapabilityAdd")), array(R"(["CAP_NET_ADMIN"])"));

    const QJsonObject task = web.value(L("TaskTemplate")).toObject();
    JSON_COMPARE(task.value(L("Resources")), object(R"({
        "Limits": {"NanoCPUs": 500000000, "MemoryBytes": 52428800},
        "Reservations": {"NanoCPUs": 250000000, "MemoryBytes": 20971520}})"));
    JSON_COMPARE(task.value(L("RestartPolicy")), object(R"({"Condition": "on-failure", "Delay": 5000000000,
        "MaxAttempts": 3, "Window": 120000000000})"));
    JSON_COMPARE(task.value(L("Placement")), object(R"({"Constraints": ["node.role == manager"],
        "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}], "MaxReplicas": 1})"));
    JSON_COMPARE(task.value(L("Networks")), array(R"([
        {"Target": "ref_back", "Aliases": ["web"]},
        {"Target": "ref_front", "Aliases": ["www", "web"]}])"));
    JSON_COMPARE(task.value(L("LogDriver")),
                 object(R"({"Name": "json-file", "Options": {"max-size": "10m"}})"));
    JSON_COMPARE(web.value(L("Mode")), object(R"({"Replicated": {"Replicas": 2}})"));
    JSON_COMPARE(web.value(L("UpdateConfig")), object(R"({"Parallelism": 2, "Delay": 10000000000,
        "FailureAction": "rollback", "Monitor": 30000000000, "MaxFailureRatio": 0.3, "Order": "start-first"})"));
    JSON_COMPARE(web.value(L("RollbackConfig")), object(R"({"Parallelism": 1, "Order": "stop-first"})"));
    JSON_COMPARE(web.value(L("EndpointSpec")), object(R"({"Mode": "vip", "Ports": [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 9000, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 7000, "PublishedPort": 7000, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 7001, "PublishedPort": 7001, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 81, "PublishedPort": 8081, "PublishMode": "host"}]})"));

    const QJsonObject other = plan.service(QStringLiteral("ref_other"));
    JSON_COMPARE(other.value(L("Mode")), object(R"({"Global": {}})"));
    JSON_COMPARE(at(other, "TaskTemplate").value(L("Networks")),
                 array(R"([{"Target": "ref_default", "Aliases": ["other"]}])"));

    // Only networks some service joins are created ("unused" is not).
    QCOMPARE(plan.networks.size(), 3);
    JSON_COMPARE(plan.network(QStringLiteral("ref_front")), object(R"({
        "Name": "ref_front", "CheckDuplicate": true, "Driver": "overlay", "Internal": false, "Attachable": true,
        "Options": {"encrypted": ""}, "Labels": {"com.docker.stack.namespace": "ref", "n": "1"}})"));
    JSON_COMPARE(plan.network(QStringLiteral("ref_back")), object(R"({
        "Name": "ref_back", "CheckDuplicate": true, "Driver": "overlay", "Internal": true, "Attachable": false,
        "IPAM": {"Config": [{"Subnet": "10.99.0.0/24"}]}, "Labels": {"com.docker.stack.namespace": "ref"}})"));
    QVERIFY(!plan.network(QStringLiteral("ref_default")).isEmpty());
    QVERIFY(plan.network(QStringLiteral("ref_unused")).isEmpty());

    JSON_COMPARE(plan.secret(QStringLiteral("ref_pw")), object(R"({"Name": "ref_pw",
        "Labels": {"com.docker.stack.namespace": "ref"}, "Data": "czNjcmV0"})"));
    JSON_COMPARE(plan.config(QStringLiteral("ref_conf")), object(R"({"Name": "ref_conf",
        "Labels": {"com.docker.stack.namespace": "ref"}, "Data": "aGVsbG8gY29uZmlnCg=="})"));
}

void TestComposeFile::commandsSplitAsAShellWould()
{
    const ComposeFile file = ComposeFile::parse(R"(services:
  worker:
    image: cape/busybox:latest
    command: sh -c 'while true; do echo "processed vote $$RANDOM"; sleep 1; done'
  quoted:
    image: cape/busybox:latest
    entrypoint: ["/bin/sh", "-c"]
    command: echo "a \"b\" c" d\ e '$$HOME'
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_worker"))).value(L("Args")),
                 array(R"(["sh", "-c", "while true; do echo \"processed vote $RANDOM\"; sleep 1; done"])"));
    const QJsonObject quoted = containerOf(file.plan().service(QStringLiteral("demo_quoted")));
    JSON_COMPARE(quoted.value(L("Command")), array(R"(["/bin/sh", "-c"])"));
    JSON_COMPARE(quoted.value(L("Args")), array(R"(["echo", "a \"b\" c", "d e", "$HOME"])"));

    const ComposeFile unterminated = ComposeFile::parse(R"(services:
  web:
    image: x
    command: echo 'oops
)",
                                                        QStringLiteral("demo"), m_env);
    QCOMPARE(
        messages(unterminated.errors()),
        QStringList{QStringLiteral("line 4, column 5: services.web.command: unterminated single quote in "
                                   "command")});
}

void TestComposeFile::environmentListMapAndEnvFiles()
{
    QTemporaryDir dir;
    QFile env(dir.filePath(QStringLiteral("web.env")));
    QVERIFY(env.open(QIODevice::WriteOnly));
    env.write("# comment\n\nFROM_FILE=1\nOVERRIDDEN=file\nQUOTED=\"kept as is\"\nFROM_PROCESS\nNOT_SET\n");
    env.close();
    const QProcessEnvironment process = environment({{"FROM_PROCESS", "p"}, {"BARE", "b"}});
    const QByteArray yaml = R"(services:
  list:
    image: x
    env_file: web.env
    environment:
      - OVERRIDDEN=yaml
      - EMPTY=
      - BARE
      - MISSING
  map:
    image: x
    env_file:
      - path: web.env
      - path: absent.env
        required: false
    environment:
      PORT: 8080
      RATIO: 1.10
      FLAG: true
      NULLED:
      BARE: ~
)";
    const ComposeFile file = ComposeFile::parse(yaml, QStringLiteral("demo"), process, dir.path());
    VERIFY_VALID(file);
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_list"))).value(L("Env")),
                 array(R"(["BARE=b", "EMPTY=", "FROM_FILE=1", "FROM_PROCESS=p", "MISSING",
                           "OVERRIDDEN=yaml", "QUOTED=\"kept as is\""])"));
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_map"))).value(L("Env")),
                 array(R"(["BARE=b", "FLAG=true", "FROM_FILE=1", "FROM_PROCESS=p", "NULLED",
                           "OVERRIDDEN=file", "PORT=8080", "QUOTED=\"kept as is\"", "RATIO=1.10"])"));

    // Without the folder of the compose file there is nothing to read env_file from.
    const ComposeFile noBase = ComposeFile::parse(yaml, QStringLiteral("demo"), process);
    QCOMPARE(messages(noBase.errors()),
             (QStringList{
                 QStringLiteral("line 4, column 5: services.list.env_file: \"web.env\" is relative, and the "
                                "compose file was given without its folder"),
                 QStringLiteral("line 13, column 9: services.map.env_file[0]: \"web.env\" is relative, and "
                                "the compose file was given without its folder"),
                 QStringLiteral("line 14, column 9: services.map.env_file[1]: \"absent.env\" is relative, "
                                "and the compose file was given without its folder")}));
    QVERIFY(noBase.plan().isEmpty());
}

void TestComposeFile::ports()
{
    const ComposeFile file = ComposeFile::parse(R"(services:
  web:
    image: x
    ports:
      - 80
      - "8080:80/udp"
      - "127.0.0.1:8443:443"
      - "9000-9001"
      - target: 53
        protocol: udp
        mode: host
      - target: 81
        published: "8081"
    deploy:
      endpoint_mode: vip
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    JSON_COMPARE(at(file.plan().service(QStringLiteral("demo_web")), "EndpointSpec").value(L("Ports")),
                 array(R"([
        {"Protocol": "tcp", "TargetPort": 80, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 443, "PublishedPort": 8443, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 9000, "PublishMode": "ingress"},
        {"Protocol": "tcp", "TargetPort": 9001, "PublishMode": "ingress"},
        {"Protocol": "udp", "TargetPort": 53, "PublishMode": "host"},
        {"Protocol": "tcp", "TargetPort": 81, "PublishedPort": 8081, "PublishMode": "ingress"}])"));
    QCOMPARE(messages(file.warnings()),
             QStringList{
                 QStringLiteral("line 7, column 9: services.web.ports[2]: port \"127.0.0.1:8443:443\": swarm "
                                "services cannot publish on one address; 127.0.0.1 is ignored")});

    const ComposeFile bad = ComposeFile::parse(R"(services:
  web:
    image: x
    ports:
      - "80:80:80:80"
      - "70000"
      - "8000-8002:80-81"
      - target: 80
        mode: bridge
  dns:
    image: x
    ports: ["53:53/udp"]
    deploy:
      endpoint_mode: dnsrr
)",
                                               QStringLiteral("demo"), m_env);
    QCOMPARE(
        messages(bad.errors()),
        (QStringList{
            QStringLiteral("line 5, column 9: services.web.ports[0]: invalid port \"80:80:80:80\": expected "
                           "[published:]target[/protocol]"),
            QStringLiteral(
                "line 6, column 9: services.web.ports[1]: invalid port \"70000\": \"70000\" is not a "
                "port or a port range"),
            QStringLiteral("line 7, column 9: services.web.ports[2]: invalid port \"8000-8002:80-81\": the "
                           "published and target ranges differ in size"),
            QStringLiteral("line 9, column 9: services.web.ports[3].mode: expected ingress or host, got "
                           "\"bridge\""),
            QStringLiteral(
                "line 12, column 5: services.dns.ports: endpoint_mode dnsrr cannot publish ports in "
                "ingress mode; use the long syntax with mode: host"),
        }));
}

void TestComposeFile::durationsAndSizes_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("duration");
    QTest::addColumn<qint64>("bytes");
    QTest::newRow("0") << "0" << qint64(0) << qint64(0);
    QTest::newRow("plain") << "1024" << qint64(-1) << qint64(1024);
    QTest::newRow("ms") << "500ms" << qint64(500'000'000) << qint64(-1);
    QTest::newRow("1m30s") << "1m30s" << qint64(90'000'000'000) << qint64(-1);
    QTest::newRow("1h2m3.5s") << "1h2m3.5s" << qint64(3'723'500'000'000) << qint64(-1);
    QTest::newRow("1.5h") << "1.5h" << qint64(5'400'000'000'000) << qint64(-1);
    QTest::newRow("us") << "10us" << qint64(10'000) << qint64(-1);
    QTest::newRow("50M") << "50M" << qint64(-1) << qint64(52'428'800);
    QTest::newRow("1G") << "1G" << qint64(-1) << qint64(1'073'741'824);
    QTest::newRow("512mb") << "512mb" << qint64(-1) << qint64(536'870'912);
    QTest::newRow("1.5GiB") << "1.5GiB" << qint64(-1) << qint64(1'610'612'736);
    QTest::newRow("100k") << "100k" << qint64(-1) << qint64(102'400);
    QTest::newRow("junk") << "three" << qint64(-1) << qint64(-1);
    QTest::newRow("trailing junk") << "5s later" << qint64(-1) << qint64(-1);
    QTest::newRow("no unit") << "10" << qint64(-1) << qint64(10);
    QTest::newRow("empty") << "" << qint64(-1) << qint64(-1);
}

void TestComposeFile::durationsAndSizes()
{
    QFETCH(QString, text);
    QFETCH(qint64, duration);
    QFETCH(qint64, bytes);
    QString error;
    QCOMPARE(ComposeSyntax::duration(text, &error).value_or(-1), duration);
    QCOMPARE(ComposeSyntax::bytes(text, &error).value_or(-1), bytes);
}

void TestComposeFile::healthchecks()
{
    const ComposeFile file = ComposeFile::parse(R"(services:
  shell:
    image: x
    healthcheck:
      test: wget -q -O- 127.0.0.1 || exit 1
      interval: 1m
  off:
    image: x
    healthcheck:
      disable: true
  list:
    image: x
    healthcheck:
      test: ["CMD-SHELL", "true"]
      retries: 5
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    JSON_COMPARE(
        containerOf(file.plan().service(QStringLiteral("demo_shell"))).value(L("Healthcheck")),
        object(R"({"Test": ["CMD-SHELL", "wget -q -O- 127.0.0.1 || exit 1"], "Interval": 60000000000})"));
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_off"))).value(L("Healthcheck")),
                 object(R"({"Test": ["NONE"]})"));
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_list"))).value(L("Healthcheck")),
                 object(R"({"Test": ["CMD-SHELL", "true"], "Retries": 5})"));

    const ComposeFile bad = ComposeFile::parse(R"(services:
  web:
    image: x
    healthcheck:
      test: ["curl", "localhost"]
      interval: often
)",
                                               QStringLiteral("demo"), m_env);
    QCOMPARE(messages(bad.errors()),
             (QStringList{
                 QStringLiteral("line 5, column 7: services.web.healthcheck.test: a test list starts with "
                                "CMD, CMD-SHELL or NONE, got \"curl\""),
                 QStringLiteral("line 6, column 7: services.web.healthcheck.interval: expected a duration "
                                "such as 10s, 1m30s or 500ms, got \"often\"")}));
}

void TestComposeFile::volumesAndMounts()
{
    QTemporaryDir dir;
    const ComposeFile file = ComposeFile::parse(R"(services:
  db:
    image: x
    volumes:
      - db:/var/lib/db
      - shared:/shared:ro,nocopy
      - ./conf:/conf:ro
      - /var/run/docker.sock:/var/run/docker.sock
      - /scratch
      - type: volume
        source: db
        target: /backup
        read_only: true
        volume:
          nocopy: true
      - type: bind
        source: /srv
        target: /srv
        bind:
          propagation: rshared
    tmpfs: /run
volumes:
  db:
    driver: local
    labels:
      backup: daily
  shared:
    external: true
    name: team-shared
)",
                                                QStringLiteral("demo"), m_env, dir.path());
    VERIFY_VALID(file);
    QJsonArray expected = array(R"([
        {"Type": "volume", "Source": "demo_db", "Target": "/var/lib/db",
         "VolumeOptions": {"Labels": {"backup": "daily", "com.docker.stack.namespace": "demo"},
                           "DriverConfig": {"Name": "local"}}},
        {"Type": "volume", "Source": "team-shared", "Target": "/shared", "ReadOnly": true,
         "VolumeOptions": {"NoCopy": true}},
        {"Type": "bind", "Source": "CONF", "Target": "/conf", "ReadOnly": true},
        {"Type": "bind", "Source": "/var/run/docker.sock", "Target": "/var/run/docker.sock"},
        {"Type": "volume", "Target": "/scratch"},
        {"Type": "volume", "Source": "demo_db", "Target": "/backup", "ReadOnly": true,
         "VolumeOptions": {"NoCopy": true, "Labels": {"backup": "daily", "com.docker.stack.namespace": "demo"},
                           "DriverConfig": {"Name": "local"}}},
        {"Type": "bind", "Source": "/srv", "Target": "/srv", "BindOptions": {"Propagation": "rshared"}},
        {"Type": "tmpfs", "Target": "/run"}])");
    // A relative bind source is resolved against the compose file's folder.
    QJsonObject bind = expected.at(2).toObject();
    bind.insert(L("Source"), QDir(dir.path()).absoluteFilePath(QStringLiteral("conf")));
    expected.replace(2, bind);
    JSON_COMPARE(containerOf(file.plan().service(QStringLiteral("demo_db"))).value(L("Mounts")), expected);

    const ComposeFile bad = ComposeFile::parse(R"(services:
  db:
    image: x
    volumes:
      - undeclared:/data
      - ./relative:/conf
      - a:b:c:d
      - type: bind
        target: /x
)",
                                               QStringLiteral("demo"), m_env);
    QCOMPARE(messages(bad.errors()),
             (QStringList{
                 QStringLiteral("line 5, column 9: services.db.volumes[0]: undefined volume \"undeclared\" "
                                "(declare it under the top-level volumes)"),
                 QStringLiteral("line 6, column 9: services.db.volumes[1]: \"./relative\" is relative, and "
                                "the compose file was given without its folder"),
                 QStringLiteral("line 7, column 9: services.db.volumes[2]: expected "
                                "[source:]target[:ro|rw|nocopy|...], got \"a:b:c:d\""),
                 QStringLiteral("line 8, column 9: services.db.volumes[3]: a bind mount needs a source")}));
}

void TestComposeFile::secretsAndConfigs()
{
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkpath(QStringLiteral("conf")));
    QFile f(dir.filePath(QStringLiteral("conf/nginx.conf")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write("events {}\n");
    f.close();
    const QProcessEnvironment process = environment({{"DB_PASSWORD", "hunter2"}});
    const ComposeFile file = ComposeFile::parse(R"(services:
  proxy:
    image: x
    secrets:
      - source: db_password
        target: db.pw
        uid: 999
        gid: 999
        mode: 0440
      - tls
    configs:
      - nginx
      - inline
secrets:
  db_password:
    environment: DB_PASSWORD
    labels: [purpose=db]
  tls:
    external: true
    name: wildcard-tls
configs:
  nginx:
    file: conf/nginx.conf
    name: nginx-v1
  inline:
    content: |
      key=${DB_PASSWORD}
)",
                                                QStringLiteral("web"), process, dir.path());
    VERIFY_VALID(file);
    const StackPlan &plan = file.plan();
    JSON_COMPARE(containerOf(plan.service(QStringLiteral("web_proxy"))).value(L("Secrets")), array(R"([
        {"File": {"Name": "db.pw", "UID": "999", "GID": "999", "Mode": 288}, "SecretName": "web_db_password"},
        {"File": {"Name": "tls", "UID": "0", "GID": "0", "Mode": 292}, "SecretName": "wildcard-tls"}])"));
    JSON_COMPARE(containerOf(plan.service(QStringLiteral("web_proxy"))).value(L("Configs")), array(R"([
        {"File": {"Name": "nginx", "UID": "0", "GID": "0", "Mode": 292}, "ConfigName": "nginx-v1"},
        {"File": {"Name": "inline", "UID": "0", "GID": "0", "Mode": 292}, "ConfigName": "web_inline"}])"));
    QCOMPARE(plan.secrets.size(), 1);
    JSON_COMPARE(plan.secrets.first(), object(R"({"Name": "web_db_password", "Data": "aHVudGVyMg==",
        "Labels": {"com.docker.stack.namespace": "web", "purpose": "db"}})"));
    QCOMPARE(plan.externalSecrets, QStringList{QStringLiteral("wildcard-tls")});
    QCOMPARE(plan.configs.size(), 2);
    QCOMPARE(QByteArray::fromBase64(
                 plan.config(QStringLiteral("nginx-v1")).value(L("Data")).toString().toLatin1()),
             QByteArray("events {}\n"));
    QCOMPARE(QByteArray::fromBase64(
                 plan.config(QStringLiteral("web_inline")).value(L("Data")).toString().toLatin1()),
             QByteArray("key=hunter2\n"));

    const ComposeFile bad = ComposeFile::parse(R"(services:
  proxy:
    image: x
    secrets: [missing]
secrets:
  cert:
    file: /nonexistent/cert.pem
  key:
    external: true
    labels: {a: b}
)",
                                               QStringLiteral("web"), process);
    QCOMPARE(messages(bad.errors()),
             (QStringList{
                 QStringLiteral("line 4, column 15: services.proxy.secrets[0]: undefined secret \"missing\" "
                                "(declare it under the top-level secrets)"),
                 QStringLiteral("line 7, column 5: secrets.cert.file: cannot read /nonexistent/cert.pem: No "
                                "such file or directory"),
                 QStringLiteral("line 10, column 5: secrets.key.labels: an external object is only "
                                "referenced by name; \"labels\" cannot be set")}));
}

void TestComposeFile::interpolation()
{
    const QProcessEnvironment process =
        environment({{"TAG", "1.2"}, {"EMPTY", ""}, {"REPLICAS", "4"}, {"PORT", "8080"}});
    const ComposeFile file = ComposeFile::parse(R"(services:
  web:
    image: "registry/app:${TAG}"
    environment:
      - A=${EMPTY:-fallback}
      - B=${EMPTY-kept-empty}
      - C=${UNSET:-${TAG}-nested}
      - D=$$literal and $$$$
      - E=${TAG:+set}${UNSET:+not}
      - F=$TAG/$UNSET_TOO
    ports:
      - "${PORT}:80"
    deploy:
      replicas: ${REPLICAS}
      labels:
        ${NOT_A_KEY}: keys are not interpolated
)",
                                                QStringLiteral("demo"), process);
    VERIFY_VALID(file);
    const QJsonObject web = file.plan().service(QStringLiteral("demo_web"));
    QCOMPARE(containerOf(web).value(L("Image")).toString(), QStringLiteral("registry/app:1.2"));
    JSON_COMPARE(containerOf(web).value(L("Env")),
                 array(R"(["A=fallback", "B=", "C=1.2-nested", "D=$literal and $$", "E=set", "F=1.2/"])"));
    JSON_COMPARE(web.value(L("Mode")), object(R"({"Replicated": {"Replicas": 4}})"));
    QCOMPARE(at(web, "EndpointSpec")
                 .value(L("Ports"))
                 .toArray()
                 .at(0)
                 .toObject()
                 .value(L("PublishedPort"))
                 .toInt(),
             8080);
    QCOMPARE(web.value(L("Labels")).toObject().value(L("${NOT_A_KEY}")).toString(),
             QStringLiteral("keys are not interpolated"));
    QCOMPARE(messages(file.warnings()),
             QStringList{
                 QStringLiteral("line 10, column 9: services.web.environment[5]: variable UNSET_TOO is not "
                                "set, substituting an empty string")});

    const ComposeFile bad = ComposeFile::parse(R"(services:
  web:
    image: ${IMAGE:?set IMAGE to the image to deploy}
    hostname: ${oops
    user: $ 1
    deploy:
      replicas: ${UNSET_REPLICAS:-three}
)",
                                               QStringLiteral("demo"), process);
    QCOMPARE(messages(bad.errors()),
             (QStringList{
                 QStringLiteral(
                     "line 3, column 5: services.web.image: required variable IMAGE is missing a value: set "
                     "IMAGE to the image to deploy"),
                 QStringLiteral("line 4, column 5: services.web.hostname: unterminated \"${\" in \"${oops\""),
                 QStringLiteral(
                     "line 5, column 5: services.web.user: invalid interpolation in \"$ 1\": \"$\" must be "
                     "followed by a name, {name} or another \"$\" (write $$ for a literal $)"),
                 QStringLiteral(
                     "line 7, column 7: services.web.deploy.replicas: expected an integer, got \"three\""),
             }));
}

void TestComposeFile::interpolationDirectly_data()
{
    QTest::addColumn<QString>("input");
    QTest::addColumn<QString>("output");
    QTest::addColumn<QString>("error");
    QTest::newRow("plain") << "no variables"
                           << "no variables"
                           << "";
    QTest::newRow("braced") << "${A}"
                            << "a"
                            << "";
    QTest::newRow("bare") << "$A.$B"
                          << "a."
                          << "";
    QTest::newRow("default unset") << "${B:-x}"
                                   << "x"
                                   << "";
    QTest::newRow("default empty with colon") << "${E:-x}"
                                              << "x"
                                              << "";
    QTest::newRow("default empty without colon") << "${E-x}"
                                                 << ""
                                                 << "";
    QTest::newRow("nested") << "${B:-${A}${A}}"
                            << "aa"
                            << "";
    QTest::newRow("alternative") << "${A:+yes}${B:+no}"
                                 << "yes"
                                 << "";
    QTest::newRow("dollars") << "$$A $$$$ $${A}"
                             << "$A $$ ${A}"
                             << "";
    QTest::newRow("required") << "${B?needed}"
                              << ""
                              << "required variable B is missing a value: needed";
    QTest::newRow("required empty ok without colon") << "${E?needed}"
                                                     << ""
                                                     << "";
    QTest::newRow("bad operator")
        << "${A*x}"
        << ""
        << "invalid interpolation \"${A*x}\": expected :-, -, :?, ?, :+ or + after A";
    QTest::newRow("trailing dollar")
        << "cost$"
        << ""
        << "invalid interpolation in \"cost$\": \"$\" must be followed by a name, {name} "
           "or another \"$\" (write $$ for a literal $)";
}

void TestComposeFile::interpolationDirectly()
{
    QFETCH(QString, input);
    QFETCH(QString, output);
    QFETCH(QString, error);
    const ComposeInterpolation interpolation(environment({{"A", "a"}, {"E", ""}}));
    const ComposeInterpolation::Result result = interpolation.interpolate(input);
    QCOMPARE(result.error, error);
    if (error.isEmpty())
        QCOMPARE(result.text, output);
}

void TestComposeFile::errorsNameTheirLineColumnAndPath()
{
    const ComposeFile file = ComposeFile::parse(R"(version: "3.8"
services:
  web:
    image: cape/busybox:latest
    deploy:
      replicas: three
      mode: everywhere
      resources:
        limits:
          memory: lots
          cpus: half
      restart_policy:
        delay: soon
      update_config:
        max_failure_ratio: 2
  db:
    command: ["x"]
  cache:
    image: x
    networks: [nowhere]
  all:
    image: x
    deploy:
      mode: global
      replicas: 2
)",
                                                QStringLiteral("demo"), m_env);
    QVERIFY(!file.isValid());
    QVERIFY(file.plan().services.isEmpty());
    QCOMPARE(
        messages(file.errors()),
        (QStringList{
            QStringLiteral(
                "line 6, column 7: services.web.deploy.replicas: expected an integer, got \"three\""),
            QStringLiteral("line 7, column 7: services.web.deploy.mode: expected replicated, global, "
                           "replicated-job or global-job, got \"everywhere\""),
            QStringLiteral(
                "line 10, column 11: services.web.deploy.resources.limits.memory: expected a size such "
                "as 512M, 1G or 1048576, got \"lots\""),
            QStringLiteral(
                "line 11, column 11: services.web.deploy.resources.limits.cpus: expected a number of "
                "CPUs such as 0.5 or 2, got \"half\""),
            QStringLiteral(
                "line 13, column 9: services.web.deploy.restart_policy.delay: expected a duration such "
                "as 10s, 1m30s or 500ms, got \"soon\""),
            QStringLiteral(
                "line 15, column 9: services.web.deploy.update_config.max_failure_ratio: expected a "
                "ratio from 0 to 1, got 2"),
            QStringLiteral("line 16, column 3: services.db: image is required (swarm stacks cannot build "
                           "images)"),
            QStringLiteral("line 20, column 16: services.cache.networks[0]: undefined network \"nowhere\" "
                           "(declare it under the top-level networks)"),
            QStringLiteral("line 25, column 7: services.all.deploy.replicas: replicas can only be used with "
                           "replicated mode"),
        }));

    // The example from the specification, on its own.
    const ComposeFile one = ComposeFile::parse(R"(services:
  web:
    image: x
    deploy:
      replicas: three
)",
                                               QStringLiteral("demo"), m_env);
    QCOMPARE(
        one.errorString(),
        QStringLiteral("line 5, column 7: services.web.deploy.replicas: expected an integer, got \"three\""));
}

void TestComposeFile::unknownKeysAreWarningsWithLines()
{
    const ComposeFile file = ComposeFile::parse(R"(version: "3"
x-common: &common
  anything: goes
services:
  web:
    image: x
    build: .
    depends_on: [db]
    frobnicate: 1
    x-note: fine
    deploy:
      replicas: 1
      flavour: vanilla
  db:
    image: x
colours: [red]
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    QCOMPARE(
        messages(file.warnings()),
        (QStringList{
            QStringLiteral("line 7, column 5: services.web.build: not supported by swarm stacks, ignored"),
            QStringLiteral(
                "line 8, column 5: services.web.depends_on: not supported by swarm stacks, ignored"),
            QStringLiteral("line 9, column 5: services.web.frobnicate: unknown key \"frobnicate\", ignored"),
            QStringLiteral(
                "line 13, column 7: services.web.deploy.flavour: unknown key \"flavour\", ignored"),
            QStringLiteral("line 16, column 1: colours: unknown key \"colours\", ignored"),
        }));
}

void TestComposeFile::yamlSyntaxErrorsGiveTheLine()
{
    const ComposeFile file = ComposeFile::parse(R"(services:
  web:
    image: x
    ports: [80, 81
  db:
    image: y
)",
                                                QStringLiteral("demo"), m_env);
    QVERIFY(!file.isValid());
    QCOMPARE(file.errors().size(), 1);
    QCOMPARE(file.errors().first().line, 5);
    QVERIFY2(file.errorString().startsWith(QLatin1String("line 5, column ")), qPrintable(file.errorString()));
    QVERIFY2(file.errorString().contains(QLatin1String("YAML syntax error")), qPrintable(file.errorString()));

    const ComposeFile tabs = ComposeFile::parse("services:\n\tweb:\n", QStringLiteral("demo"), m_env);
    QVERIFY(!tabs.isValid());
    QCOMPARE(tabs.errors().first().line, 2);

    const ComposeFile alias =
        ComposeFile::parse("services:\n  web: *nothing\n", QStringLiteral("demo"), m_env);
    QCOMPARE(alias.errors().first().line, 2);
}

void TestComposeFile::neverThrows_data()
{
    QTest::addColumn<QByteArray>("yaml");
    QTest::addColumn<QString>("error");
    QTest::newRow("empty") << QByteArray() << "the file is empty";
    QTest::newRow("scalar")
        << QByteArray("just text")
        << "line 1, column 1: expected a mapping of services, networks... at the top, got "
           "\"just text\"";
    QTest::newRow("services list") << QByteArray("services: [1, 2]\n")
                                   << "line 1, column 1: services: expected a mapping, got a list";
    QTest::newRow("service scalar") << QByteArray("services:\n  web: nginx\n")
                                    << "line 2, column 3: services.web: expected a mapping, got \"nginx\"";
    QTest::newRow("null service") << QByteArray("services:\n  web:\n")
                                  << "line 2, column 3: services.web: a service needs at least an image";
    QTest::newRow("binary") << QByteArray("\x00\xff\xfe garbage: [", 14) << "";
    QTest::newRow("map key") << QByteArray("services:\n  ? [a, b]\n  : {image: x}\n")
                             << "line 2, column 5: services: a key must be a plain string";
    QTest::newRow("duplicate") << QByteArray("services:\n  web: {image: x}\n  web: {image: y}\n")
                               << "line 3, column 3: services.web: duplicate key \"web\"";
    QTest::newRow("version 2")
        << QByteArray("version: '2.4'\nservices:\n  web: {image: x}\n")
        << "line 1, column 1: version: version \"2.4\" is not supported: swarm stacks need a "
           "version 3.x compose file (or one without a version)";
    QTest::newRow("no services") << QByteArray("version: '3'\n")
                                 << "line 1, column 1: the file defines no services";
    QTest::newRow("deep") << QByteArray(4000, '[') << "";
}

void TestComposeFile::neverThrows()
{
    QFETCH(QByteArray, yaml);
    QFETCH(QString, error);
    const ComposeFile file = ComposeFile::parse(yaml, QStringLiteral("demo"), m_env);
    QVERIFY(!file.isValid());
    QVERIFY(file.plan().isEmpty());
    QVERIFY2(error.isEmpty() ? !file.errors().isEmpty() : messages(file.errors()).contains(error),
             qPrintable(file.errorString()));
}

void TestComposeFile::invalidStackNames()
{
    for (const char *name : {"", "-x", "a b", "a.b", "Stack/1", "x_"}) {
        const ComposeFile file =
            ComposeFile::parse("services:\n  web: {image: x}\n", QLatin1String(name), m_env);
        QVERIFY2(!file.isValid(), name);
        QVERIFY(file.errorString().startsWith(QLatin1String("invalid stack name")));
    }
    QVERIFY(ComposeFile::isValidStackName(QStringLiteral("vote-2_a")));
}

void TestComposeFile::mergeKeysAndAnchors()
{
    const ComposeFile file = ComposeFile::parse(R"(x-defaults: &defaults
  image: cape/busybox:latest
  stop_grace_period: 2s
  deploy: &deploy
    replicas: 2
    labels: {tier: back}
x-more: &more
  user: nobody
  hostname: from-more
services:
  a:
    <<: *defaults
  b:
    <<: [*more, *defaults]
    hostname: own
    deploy:
      <<: *deploy
      replicas: 5
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    const QJsonObject a = file.plan().service(QStringLiteral("demo_a"));
    QCOMPARE(containerOf(a).value(L("Image")).toString(), QStringLiteral("cape/busybox:latest"));
    QCOMPARE(containerOf(a).value(L("StopGracePeriod")).toDouble(), 2e9);
    JSON_COMPARE(a.value(L("Mode")), object(R"({"Replicated": {"Replicas": 2}})"));
    const QJsonObject b = file.plan().service(QStringLiteral("demo_b"));
    QCOMPARE(containerOf(b).value(L("Hostname")).toString(), QStringLiteral("own"));
    QCOMPARE(containerOf(b).value(L("User")).toString(), QStringLiteral("nobody"));
    JSON_COMPARE(b.value(L("Mode")), object(R"({"Replicated": {"Replicas": 5}})"));
    QCOMPARE(b.value(L("Labels")).toObject().value(L("tier")).toString(), QStringLiteral("back"));
}

void TestComposeFile::restartAndMiscellany()
{
    const ComposeFile file = ComposeFile::parse(R"(services:
  a:
    image: x
    restart: on-failure:3
    stop_signal: SIGINT
    stdin_open: true
    cap_drop: [ALL]
    cap_add: [cap_chown]
    sysctls:
      net.core.somaxconn: 1024
    ulimits:
      nproc: 65535
      nofile: {soft: 1024, hard: 2048}
    extra_hosts:
      db: 10.0.0.2
    dns: [1.1.1.1, 9.9.9.9]
    dns_opt: [ndots:1]
    deploy:
      mode: replicated-job
      replicas: 3
      resources:
        limits: {pids: 100}
  b:
    image: x
    restart: always
    networks:
      outside:
        aliases: [bee]
    deploy:
      mode: global-job
networks:
  outside:
    external: true
    name: host-overlay
)",
                                                QStringLiteral("demo"), m_env);
    VERIFY_VALID(file);
    const QJsonObject a = file.plan().service(QStringLiteral("demo_a"));
    JSON_COMPARE(at(a, "TaskTemplate").value(L("RestartPolicy")),
                 object(R"({"Condition": "on-failure", "MaxAttempts": 3})"));
    const QJsonObject c = containerOf(a);
    QCOMPARE(c.value(L("StopSignal")).toString(), QStringLiteral("SIGINT"));
    QCOMPARE(c.value(L("OpenStdin")), QJsonValue(true));
    JSON_COMPARE(c.value(L("CapabilityDrop")), array(R"(["ALL"])"));
    JSON_COMPARE(c.value(L("CapabilityAdd")), array(R"(["CAP_CHOWN"])"));
    JSON_COMPARE(c.value(L("Sysctls")), object(R"({"net.core.somaxconn": "1024"})"));
    JSON_COMPARE(c.value(L("Ulimits")), array(R"([{"Name": "nproc", "Soft": 65535, "Hard": 65535},
                                                  {"Name": "nofile", "Soft": 1024, "Hard": 2048}])"));
    JSON_COMPARE(c.value(L("Hosts")), array(R"(["10.0.0.2 db"])"));
    JSON_COMPARE(c.value(L("DNSConfig")),
                 object(R"({"Nameservers": ["1.1.1.1", "9.9.9.9"], "Options": ["ndots:1"]})"));
    JSON_COMPARE(a.value(L("Mode")), object(R"({"ReplicatedJob": {"TotalCompletions": 3}})"));
    JSON_COMPARE(at(a, "TaskTemplate.Resources"), object(R"({"Limits": {"Pids": 100}})"));

    const QJsonObject b = file.plan().service(QStringLiteral("demo_b"));
    JSON_COMPARE(at(b, "TaskTemplate").value(L("RestartPolicy")), object(R"({"Condition": "any"})"));
    JSON_COMPARE(b.value(L("Mode")), object(R"({"GlobalJob": {}})"));
    JSON_COMPARE(at(b, "TaskTemplate").value(L("Networks")),
                 array(R"([{"Target": "host-overlay", "Aliases": ["bee", "b"]}])"));
    // External networks are referenced, never created.
    QCOMPARE(file.plan().externalNetworks, QStringList{QStringLiteral("host-overlay")});
    QCOMPARE(file.plan().networks.size(), 1);
    QCOMPARE(file.plan().networks.first().value(L("Name")).toString(), QStringLiteral("demo_default"));
}

// packaging/demo/voting-stack.yml, which the demo and tst_stackdeployer deploy.
void TestComposeFile::votingStack()
{
    const QString path = QFINDTESTDATA("../../packaging/demo/voting-stack.yml");
    QVERIFY(!path.isEmpty());
    const ComposeFile file = ComposeFile::load(path, QStringLiteral("vote"), m_env);
    VERIFY_VALID(file);
    QVERIFY2(file.warnings().isEmpty(), qPrintable(ComposeDiagnostic::join(file.warnings())));
    const StackPlan &plan = file.plan();
    QCOMPARE(plan.services.size(), 4);
    QCOMPARE(plan.networks.size(), 2);
    QVERIFY(!plan.network(QStringLiteral("vote_frontend")).isEmpty());
    QVERIFY(!plan.network(QStringLiteral("vote_backend")).isEmpty());

    const QJsonObject web = plan.service(QStringLiteral("vote_web"));
    QCOMPARE(containerOf(web).value(L("Image")).toString(), QStringLiteral("cape/busybox:latest"));
    JSON_COMPARE(
        containerOf(web).value(L("Args")),
        array(
            R"(["sh", "-c", "mkdir -p /www && echo \"<h1>Cape voting app</h1><p>served by $(hostname)</p>\" > /www/index.html && exec httpd -f -p 80 -h /www"])"));
    JSON_COMPARE(web.value(L("Mode")), object(R"({"Replicated": {"Replicas": 3}})"));
    JSON_COMPARE(web.value(L("EndpointSpec")), object(R"({"Mode": "dnsrr", "Ports": [
        {"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "host"}]})"));
    JSON_COMPARE(at(web, "TaskTemplate.Placement"), object(R"({"MaxReplicas": 1})"));
    JSON_COMPARE(web.value(L("UpdateConfig")), object(R"({"Parallelism": 1, "Order": "stop-first",
        "FailureAction": "rollback", "Monitor": 5000000000})"));
    QCOMPARE(web.value(L("Labels")).toObject().value(L("cape.demo")).toString(), QStringLiteral("voting"));

    const QJsonObject worker = plan.service(QStringLiteral("vote_worker"));
    JSON_COMPARE(containerOf(worker).value(L("Args")),
                 array(R"(["sh", "-c", "while true; do echo \"processed vote $RANDOM\"; sleep 1; done"])"));
    JSON_COMPARE(worker.value(L("Mode")), object(R"({"Replicated": {"Replicas": 2}})"));
    JSON_COMPARE(at(worker, "TaskTemplate").value(L("Networks")),
                 array(R"([{"Target": "vote_backend", "Aliases": ["worker"]}])"));

    const QJsonObject result = plan.service(QStringLiteral("vote_result"));
    JSON_COMPARE(result.value(L("Mode")), object(R"({"Replicated": {"Replicas": 1}})"));
    JSON_COMPARE(at(result, "TaskTemplate").value(L("Networks")),
                 array(R"([{"Target": "vote_backend", "Aliases": ["result"]},
                           {"Target": "vote_frontend", "Aliases": ["result"]}])"));

    const QJsonObject redis = plan.service(QStringLiteral("vote_redis"));
    QCOMPARE(containerOf(redis).value(L("Image")).toString(), QStringLiteral("cape/redis:latest"));
    JSON_COMPARE(redis.value(L("Mode")), object(R"({"Replicated": {"Replicas": 1}})"));
    JSON_COMPARE(at(redis, "TaskTemplate").value(L("RestartPolicy")),
                 object(R"({"Condition": "any", "Delay": 2000000000})"));

    // The images follow the sandbox's variables when they are set.
    const ComposeFile custom = ComposeFile::load(path, QStringLiteral("vote"),
                                                 environment({{"CAPE_SANDBOX_REDIS_IMAGE", "mine/redis:7"}}));
    QCOMPARE(containerOf(custom.plan().service(QStringLiteral("vote_redis"))).value(L("Image")).toString(),
             QStringLiteral("mine/redis:7"));
}

#endif // Q_MOC_RUN

QTEST_GUILESS_MAIN(TestComposeFile)
#include "tst_composefile.moc"
