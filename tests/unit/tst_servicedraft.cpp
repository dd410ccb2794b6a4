#include "models/servicedraft.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <functional>

using cape::ServiceDraft;

namespace {

using L = QLatin1String;

/* Recorded from a real engine (Docker 20.10.24, API 1.41, the cape sandbox) with
 *   docker secret create db_password -; docker config create app_config -
 *   docker network create -d overlay backend
 *   docker service create --name web \
 *     --env GREETING=hello --env 'MOTTO=a b=c' --label com.example.team=ops --label tier=front \
 *     --container-label com.example.role=web --publish mode=host,published=8080,target=80 \
 *     --mount type=volume,src=data,dst=/data --mount type=bind,src=/tmp,dst=/host,readonly \
 *     --constraint node.role==worker --placement-pref spread=node.labels.zone \
 *     --replicas 2 --replicas-max-per-node 2 \
 *     --limit-cpu 0.5 --limit-memory 256M --reserve-cpu 0.25 --reserve-memory 64M \
 *     --restart-condition on-failure --restart-delay 5s --restart-max-attempts 3 \
 *     --update-parallelism 2 --update-delay 10s --update-order start-first \
 *     --update-failure-action rollback --rollback-parallelism 1 \
 *     --health-cmd 'wget -q -O- localhost' --health-interval 30s --health-retries 3 \
 *     --secret db_password --config source=app_config,target=/etc/app.conf \
 *     --network name=backend,alias=web-alias --workdir /srv --user nobody --hostname web-host \
 *     --stop-grace-period 20s --isolation default --log-driver json-file --log-opt max-size=10m \
 *     --entrypoint 'sh -c' cape/busybox:latest 'httpd -f -p 80'
 *   docker service update --force web
 *   docker service inspect --format '{{json .Spec}}' web */
const char *const webSpecJson = R"json(
{
  "Name": "web",
  "Labels": {"com.example.team": "ops", "tier": "front"},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "cape/busybox:latest",
      "Labels": {"com.example.role": "web"},
      "Command": ["sh", "-c"],
      "Args": ["httpd -f -p 80"],
      "Hostname": "web-host",
      "Env": ["GREETING=hello", "MOTTO=a b=c"],
      "Dir": "/srv",
      "User": "nobody",
      "Init": false,
      "Mounts": [
        {"Type": "bind", "Source": "/tmp", "Target": "/host", "ReadOnly": true},
        {"Type": "volume", "Source": "data", "Target": "/data"}
      ],
      "StopGracePeriod": 20000000000,
      "Healthcheck": {
        "Test": ["CMD-SHELL", "wget -q -O- localhost"],
        "Interval": 30000000000,
        "Retries": 3
      },
      "DNSConfig": {},
      "Secrets": [
        {
          "File": {"Name": "db_password", "UID": "0", "GID": "0", "Mode": 292},
          "SecretID": "tzia6ov4dggsqgppf2y6czsgo",
          "SecretName": "db_password"
        }
      ],
      "Configs": [
        {
          "File": {"Name": "/etc/app.conf", "UID": "0", "GID": "0", "Mode": 292},
          "ConfigID": "3bbdvcc5i8fkgrv4dgbezwz57",
          "ConfigName": "app_config"
        }
      ],
      "Isolation": "default"
    },
    "Resources": {
      "Limits": {"NanoCPUs": 500000000, "MemoryBytes": 268435456},
      "Reservations": {"NanoCPUs": 250000000, "MemoryBytes": 67108864}
    },
    "RestartPolicy": {"Condition": "on-failure", "Delay": 5000000000, "MaxAttempts": 3},
    "Placement": {
      "Constraints": ["node.role==worker"],
      "Preferences": [{"Spread": {"SpreadDescriptor": "node.labels.zone"}}],
      "MaxReplicas": 2
    },
    "Networks": [{"Target": "znwzzmjv9mo148w3r2kly59kx", "Aliases": ["web-alias"]}],
    "LogDriver": {
      "Name": "json-file",
      "Options": {"max-size": "10m"}
    },
    "ForceUpdate": 1,
    "Runtime": "container"
  },
  "Mode": {
    "Replicated": {"Replicas": 2}
  },
  "UpdateConfig": {
    "Parallelism": 2,
    "Delay": 10000000000,
    "FailureAction": "rollback",
    "Monitor": 5000000000,
    "MaxFailureRatio": 0,
    "Order": "start-first"
  },
  "RollbackConfig": {
    "Parallelism": 1,
    "FailureAction": "pause",
    "Monitor": 5000000000,
    "MaxFailureRatio": 0,
    "Order": "stop-first"
  },
  "EndpointSpec": {
    "Mode": "vip",
    "Ports": [{"Protocol": "tcp", "TargetPort": 80, "PublishedPort": 8080, "PublishMode": "host"}]
  }
}
)json";

