#pragma once

#include "services/swarm/stackplan.h"
#include "services/swarm/swarmoperation.h"

#include <QElapsedTimer>
#include <QStringList>

namespace cape {

class DockerClient;

// Installs, upgrades and uninstalls Cape's daemons as the stack "cape",
// leaving the cluster as it was found when uninstalled: what install
// created (the stack's services, network, configs and secrets, the ingress
// labels it added to nodes) and the route documents published to its proxy
// since, nothing else. One operation at a time; finished() ends each.
class DaemonInstaller : public SwarmOperation
{
    Q_OBJECT

public:
    // On the stack's services: the nodes install labelled, for uninstall.
    static constexpr auto LabelledNodesLabel = "cape.install.labelled-nodes";

    explicit DaemonInstaller(DockerClient *client, QObject *parent = nullptr);

    // Labels the ingress nodes (those that lack the label), deploys the
    // plan, then waits until every service runs all its tasks healthy.
    void install(const StackPlan &plan, const QStringList &ingressNodes);
    // A rolling update of every daemon to cape-daemons:<version> (the image
    // must be on the nodes), each followed until the engine completes it.
    void upgrade(const QString &version);
    void uninstall();

    void setHealthTimeout(int ms) { m_healthTimeoutMs = ms; }
    bool isRunning() const { return m_running; }

private:
    void begin();
    void end(bool ok, const QString &message);
    void labelNodes(QStringList nodes, QStringList added, std::function<void(const QStringList &)> then);
    void deploy(StackPlan plan, QStringList labelledNodes);
    void undoFailedInstall(const QString &error, const QStringList &labelledNodes);
    void waitHealthy();
    void reportUnhealthy(const QJsonArray &services);
    void upgradeNext(QList<QJsonObject> services, const QString &image);
    void removeEverything(const QJsonArray &services, const QJsonArray &configs);
    void unlabelNodes(QStringList nodes, std::function<void()> then);
    void removeConfigs(QStringList ids, int attemptsLeft);
    void waitUntilGone(int attemptsLeft);

    DockerClient *m_client;
    bool m_running = false;
    int m_healthTimeoutMs = 300000;
    QElapsedTimer m_waiting;
};

} // namespace cape
