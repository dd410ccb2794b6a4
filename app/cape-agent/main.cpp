#include "services/agentd/agentserver.h"
#include "services/agentd/agentsession.h"
#include "services/agentd/peerdirectory.h"
#include "services/agentd/stdiodevice.h"
#include "services/core/daemoncommandline.h"
#include "services/core/hostport.h"
#include "services/core/observabilityserver.h"
#include "services/core/unixsignalwatcher.h"
#include "services/docker/dockerclient.h"

#include <QCoreApplication>
#include <QFile>
#include <QHostAddress>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QSysInfo>
#include <QTextStream>

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "cape-agent: " << message << '\n';
    return 2;
}

// Options fall back to the environment, so that `cape-agent --stdio` run in
// the agent's container by an exec finds what the service was given.
QString option(const QCommandLineParser &parser, const QCommandLineOption &option, const char *variable,
               const QString &fallback = {})
{
    if (parser.isSet(option))
        return parser.value(option);
    const QString value = qEnvironmentVariable(variable);
    return value.isEmpty() ? fallback : value;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-agent"),
        QStringLiteral(
            "A node's engine for Cape's desktop, through one endpoint: a whitelisted part of the Engine API "
            "(containers, stats, logs, events, exec) for this node, and for the others through their agents. "
            "It never creates, removes or changes anything.\n\n"
            "Environment, for --stdio in an exec: CAPE_AGENT_ENGINE, CAPE_AGENT_PEERS, CAPE_AGENT_PORT, "
            "CAPE_AGENT_TOKEN_FILE."),
        QStringLiteral("127.0.0.1:9478"));
    QCommandLineParser &parser = commandLine.parser();
    const QCommandLineOption engineOption(
        QStringLiteral("engine"), QStringLiteral("This node's Docker socket (default /var/run/docker.sock)."),
        QStringLiteral("path"));
    const QCommandLineOption listenOption(
        QStringLiteral("listen"),
        QStringLiteral("Serve the other agents here (host:port). Give the node's address on the "
                       "overlay: nothing outside it must reach the agent."),
        QStringLiteral("host:port"));
    const QCommandLineOption networkOption(
        QStringLiteral("network"),
        QStringLiteral("Listen on this container's address on this network (the overlay), "
                       "at --port."),
        QStringLiteral("name"));
    const QCommandLineOption portOption(
        QStringLiteral("port"), QStringLiteral("The agents' port (default 9478)."), QStringLiteral("port"));
    const QCommandLineOption peersOption(
        QStringLiteral("peers"),
        QStringLiteral("The other agents: a DNS name that lists them (tasks.<service> in a swarm), "
                       "or host:port,... outright."),
        QStringLiteral("peers"));
    const QCommandLineOption tokenOption(
        QStringLiteral("token-file"),
        QStringLiteral("The agents' shared token (default /run/secrets/cape_agent_token)."),
        QStringLiteral("path"));
    const QCommandLineOption stdioOption(
        QStringLiteral("stdio"),
        QStringLiteral("Serve one connection on stdin and stdout (the desktop runs this in an exec)."));
    const QCommandLineOption metricsOption(
        QStringLiteral("metrics-listen"), QStringLiteral("Serve /health here."), QStringLiteral("host:port"));
    parser.addOptions({engineOption, listenOption, networkOption, portOption, peersOption, tokenOption,
                       stdioOption, metricsOption});
    if (!commandLine.process(app))
        return commandLine.exitCode();

    cape::AgentContext context;
    context.engineSocket =
        option(parser, engineOption, "CAPE_AGENT_ENGINE", QStringLiteral("/var/run/docker.sock"));
    if (context.engineSocket.startsWith(QLatin1String("unix://")))
        context.engineSocket.remove(0, 7);
    const QString tokenFile =
        option(parser, tokenOption, "CAPE_AGENT_TOKEN_FILE", QStringLiteral("/run/secrets/cape_agent_token"));
    if (QFile file(tokenFile); file.open(QIODevice::ReadOnly))
        context.token = file.readAll().trimmed();
    const bool stdio = parser.isSet(stdioOption);
    const bool listens = parser.isSet(listenOption) || parser.isSet(networkOption);
    if (listens && context.token.size() < 16)
        return fail(
            QStringLiteral(
                "no token (at least 16 characters) in %1: other nodes' agents would be let in unchecked")
                .arg(tokenFile));
    bool valid = false;
    const quint16 port =
        quint16(option(parser, portOption, "CAPE_AGENT_PORT", QStringLiteral("9478")).toUInt(&valid));
    if (!valid || port == 0)
        return fail(QStringLiteral("--port takes a port number"));

    // Who this node is, from its own engine; then where to listen.
    cape::DockerEndpoint engine;
    QString error;
    cape::DockerEndpoint::parse(QStringLiteral("unix://") + context.engineSocket, &engine, &error);
    cape::DockerClient client(engine);
    const QString peersSpec = option(parser, peersOption, "CAPE_AGENT_PEERS");
    std::unique_ptr<cape::AgentServer> server;
    std::unique_ptr<cape::PeerDirectory> peers;
    std::unique_ptr<cape::ObservabilityServer> observability;
    std::unique_ptr<cape::AgentSession> session;
    auto *stdioDevice = stdio ? new cape::StdioDevice(&app) : nullptr;

    const auto begin = [&](const QString &ownAddress) {
        const bool dns = !peersSpec.isEmpty() && !peersSpec.contains(u':');
        peers = std::make_unique<cape::PeerDirectory>(
            dns ? peersSpec : QString(), dns ? QStringList() : peersSpec.split(u',', Qt::SkipEmptyParts),
            port, context.token, ownAddress);
        context.peers = peers.get();
        if (stdio) {
            session = std::make_unique<cape::AgentSession>(stdioDevice, true, context);
            QObject::connect(
                session.get(), &cape::AgentSession::closed, &app, [] { QCoreApplication::exit(0); },
                Qt::QueuedConnection);
            return;
        }
        server = std::make_unique<cape::AgentServer>(context);
        if (listens) {
            const auto where = parser.isSet(listenOption)
                                   ? cape::HostPort::parse(parser.value(listenOption))
                                   : std::optional<cape::HostPort>(cape::HostPort{ownAddress, port});
            if (!where || !server->listen(QHostAddress(where->host), where->port, &error)) {
                QCoreApplication::exit(
                    fail(QStringLiteral("cannot listen on %1: %2")
                             .arg(where ? where->toString() : parser.value(listenOption), error)));
                return;
            }
            QTextStream(stderr) << "cape-agent: node " << context.hostname << " (" << context.nodeId
                                << "), agents served on " << where->toString() << '\n';
        }
        if (parser.isSet(metricsOption)) {
            observability = std::make_unique<cape::ObservabilityServer>(
                [&context] {
                    return cape::ObservabilityServer::Health{
                        !context.nodeId.isEmpty(), QJsonObject{{QStringLiteral("node"), context.hostname}}};
                },
                [] { return QByteArray(); });
            if (!observability->listen(parser.value(metricsOption), &error))
                QCoreApplication::exit(fail(error));
        }
    };
    client.info()->then(&app, [&](cape::DockerReply *reply) {
        if (reply->error()) {
            QCoreApplication::exit(
                fail(QStringLiteral("this node's engine: %1").arg(reply->error().toString())));
            return;
        }
        const QJsonObject info = reply->object();
        context.nodeId =
            info.value(QLatin1String("Swarm")).toObject().value(QLatin1String("NodeID")).toString();
        context.hostname = info.value(QLatin1String("Name")).toString();
        if (!parser.isSet(networkOption)) {
            begin({});
            return;
        }
        // This container's address on the overlay, from the engine itself.
        const QString network = parser.value(networkOption);
        client
            .send(cape::DockerRequest::get(
                QStringLiteral("/containers/%1/json").arg(QSysInfo::machineHostName())))
            ->then(&app, [&, network](cape::DockerReply *self) {
                const QJsonObject networks = self->object()
                                                 .value(QLatin1String("NetworkSettings"))
                                                 .toObject()
                                                 .value(QLatin1String("Networks"))
                                                 .toObject();
                QString address;
                for (auto it = networks.begin(); it != networks.end(); ++it) {
                    if (it.key() == network || it.key().endsWith(QLatin1Char('_') + network))
                        address = it.value().toObject().value(QLatin1String("IPAddress")).toString();
                }
                if (address.isEmpty()) {
                    QCoreApplication::exit(
                        fail(QStringLiteral("this container is not on the network %1: it serves the "
                                            "other agents only there")
                                 .arg(network)));
                    return;
                }
                begin(address);
            });
    });
    cape::UnixSignalWatcher unixSignals;
    QObject::connect(&unixSignals, &cape::UnixSignalWatcher::terminate, &app,
                     [](int) { QCoreApplication::exit(0); });
    return app.exec();
}