/* The same engine, a global service whose list entries carry options the form does not show:
 *   docker service create --name worker --mode global \
 *     --secret source=db_password,target=db,uid=1000,gid=1000,mode=0400 --config app_config \
 *     --mount type=volume,src=cache,dst=/cache,volume-nocopy,volume-label=purpose=cache \
 *     --mount type=bind,src=/tmp,dst=/host,bind-propagation=rslave \
 *     --mount type=tmpfs,dst=/scratch,tmpfs-size=64M \
 *     --network name=backend,alias=worker-alias --publish published=9090,target=90,protocol=udp \
 *     --no-healthcheck --update-monitor 30s --update-max-failure-ratio 0.25 --rollback-delay 1m30s \
 *     --stop-signal SIGINT --cap-add NET_ADMIN --ulimit nofile=1024:2048 \
 *     cape/busybox:latest sleep 3600 */
const char *const workerSpecJson = R"json(
{
  "Name": "worker",
  "Labels": {},
  "TaskTemplate": {
    "ContainerSpec": {
      "Image": "cape/busybox:latest",
      "Args": ["sleep", "3600"],
      "Init": false,
      "StopSignal": "SIGINT",
      "Mounts": [
        {
          "Type": "volume",
          "Source": "cache",
          "Target": "/cache",
          "VolumeOptions": {
            "NoCopy": true,
            "Labels": {"purpose": "cache"},
            "DriverConfig": {}
          }
        },
        {
          "Type": "bind",
          "Source": "/tmp",
          "Target": "/host",
          "BindOptions": {"Propagation": "rslave"}
        },
        {
          "Type": "tmpfs",
          "Target": "/scratch",
          "TmpfsOptions": {"SizeBytes": 67108864}
        }
      ],
      "StopGracePeriod": 10000000000,
      "Healthcheck": {
        "Test": ["NONE"]
      },
      "DNSConfig": {},
      "Secrets": [
        {
          "File": {"Name": "db", "UID": "1000", "GID": "1000", "Mode": 256},
          "SecretID": "tzia6ov4dggsqgppf2y6czsgo",
          "SecretName": "db_password"
        }
      ],
      "Configs": [
        {
          "File": {"Name": "app_config", "UID": "0", "GID": "0", "Mode": 292},
          "ConfigID": "3bbdvcc5i8fkgrv4dgbezwz57",
          "ConfigName": "app_config"
        }
      ],
      "Isolation": "default",
      "CapabilityAdd": ["CAP_NET_ADMIN"],
      "Ulimits": [{"Name": "nofile", "Hard": 2048, "Soft": 1024}]
    },
    "Resources": {"Limits": {}, "Reservations": {}},
    "RestartPolicy": {"Condition": "any", "Delay": 5000000000, "MaxAttempts": 0},
    "Placement": {},
    "Networks": [{"Target": "znwzzmjv9mo148w3r2kly59kx", "Aliases": ["worker-alias"]}],
    "ForceUpdate": 0,
    "Runtime": "container"
  },
  "Mode": {"Global": {}},
  "UpdateConfig": {
    "Parallelism": 1,
    "FailureAction": "pause",
    "Monitor": 30000000000,
    "MaxFailureRatio": 0.25,
    "Order": "stop-first"
  },
  "RollbackConfig": {
    "Parallelism": 1,
    "Delay": 90000000000,
    "FailureAction": "pause",
    "Monitor": 5000000000,
    "MaxFailureRatio": 0,
    "Order": "stop-first"
  },
  "EndpointSpec": {
    "Mode": "vip",
    "Ports": [{"Protocol": "udp", "TargetPort": 90, "PublishedPort": 9090, "PublishMode": "ingress"}]
  }
}
)json";

const QString networkId = QStringLiteral("znwzzmjv9mo148w3r2kly59kx");
const QString secretId = QStringLiteral("tzia6ov4dggsqgppf2y6czsgo");
const QString configId = QStringLiteral("3bbdvcc5i8fkgrv4dgbezwz57");

QJsonObject parse(const char *json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray(json), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test: %s", qPrintable(error.errorString()));
    return doc.object();
}

QJsonObject webSpec()
{
    return parse(webSpecJson);
}

QJsonObject workerSpec()
{
    return parse(workerSpecJson);
}

// The sandbox's objects, as the editor's resolver would find them.
const QHash<QString, QString> &ids()
{
    static const QHash<QString, QString> table{{QStringLiteral("network/backend"), networkId},
                                               {QStringLiteral("secret/db_password"), secretId},
                                               {QStringLiteral("config/app_config"), configId}};
    return table;
}

QString resolve(const QString &kind, const QString &name)
{
    return ids().value(kind + u'/' + name);
}

QString nameOf(const QString &kind, const QString &id)
{
    const QString key = ids().key(id);
    return key.startsWith(kind + u'/') ? key.mid(kind.size() + 1) : QString();
}

QString text(const QJsonValue &value)
{
    if (value.isUndefined())
        return QStringLiteral("(missing)");
    const QByteArray json = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return QString::fromUtf8(json.mid(1, json.size() - 2));
}

