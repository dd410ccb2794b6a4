#include "replaycluster.h"
#include "replayserver.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

// cape-engine-replay: a swarm of any size, made from responses recorded
// from a real engine, served over a unix socket for the dashboard benchmark.
int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cape-engine-replay"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Serves a Docker Swarm of the given size, expanded from recorded "
                       "engine responses, over a unix socket (benchmarks only)."));
    parser.addHelpOption();
    const QCommandLineOption socketOption(
        QStringLiteral("socket"), QStringLiteral("The unix socket to listen on."), QStringLiteral("path"));
    const QCommandLineOption nodesOption(QStringLiteral("nodes"), QStringLiteral("Nodes (30)."),
                                         QStringLiteral("n"), QStringLiteral("30"));
    const QCommandLineOption servicesOption(QStringLiteral("services"), QStringLiteral("Services (1000)."),
                                            QStringLiteral("n"), QStringLiteral("1000"));
    const QCommandLineOption tasksOption(QStringLiteral("tasks"),
                                         QStringLiteral("Tasks, history included (10000)."),
                                         QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption dataOption(QStringLiteral("data"),
                                        QStringLiteral("The recordings (default: those built in)."),
                                        QStringLiteral("dir"), QStringLiteral(":/data"));
    const QCommandLineOption seedOption(QStringLiteral("seed"), QStringLiteral("Seed of the generated IDs."),
                                        QStringLiteral("n"), QStringLiteral("1"));
    const QCommandLineOption verboseOption(QStringLiteral("verbose"),
                                           QStringLiteral("Log every request to stderr."));
    parser.addOptions(
        {socketOption, nodesOption, servicesOption, tasksOption, dataOption, seedOption, verboseOption});
    parser.process(app);

    QTextStream err(stderr);
    if (!parser.isSet(socketOption)) {
        err << "cape-engine-replay: --socket PATH is required\n";
        return 2;
    }
    cape::ReplayCluster::Size size;
    size.nodes = parser.value(nodesOption).toInt();
    size.services = parser.value(servicesOption).toInt();
    size.tasks = parser.value(tasksOption).toInt();
    if (size.nodes < 1 || size.services < 0 || size.tasks < size.services) {
        err << "cape-engine-replay: need at least one node and a task per service\n";
        return 2;
    }

    QElapsedTimer timer;
    timer.start();
    cape::ReplayCluster cluster;
    QString error;
    if (!cluster.load(parser.value(dataOption), &error)) {
        err << "cape-engine-replay: " << error << '\n';
        return 1;
    }
    cluster.generate(size, parser.value(seedOption).toUInt());
    const qint64 taskBytes = cluster.tasks({}).body.size();
    cape::ReplayServer server(&cluster);
    server.setVerbose(parser.isSet(verboseOption));
    if (!server.listen(parser.value(socketOption), &error)) {
        err << "cape-engine-replay: " << error << '\n';
        return 1;
    }
    // The benchmark waits for this line.
    QTextStream(stdout) << "cape-engine-replay: listening on " << parser.value(socketOption) << " ("
                        << cluster.nodeCount() << " nodes, " << cluster.serviceCount() << " services, "
                        << cluster.taskCount() << " tasks; GET /tasks is " << taskBytes / 1024
                        << " KiB), ready in " << timer.elapsed() << " ms" << Qt::endl;
    return app.exec();
}
