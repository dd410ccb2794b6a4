#include "services/core/daemoncommandline.h"
#include "services/core/hostport.h"
#include "services/core/observabilityserver.h"
#include "services/core/unixsignalwatcher.h"
#include "services/eventsource/eventindexer.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSysInfo>
#include <QTextStream>

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "cape-eventd: " << message << '\n';
    return 2;
}

QString redisDescription(const cape::EventIndexer::Options &options)
{
    if (options.cluster.isEmpty())
        return QStringLiteral("Redis at ") +
               cape::HostPort{options.redis.host, options.redis.port}.toString();
    QStringList nodes;
    for (const cape::HostPort &node : options.cluster)
        nodes << node.toString();
    return QStringLiteral("the Redis Cluster of ") + nodes.join(u',');
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-eventd"),
        QStringLiteral("An eventsource server over Redis streams, wire-compatible with "
                       "@superhero/core.eventsource 3.x clients.\n\n"
                       "Environment, as the reference server: REDIS_HOST, REDIS_PORT, REDIS_AUTH."),
        QStringLiteral("127.0.0.1:9464"));
    QCommandLineParser &parser = commandLine.parser();
    const QCommandLineOption redisOption(
        QStringLiteral("redis"),
        QStringLiteral("The Redis server (default: REDIS_HOST:REDIS_PORT, or "
                       "127.0.0.1:6379)."),
        QStringLiteral("host:port"));
    const QCommandLineOption clusterOption(
        QStringLiteral("cluster"),
        QStringLiteral("A Redis Cluster instead: some of its nodes, comma-separated (the others are found). "
                       "REDIS_AUTH is its password."),
        QStringLiteral("host:port,..."));
    const QCommandLineOption metricsOption(QStringLiteral("metrics-listen"),
                                           QStringLiteral("Serve /health and /metrics over HTTP here, e.g. "
                                                          "0.0.0.0:9464."),
                                           QStringLiteral("host:port"));
    const QCommandLineOption consumerOption(
        QStringLiteral("consumer"),
        QStringLiteral("This replica's name in the queue's consumer group (default: the host name). Keep it "
                       "stable across restarts: what it had read is taken up again at once."),
        QStringLiteral("name"));
    const QCommandLineOption batchOption(
        QStringLiteral("batch"), QStringLiteral("Queue entries read and indexed at once (default 1000)."),
        QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption reclaimOption(
        QStringLiteral("reclaim-idle"),
        QStringLiteral("Take over entries another consumer left unacknowledged this long (default 30000)."),
        QStringLiteral("ms"), QStringLiteral("30000"));
    parser.addOptions(
        {redisOption, clusterOption, metricsOption, consumerOption, batchOption, reclaimOption});
    if (!commandLine.process(app))
        return commandLine.exitCode();

    const QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    cape::EventIndexer::Options options;
    QString redis = parser.value(redisOption);
    if (redis.isEmpty() && env.contains(QStringLiteral("REDIS_HOST")))
        redis = env.value(QStringLiteral("REDIS_HOST")) + u':' +
                env.value(QStringLiteral("REDIS_PORT"), QStringLiteral("6379"));
    if (!redis.isEmpty()) {
        const auto where = cape::HostPort::parse(redis);
        if (!where)
            return fail(QStringLiteral("--redis takes host:port, not %1").arg(redis));
        options.redis.host = where->host;
        options.redis.port = where->port;
    }
    if (parser.isSet(clusterOption)) {
        if (parser.isSet(redisOption))
            return fail(QStringLiteral("--redis and --cluster exclude each other"));
        for (const QString &node : parser.value(clusterOption).split(u',', Qt::SkipEmptyParts)) {
            const auto where = cape::HostPort::parse(node.trimmed());
            if (!where)
                return fail(QStringLiteral("--cluster takes host:port,..., not %1").arg(node));
            options.cluster << *where;
        }
        if (options.cluster.isEmpty())
            return fail(QStringLiteral("--cluster needs at least one node"));
    }
    options.redis.password = env.value(QStringLiteral("REDIS_AUTH")).toUtf8();
    options.consumer =
        (parser.isSet(consumerOption) ? parser.value(consumerOption) : QSysInfo::machineHostName()).toUtf8();
    if (options.consumer.isEmpty())
        options.consumer = QByteArrayLiteral("cape-eventd");
    bool valid = false;
    options.batchSize = parser.value(batchOption).toInt(&valid);
    if (!valid || options.batchSize < 1 || options.batchSize > 100000)
        return fail(QStringLiteral("--batch takes a number from 1 to 100000"));
    options.reclaimIdleMs = parser.value(reclaimOption).toInt(&valid);
    if (!valid || options.reclaimIdleMs < 100)
        return fail(QStringLiteral("--reclaim-idle takes milliseconds, at least 100"));

    cape::EventIndexer indexer(options);
    std::unique_ptr<cape::ObservabilityServer> observability;
    if (parser.isSet(metricsOption)) {
        observability = std::make_unique<cape::ObservabilityServer>(
            [&indexer, &options] {
                QJsonObject details{{QStringLiteral("redis"), redisDescription(options)},
                                    {QStringLiteral("consumer"), QString::fromUtf8(options.consumer)},
                                    {QStringLiteral("indexed"), qint64(indexer.counters().indexed)}};
                if (!indexer.lastProblem().isEmpty())
                    details.insert(QStringLiteral("lastProblem"), indexer.lastProblem());
                return cape::ObservabilityServer::Health{indexer.isHealthy(), details};
            },
            [&indexer] { return indexer.metrics(); });
        QString error;
        if (!observability->listen(parser.value(metricsOption), &error))
            return fail(error);
    }
    cape::UnixSignalWatcher unixSignals;
    QObject::connect(&unixSignals, &cape::UnixSignalWatcher::terminate, &indexer, [&indexer](int) {
        QTextStream(stderr) << "cape-eventd: stopping: finishing the batches in flight\n";
        indexer.stop();
    });
    QObject::connect(&indexer, &cape::EventIndexer::stopped, &app, [] { QCoreApplication::exit(0); });
    QObject::connect(
        &indexer, &cape::EventIndexer::stateChanged, &app, [&options](cape::EventIndexer::State state) {
            if (state == cape::EventIndexer::State::Running)
                QTextStream(stderr) << "cape-eventd: indexing the queue of " << redisDescription(options)
                                    << " as consumer " << QString::fromUtf8(options.consumer) << '\n';
        });
    indexer.start();
    return app.exec();
}