// Every leaf where two JSON values differ, as "Path.To.Key: expected -> actual".
void diff(const QJsonValue &expected, const QJsonValue &actual, const QString &path, QStringList *out)
{
    if (expected.isObject() && actual.isObject()) {
        const QJsonObject e = expected.toObject();
        const QJsonObject a = actual.toObject();
        QStringList keys = e.keys() + a.keys();
        keys.removeDuplicates();
        keys.sort();
        for (const QString &key : std::as_const(keys))
            diff(e.value(key), a.value(key), path.isEmpty() ? key : path + u'.' + key, out);
        return;
    }
    if (expected.isArray() && actual.isArray() && expected.toArray().size() == actual.toArray().size()) {
        for (qsizetype i = 0; i < expected.toArray().size(); ++i)
            diff(expected.toArray().at(i), actual.toArray().at(i), QStringLiteral("%1[%2]").arg(path).arg(i), out);
        return;
    }
    if (expected != actual)
        out->append(QStringLiteral("%1: %2 -> %3").arg(path, text(expected), text(actual)));
}

QStringList differences(const QJsonObject &expected, const QJsonObject &actual)
{
    QStringList out;
    diff(expected, actual, QString(), &out);
    return out;
}

// The draft's lists as one line per entry, for readable comparisons.
QStringList pairs(const QList<ServiceDraft::KeyValue> &list)
{
    QStringList out;
    for (const auto &[key, value] : list)
        out << key + u'=' + value;
    return out;
}

QStringList ports(const QList<ServiceDraft::Port> &list)
{
    QStringList out;
    for (const ServiceDraft::Port &p : list)
        out << QStringLiteral("%1:%2/%3 %4").arg(p.published, p.target, p.protocol, p.mode);
    return out;
}

QStringList mounts(const QList<ServiceDraft::Mount> &list)
{
    QStringList out;
    for (const ServiceDraft::Mount &m : list)
        out << QStringLiteral("%1 %2:%3%4").arg(m.type, m.source, m.target, m.readOnly ? QStringLiteral(":ro") : QString());
    return out;
}

QStringList files(const QList<ServiceDraft::FileReference> &list)
{
    QStringList out;
    for (const ServiceDraft::FileReference &f : list)
        out << f.name + QStringLiteral(" -> ") + f.target;
    return out;
}

QStringList policy(const ServiceDraft::UpdatePolicy &p)
{
    return {p.parallelism, p.delay, p.failureAction, p.monitor, p.maxFailureRatio, p.order};
}

QStringList fields(const QList<ServiceDraft::Problem> &problems)
{
    QStringList out;
    for (const ServiceDraft::Problem &p : problems)
        out << p.field;
    return out;
}

QString describe(const QList<ServiceDraft::Problem> &problems)
{
    QStringList out;
    for (const ServiceDraft::Problem &p : problems)
        out << p.field + QStringLiteral(": ") + p.message;
    return out.join(QStringLiteral("; "));
}

QJsonObject containerOf(const QJsonObject &spec)
{
    return spec.value(L("TaskTemplate")).toObject().value(L("ContainerSpec")).toObject();
}

// One bad input for validate(): what is spoiled, the field it must be blamed on, and a
// word the message must quote so that the user sees what is wrong.
struct BadInput
{
    const char *tag;
    QString field;
    QString quotes;
    std::function<void(ServiceDraft &)> spoil;
};

