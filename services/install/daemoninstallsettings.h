#pragma once

#include <QString>
#include <QStringList>

namespace cape {

// What the install wizard asks: which daemons, their Redis, ports,
// cape-deployd's first repository and the agents' token. Turned into packaging/stack.yml's
// variables and configuration documents by DaemonStackBuilder.
struct DaemonInstallSettings
{
    static constexpr auto StackName = "cape";
    static constexpr auto ImageName = "cape-daemons";
    // The node label cape-proxyd's global service is placed by.
    static constexpr auto IngressLabel = "cape.ingress";

    bool proxy = true;
    bool eventsource = true;
    bool deploy = true;
    // cape-agent on every node: the desktop reaches each node's engine
    // through the manager alone (docs/agent.md).
    bool agent = true;

    // A Redis of the stack's own, or one that exists (host:port as the
    // daemons reach it, from inside the swarm).
    bool newRedis = true;
    QString redisImage = QStringLiteral("redis:7-alpine");
    int redisPort = 6379;
    QString existingRedis;

    QString version = QStringLiteral(CAPE_VERSION_STRING);
    int httpPort = 80;
    int httpsPort = 443;
    QStringList ingressNodes; // node IDs labelled cape.ingress=true for cape-proxyd

    int deploydPort = 9470;
    QString dockerSocket = QStringLiteral("/var/run/docker.sock");
    QString apiToken;
    // Optional: the repository cape-deployd watches from the start.
    QString repositoryName;
    QString repositoryUrl;
    QString branch = QStringLiteral("main");
    QString webhookSecret;

    // The agents' shared token (a swarm secret), and each node's Docker
    // socket for them (a service template may differ per node).
    QString agentToken;
    QString agentDockerSocket = QStringLiteral("/var/run/docker.sock");

    QString image() const { return QLatin1String(ImageName) + QLatin1Char(':') + version; }
    bool needsRedis() const { return eventsource || deploy; }
};

} // namespace cape