const QList<BadInput> &badInputs()
{
    static const QList<BadInput> cases{
        {"empty name", QStringLiteral("name"), {}, [](ServiceDraft &d) { d.name.clear(); }},
        {"name with spaces", QStringLiteral("name"), {}, [](ServiceDraft &d) { d.name = QStringLiteral("my web"); }},
        {"no image", QStringLiteral("image"), {}, [](ServiceDraft &d) { d.image = QStringLiteral("  "); }},
        {"replicas three", QStringLiteral("replicas"), QStringLiteral("three"),
         [](ServiceDraft &d) { d.replicas = QStringLiteral("three"); }},
        {"replicated without replicas", QStringLiteral("replicas"), {}, [](ServiceDraft &d) { d.replicas.clear(); }},
        {"service mode bridge", QStringLiteral("mode"), QStringLiteral("bridge"),
         [](ServiceDraft &d) { d.mode = QStringLiteral("bridge"); }},
        {"unterminated quote in command", QStringLiteral("command"), {},
         [](ServiceDraft &d) { d.command = QStringLiteral("sh -c 'echo"); }},
        {"variable name with spaces", QStringLiteral("env"), QStringLiteral("MY VAR"),
         [](ServiceDraft &d) { d.env.append({QStringLiteral("MY VAR"), QStringLiteral("1")}); }},
        {"port target 70000", QStringLiteral("ports"), QStringLiteral("70000"),
         [](ServiceDraft &d) { d.ports[0].target = QStringLiteral("70000"); }},
        {"port without target", QStringLiteral("ports"), {}, [](ServiceDraft &d) { d.ports[0].target.clear(); }},
        {"port published twice", QStringLiteral("ports"), QStringLiteral("8080"),
         [](ServiceDraft &d) {
             d.ports.append({QStringLiteral("8080"), QStringLiteral("81"), QStringLiteral("tcp"), QStringLiteral("host")});
         }},
        {"protocol xyz", QStringLiteral("ports"), QStringLiteral("xyz"),
         [](ServiceDraft &d) { d.ports[0].protocol = QStringLiteral("xyz"); }},
        {"port mode bridge", QStringLiteral("ports"), QStringLiteral("bridge"),
         [](ServiceDraft &d) { d.ports[0].mode = QStringLiteral("bridge"); }},
        {"relative mount target", QStringLiteral("mounts"), QStringLiteral("data"),
         [](ServiceDraft &d) { d.mounts[1].target = QStringLiteral("data"); }},
        {"bind mount with a relative source", QStringLiteral("mounts"), QStringLiteral("tmp"),
         [](ServiceDraft &d) { d.mounts[0].source = QStringLiteral("tmp"); }},
        {"constraint without == or !=", QStringLiteral("constraints"), QStringLiteral("node.role=worker"),
         [](ServiceDraft &d) { d.constraints << QStringLiteral("node.role=worker"); }},
        {"memory 12 apples", QStringLiteral("limitMemory"), QStringLiteral("12 apples"),
         [](ServiceDraft &d) { d.limitMemory = QStringLiteral("12 apples"); }},
        {"reserved memory 12 apples", QStringLiteral("reserveMemory"), QStringLiteral("12 apples"),
         [](ServiceDraft &d) { d.reserveMemory = QStringLiteral("12 apples"); }},
        {"cpus lots", QStringLiteral("limitCpus"), QStringLiteral("lots"),
         [](ServiceDraft &d) { d.limitCpus = QStringLiteral("lots"); }},
        {"restart delay 5 minutes", QStringLiteral("restartDelay"), QStringLiteral("5 minutes"),
         [](ServiceDraft &d) { d.restartDelay = QStringLiteral("5 minutes"); }},
        {"update delay 5 minutes", QStringLiteral("update.delay"), QStringLiteral("5 minutes"),
         [](ServiceDraft &d) { d.update.delay = QStringLiteral("5 minutes"); }},
        {"health interval 5 minutes", QStringLiteral("healthInterval"), QStringLiteral("5 minutes"),
         [](ServiceDraft &d) { d.healthInterval = QStringLiteral("5 minutes"); }},
        {"unknown network", QStringLiteral("networks"), QStringLiteral("frontend"),
         [](ServiceDraft &d) { d.networks << QStringLiteral("frontend"); }},
        {"unknown secret", QStringLiteral("secrets"), QStringLiteral("api_key"),
         [](ServiceDraft &d) { d.secrets.append({QStringLiteral("api_key"), {}}); }},
        {"unknown config", QStringLiteral("configs"), QStringLiteral("nginx_conf"),
         [](ServiceDraft &d) { d.configs.append({QStringLiteral("nginx_conf"), QStringLiteral("/etc/nginx.conf")}); }},
        {"update order random", QStringLiteral("update.order"), QStringLiteral("random"),
         [](ServiceDraft &d) { d.update.order = QStringLiteral("random"); }},
        {"max failure ratio 2", QStringLiteral("update.maxFailureRatio"), QStringLiteral("2"),
         [](ServiceDraft &d) { d.update.maxFailureRatio = QStringLiteral("2"); }},
        {"rollback failure action explode", QStringLiteral("rollback.failureAction"), QStringLiteral("explode"),
         [](ServiceDraft &d) { d.rollback.failureAction = QStringLiteral("explode"); }},
    };
    return cases;
}

} // namespace

class TestServiceDraft : public QObject
{
    Q_OBJECT

private slots:
    void fromSpecShowsWhatTheFormShows()
    {
        const ServiceDraft d = ServiceDraft::fromSpec(webSpec(), nameOf);
        QCOMPARE(d.name, QStringLiteral("web"));
        QCOMPARE(d.image, QStringLiteral("cape/busybox:latest"));
        QCOMPARE(d.mode, QStringLiteral("replicated"));
        QCOMPARE(d.replicas, QStringLiteral("2"));
        QCOMPARE(d.command, QStringLiteral("sh -c"));
        QCOMPARE(d.args, QStringLiteral("'httpd -f -p 80'")); // one word: quoted as a shell would need it
        QCOMPARE(d.workingDir, QStringLiteral("/srv"));
        QCOMPARE(d.user, QStringLiteral("nobody"));
        QCOMPARE(d.hostname, QStringLiteral("web-host"));
        QCOMPARE(pairs(d.env), (QStringList{QStringLiteral("GREETING=hello"), QStringLiteral("MOTTO=a b=c")}));
        QCOMPARE(pairs(d.labels), (QStringList{QStringLiteral("com.example.team=ops"), QStringLiteral("tier=front")}));
        QCOMPARE(pairs(d.containerLabels), QStringList{QStringLiteral("com.example.role=web")});
        QCOMPARE(ports(d.ports), QStringList{QStringLiteral("8080:80/tcp host")});
        QCOMPARE(mounts(d.mounts), (QStringList{QStringLiteral("bind /tmp:/host:ro"), QStringLiteral("volume data:/data")}));
        QCOMPARE(d.networks, QStringList{QStringLiteral("backend")}); // by name, not by ID
        QCOMPARE(files(d.secrets), QStringList{QStringLiteral("db_password -> db_password")});
        QCOMPARE(files(d.configs), QStringList{QStringLiteral("app_config -> /etc/app.conf")});
        QCOMPARE(d.constraints, QStringList{QStringLiteral("node.role==worker")});
        QCOMPARE(d.preferences, QStringList{QStringLiteral("node.labels.zone")});
        QCOMPARE(d.maxReplicasPerNode, QStringLiteral("2"));
        QCOMPARE(d.limitCpus, QStringLiteral("0.5"));
        QCOMPARE(d.limitMemory, QStringLiteral("256M"));
        QCOMPARE(d.reserveCpus, QStringLiteral("0.25"));
        QCOMPARE(d.reserveMemory, QStringLiteral("64M"));
        QCOMPARE(d.restartCondition, QStringLiteral("on-failure"));
        QCOMPARE(d.restartDelay, QStringLiteral("5s"));
        QCOMPARE(d.restartMaxAttempts, QStringLiteral("3"));
        QCOMPARE(d.restartWindow, QString());
        // parallelism, delay, failure action, monitor, max failure ratio, order
        QCOMPARE(policy(d.update), (QStringList{QStringLiteral("2"), QStringLiteral("10s"), QStringLiteral("rollback"),
                                                QStringLiteral("5s"), QString(), QStringLiteral("start-first")}));
        QCOMPARE(policy(d.rollback), (QStringList{QStringLiteral("1"), QString(), QStringLiteral("pause"),
                                                  QStringLiteral("5s"), QString(), QStringLiteral("stop-first")}));
        QCOMPARE(d.healthTest, QStringLiteral("wget -q -O- localhost"));
        QVERIFY(!d.healthDisabled);
        QCOMPARE(d.healthInterval, QStringLiteral("30s"));
        QCOMPARE(d.healthTimeout, QString());
        QCOMPARE(d.healthRetries, QStringLiteral("3"));
        QCOMPARE(d.healthStartPeriod, QString());
    }

    void fromSpecShowsAGlobalService()
    {
        const ServiceDraft d = ServiceDraft::fromSpec(workerSpec(), nameOf);
        QCOMPARE(d.name, QStringLiteral("worker"));
        QCOMPARE(d.mode, QStringLiteral("global"));
        QCOMPARE(d.replicas, QString());
        QCOMPARE(d.command, QString());
        QCOMPARE(d.args, QStringLiteral("sleep 3600"));
        QVERIFY(d.env.isEmpty());
        QVERIFY(d.labels.isEmpty());
        QCOMPARE(ports(d.ports), QStringList{QStringLiteral("9090:90/udp ingress")});
        QCOMPARE(mounts(d.mounts), (QStringList{QStringLiteral("volume cache:/cache"), QStringLiteral("bind /tmp:/host"),
                                                QStringLiteral("tmpfs :/scratch")}));
        QCOMPARE(d.networks, QStringList{QStringLiteral("backend")});
        QCOMPARE(files(d.secrets), QStringList{QStringLiteral("db_password -> db")});
        QCOMPARE(files(d.configs), QStringList{QStringLiteral("app_config -> app_config")});
        QVERIFY(d.constraints.isEmpty());
        QVERIFY(d.preferences.isEmpty());
        QCOMPARE(d.maxReplicasPerNode, QString());
        QCOMPARE(d.limitCpus, QString());
        QCOMPARE(d.limitMemory, QString());
        QCOMPARE(d.restartCondition, QStringLiteral("any"));
        QCOMPARE(d.restartDelay, QStringLiteral("5s"));
        QCOMPARE(d.restartMaxAttempts, QString()); // 0: no limit
        QCOMPARE(policy(d.update), (QStringList{QStringLiteral("1"), QString(), QStringLiteral("pause"),
                                                QStringLiteral("30s"), QStringLiteral("0.25"), QStringLiteral("stop-first")}));
        QCOMPARE(policy(d.rollback), (QStringList{QStringLiteral("1"), QStringLiteral("1m30s"), QStringLiteral("pause"),
                                                  QStringLiteral("5s"), QString(), QStringLiteral("stop-first")}));
        QVERIFY(d.healthDisabled);
        QCOMPARE(d.healthTest, QString());
    }

    void engineSpecsAreValid_data()
    {
        QTest::addColumn<QJsonObject>("spec");
        QTest::newRow("web") << webSpec();
        QTest::newRow("worker") << workerSpec();
    }

    void engineSpecsAreValid()
    {
        QFETCH(QJsonObject, spec);
        const QList<ServiceDraft::Problem> problems = ServiceDraft::fromSpec(spec, nameOf).validate(resolve);
        QVERIFY2(problems.isEmpty(), qPrintable(describe(problems)));
    }

    // An unchanged draft gives back the spec it was loaded from. The only differences are
    // Go zero values the draft leaves out (the engine reads a missing field as its zero).
    void unchangedDraftGivesBackTheSpec_data()
    {
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<QStringList>("normalised");
        QTest::newRow("web") << webSpec()
                             << QStringList{QStringLiteral("RollbackConfig.MaxFailureRatio: 0 -> (missing)"),
                                            QStringLiteral("UpdateConfig.MaxFailureRatio: 0 -> (missing)")};
        QTest::newRow("worker") << workerSpec()
                                << QStringList{QStringLiteral("Labels: {} -> (missing)"),
                                               QStringLiteral("RollbackConfig.MaxFailureRatio: 0 -> (missing)"),
                                               QStringLiteral("TaskTemplate.Placement: {} -> (missing)"),
                                               QStringLiteral("TaskTemplate.Resources: {\"Limits\":{},\"Reservations\":{}} -> (missing)"),
                                               QStringLiteral("TaskTemplate.RestartPolicy.MaxAttempts: 0 -> (missing)")};
    }

    void unchangedDraftGivesBackTheSpec()
    {
        QFETCH(QJsonObject, spec);
        QFETCH(QStringList, normalised);
        const QJsonObject rebuilt = ServiceDraft::fromSpec(spec, nameOf).toSpec(spec, resolve);
        const QStringList found = differences(spec, rebuilt);
        QVERIFY2(found == normalised, qPrintable(QStringLiteral("differences:\n  ") + found.join(QStringLiteral("\n  "))));
        // ... and without the base spec, only what the form covers: the same once more.
        const QJsonObject fresh = ServiceDraft::fromSpec(spec, nameOf).toSpec(QJsonObject(), resolve);
        QCOMPARE(ServiceDraft::fromSpec(fresh, nameOf).toSpec(spec, resolve), rebuilt);
    }

    // Fields the form does not show survive an edit of the fields it does.
    void uncoveredFieldsSurviveAnEdit()
    {
        const QJsonObject web = webSpec();
        ServiceDraft d = ServiceDraft::fromSpec(web, nameOf);
        d.image = QStringLiteral("cape/busybox:1.36");
        d.replicas = QStringLiteral("3");
        d.env.append({QStringLiteral("DEBUG"), QStringLiteral("1")});
        d.mounts[0].readOnly = false;
        d.limitMemory = QStringLiteral("512M");
        const QJsonObject spec = d.toSpec(web, resolve);
        const QJsonObject task = spec.value(L("TaskTemplate")).toObject();
        const QJsonObject oldTask = web.value(L("TaskTemplate")).toObject();
        const QJsonObject container = containerOf(spec);
        const QJsonObject oldContainer = containerOf(web);
        for (const char *key : {"Isolation", "StopGracePeriod", "Init", "DNSConfig"})
            QVERIFY2(container.value(L(key)) == oldContainer.value(L(key)) && container.contains(L(key)), key);
        for (const char *key : {"LogDriver", "ForceUpdate", "Runtime"})
            QVERIFY2(task.value(L(key)) == oldTask.value(L(key)) && task.contains(L(key)), key);
        QCOMPARE(spec.value(L("EndpointSpec")).toObject().value(L("Mode")).toString(), QStringLiteral("vip"));
        QCOMPARE(task.value(L("ForceUpdate")).toInteger(), 1);
        QCOMPARE(container.value(L("StopGracePeriod")).toInteger(), 20000000000LL);
        // The edits themselves.
        QCOMPARE(container.value(L("Image")).toString(), QStringLiteral("cape/busybox:1.36"));
        QCOMPARE(spec.value(L("Mode")).toObject().value(L("Replicated")).toObject().value(L("Replicas")).toInt(), 3);
        QCOMPARE(container.value(L("Env")).toArray().last().toString(), QStringLiteral("DEBUG=1"));
        QVERIFY(!container.value(L("Mounts")).toArray().at(0).toObject().contains(L("ReadOnly")));
        QCOMPARE(task.value(L("Resources")).toObject().value(L("Limits")).toObject().value(L("MemoryBytes")).toInteger(),
                 512LL << 20);
        // A network keeps its aliases.
        QCOMPARE(task.value(L("Networks")).toArray(), oldTask.value(L("Networks")).toArray());
    }

    // Options of list entries the form shows only in part: mount options, secret file
    // ownership and mode, network aliases. Capabilities and ulimits are not in the form at all.
    void entryOptionsSurviveAnEdit()
    {
        const QJsonObject worker = workerSpec();
        ServiceDraft d = ServiceDraft::fromSpec(worker, nameOf);
        d.args = QStringLiteral("sleep 7200");
        d.mounts[1].readOnly = true;
        d.secrets[0].target = QStringLiteral("db-password");
        const QJsonObject container = containerOf(d.toSpec(worker, resolve));
        const QJsonObject oldContainer = containerOf(worker);
        for (const char *key : {"StopSignal", "CapabilityAdd", "Ulimits", "Isolation"})
            QVERIFY2(container.value(L(key)) == oldContainer.value(L(key)) && container.contains(L(key)), key);

        const QJsonArray mountArray = container.value(L("Mounts")).toArray();
        const QJsonArray oldMounts = oldContainer.value(L("Mounts")).toArray();
        QCOMPARE(mountArray.size(), 3);
        QCOMPARE(mountArray.at(0), oldMounts.at(0)); // VolumeOptions: NoCopy, Labels
        QJsonObject bind = oldMounts.at(1).toObject();
        bind.insert(QStringLiteral("ReadOnly"), true);
        QCOMPARE(mountArray.at(1).toObject(), bind); // BindOptions.Propagation, now read-only
        QCOMPARE(mountArray.at(2), oldMounts.at(2)); // TmpfsOptions.SizeBytes

        const QJsonObject secret = container.value(L("Secrets")).toArray().at(0).toObject();
        const QJsonObject file = secret.value(L("File")).toObject();
        QCOMPARE(file.value(L("Name")).toString(), QStringLiteral("db-password"));
        QCOMPARE(file.value(L("UID")).toString(), QStringLiteral("1000"));
        QCOMPARE(file.value(L("GID")).toString(), QStringLiteral("1000"));
        QCOMPARE(file.value(L("Mode")).toInt(), 0400);
        QCOMPARE(secret.value(L("SecretID")).toString(), secretId);

        // A mount whose type changes does not take the old type's options along.
        d.mounts[0].type = QStringLiteral("bind");
        d.mounts[0].source = QStringLiteral("/srv/cache");
        const QJsonObject rebound = containerOf(d.toSpec(worker, resolve)).value(L("Mounts")).toArray().at(0).toObject();
        QCOMPARE(rebound.value(L("Type")).toString(), QStringLiteral("bind"));
        QCOMPARE(rebound.value(L("Source")).toString(), QStringLiteral("/srv/cache"));
        QVERIFY(!rebound.contains(L("VolumeOptions")));
    }

    void badInputIsNamed_data()
    {
        QTest::addColumn<int>("index");
        for (int i = 0; i < badInputs().size(); ++i)
            QTest::newRow(badInputs().at(i).tag) << i;
    }

    void badInputIsNamed()
    {
        QFETCH(int, index);
        const BadInput &bad = badInputs().at(index);
        ServiceDraft d = ServiceDraft::fromSpec(webSpec(), nameOf);
        bad.spoil(d);
        const QList<ServiceDraft::Problem> problems = d.validate(resolve);
        QVERIFY2(!problems.isEmpty(), "no problem found");
        // Blamed on that field and no other; the message says what is wrong.
        QCOMPARE(fields(problems), QStringList{bad.field});
        QVERIFY(!problems.first().message.isEmpty());
        if (!bad.quotes.isEmpty())
            QVERIFY2(problems.first().message.contains(bad.quotes), qPrintable(problems.first().message));
    }

    void everyProblemIsListed()
    {
        ServiceDraft d;
        d.name = QStringLiteral("my web");
        d.replicas = QStringLiteral("three");
        d.limitMemory = QStringLiteral("12 apples");
        d.update.order = QStringLiteral("random");
        d.networks << QStringLiteral("frontend");
        QCOMPARE(fields(d.validate(resolve)), (QStringList{QStringLiteral("name"), QStringLiteral("image"), QStringLiteral("replicas"),
                                                           QStringLiteral("networks"), QStringLiteral("limitMemory"),
                                                           QStringLiteral("update.order")}));
    }

    void goodDraftHasNoProblems()
    {
        ServiceDraft d;
        d.name = QStringLiteral("api");
        d.image = QStringLiteral("nginx:1.27");
        QVERIFY2(d.validate(resolve).isEmpty(), qPrintable(describe(d.validate(resolve))));
        d.mode = QStringLiteral("global");
        d.replicas.clear();
        d.ports.append({{}, QStringLiteral("80"), QStringLiteral("tcp"), QStringLiteral("ingress")});
        d.mounts.append({QStringLiteral("tmpfs"), {}, QStringLiteral("/cache"), false});
        d.networks << QStringLiteral("backend");
        d.secrets.append({QStringLiteral("db_password"), {}});
        d.constraints << QStringLiteral("node.labels.zone != b");
        d.limitMemory = QStringLiteral("1.5G");
        d.restartWindow = QStringLiteral("1m30s");
        d.update.maxFailureRatio = QStringLiteral("0.5");
        d.healthTest = QStringLiteral("curl -f http://localhost/ || exit 1");
        d.healthTimeout = QStringLiteral("500ms");
        QVERIFY2(d.validate(resolve).isEmpty(), qPrintable(describe(d.validate(resolve))));
    }

    void globalModeDropsReplicas()
    {
        const QJsonObject web = webSpec();
        ServiceDraft d = ServiceDraft::fromSpec(web, nameOf);
        d.mode = QStringLiteral("global");
        d.replicas.clear();
        QCOMPARE(d.toSpec(web, resolve).value(L("Mode")).toObject(), (QJsonObject{{QStringLiteral("Global"), QJsonObject()}}));

        // And back: a global service made replicated gets its replicas.
        const QJsonObject worker = workerSpec();
        d = ServiceDraft::fromSpec(worker, nameOf);
        d.mode = QStringLiteral("replicated");
        d.replicas = QStringLiteral("4");
        const QJsonObject replicated{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), 4}}}};
        QCOMPARE(d.toSpec(worker, resolve).value(L("Mode")).toObject(), replicated);
    }

    void clearingTheCommandRemovesIt()
    {
        const QJsonObject web = webSpec();
        ServiceDraft d = ServiceDraft::fromSpec(web, nameOf);
        d.command.clear();
        QJsonObject container = containerOf(d.toSpec(web, resolve));
        QVERIFY(!container.contains(L("Command"))); // the image's entrypoint again
        QCOMPARE(container.value(L("Args")).toArray(), QJsonArray{QStringLiteral("httpd -f -p 80")});

        d.args.clear();
        d.command = QStringLiteral("sh -c \"echo 'hi there'\"");
        container = containerOf(d.toSpec(web, resolve));
        QVERIFY(!container.contains(L("Args")));
        QCOMPARE(container.value(L("Command")).toArray(),
                 (QJsonArray{QStringLiteral("sh"), QStringLiteral("-c"), QStringLiteral("echo 'hi there'")}));
    }

    void fileWithoutTargetGoesToItsDefaultPlace()
    {
        ServiceDraft d;
        d.name = QStringLiteral("api");
        d.image = QStringLiteral("nginx:1.27");
        d.secrets.append({QStringLiteral("db_password"), {}});
        d.configs.append({QStringLiteral("app_config"), QStringLiteral("  ")});
        const QJsonObject container = containerOf(d.toSpec(QJsonObject(), resolve));
        const QJsonObject file{{QStringLiteral("Name"), QStringLiteral("/run/secrets/db_password")},
                               {QStringLiteral("UID"), QStringLiteral("0")},
                               {QStringLiteral("GID"), QStringLiteral("0")},
                               {QStringLiteral("Mode"), 0444}};
        const QJsonObject secret{{QStringLiteral("SecretID"), secretId},
                                 {QStringLiteral("SecretName"), QStringLiteral("db_password")},
                                 {QStringLiteral("File"), file}};
        QCOMPARE(container.value(L("Secrets")).toArray(), QJsonArray{secret});
        const QJsonObject config = container.value(L("Configs")).toArray().at(0).toObject();
        QCOMPARE(config.value(L("ConfigID")).toString(), configId);
        QCOMPARE(config.value(L("ConfigName")).toString(), QStringLiteral("app_config"));
        QCOMPARE(config.value(L("File")).toObject().value(L("Name")).toString(), QStringLiteral("/app_config"));
    }

    void disabledHealthCheckIsNone()
    {
        const QJsonObject web = webSpec();
        ServiceDraft d = ServiceDraft::fromSpec(web, nameOf);
        d.healthDisabled = true;
        const QJsonObject none{{QStringLiteral("Test"), QJsonArray{QStringLiteral("NONE")}}};
        QCOMPARE(containerOf(d.toSpec(web, resolve)).value(L("Healthcheck")).toObject(), none);

        // No command and not disabled: the image's own health check.
        d.healthDisabled = false;
        d.healthTest.clear();
        QVERIFY(!containerOf(d.toSpec(web, resolve)).contains(L("Healthcheck")));
    }

    void editsAreInEngineUnits()
    {
        const QJsonObject web = webSpec();
        ServiceDraft d = ServiceDraft::fromSpec(web, nameOf);
        d.limitCpus = QStringLiteral("1.5");
        d.reserveMemory = QStringLiteral("1g");
        d.restartDelay = QStringLiteral("1m30s");
        d.restartWindow = QStringLiteral("500ms");
        d.update.maxFailureRatio = QStringLiteral("0.2");
        d.rollback.delay = QStringLiteral("2h");
        d.healthTimeout = QStringLiteral("3s");
        d.ports[0].published.clear();
        d.ports[0].mode = QStringLiteral("ingress");
        const QJsonObject spec = d.toSpec(web, resolve);
        const QJsonObject task = spec.value(L("TaskTemplate")).toObject();
        const QJsonObject resources = task.value(L("Resources")).toObject();
        QCOMPARE(resources.value(L("Limits")).toObject().value(L("NanoCPUs")).toInteger(), 1500000000LL);
        QCOMPARE(resources.value(L("Reservations")).toObject().value(L("MemoryBytes")).toInteger(), 1LL << 30);
        QCOMPARE(task.value(L("RestartPolicy")).toObject().value(L("Delay")).toInteger(), 90000000000LL);
        QCOMPARE(task.value(L("RestartPolicy")).toObject().value(L("Window")).toInteger(), 500000000LL);
        QCOMPARE(spec.value(L("UpdateConfig")).toObject().value(L("MaxFailureRatio")).toDouble(), 0.2);
        QCOMPARE(spec.value(L("RollbackConfig")).toObject().value(L("Delay")).toInteger(), 7200000000000LL);
        QCOMPARE(containerOf(spec).value(L("Healthcheck")).toObject().value(L("Timeout")).toInteger(), 3000000000LL);
        const QJsonObject port{{QStringLiteral("Protocol"), QStringLiteral("tcp")},
                               {QStringLiteral("TargetPort"), 80},
                               {QStringLiteral("PublishMode"), QStringLiteral("ingress")}};
        QCOMPARE(spec.value(L("EndpointSpec")).toObject().value(L("Ports")).toArray(), QJsonArray{port});
        // The form reads its own output back as it was typed, in the engine's spelling.
        const ServiceDraft back = ServiceDraft::fromSpec(spec, nameOf);
        QCOMPARE(back.limitCpus, QStringLiteral("1.5"));
        QCOMPARE(back.reserveMemory, QStringLiteral("1G"));
        QCOMPARE(back.restartDelay, QStringLiteral("1m30s"));
        QCOMPARE(back.restartWindow, QStringLiteral("500ms"));
        QCOMPARE(back.update.maxFailureRatio, QStringLiteral("0.2"));
        QCOMPARE(back.rollback.delay, QStringLiteral("2h"));
    }
};

QTEST_GUILESS_MAIN(TestServiceDraft)
#include "tst_servicedraft.moc"
