#pragma once

#include "stackplan.h"

#include "services/docker/dockerclient.h"

#include <QHash>
#include <QObject>
#include <QPointer>

#include <functional>

namespace cape {

// Carries out a StackPlan on a swarm manager as `docker stack deploy` does:
// creates the networks, secrets and configs that do not exist yet, then
// creates the services that are missing and updates those that exist (same
// ID, whole spec replaced). remove() undoes a stack by its label. One run at
// a time, asynchronous only: progress() reports each step as it starts,
// finished() ends every run.
class StackDeployer : public QObject
{
    Q_OBJECT

public:
    explicit StackDeployer(QObject *parent = nullptr);
    ~StackDeployer() override;

    void deploy(DockerClient *client, const StackPlan &plan);
    // Services first, then networks, secrets and configs carrying
    // com.docker.stack.namespace=<stack>.
    void remove(DockerClient *client, const QString &stack);

    // deploy() also removes the stack's services that the plan no longer has
    // (docker stack deploy --prune). Off by default.
    void setPrune(bool prune) { m_prune = prune; }
    bool prune() const { return m_prune; }

    bool isRunning() const { return m_running; }

    // What lists a stack's objects: label com.docker.stack.namespace=<stack>.
    static DockerClient::Filters stackFilter(const QString &stack);

signals:
    void progress(const QString &line);
    void finished(bool ok, const QString &error);

private:
    using Step = std::function<void()>;
    using Handler = std::function<void(DockerReply *)>;

    bool start(DockerClient *client);
    void next();
    void insertNext(const QList<Step> &steps);
    void fail(const QString &message);
    // Runs handler on the reply unless the call failed; then fails the run
    // with "<what>: <the engine's error>".
    void call(DockerReply *reply, const QString &what, Handler handler);

    void checkNetworks(const QJsonArray &existing);
    void checkBlobs(const QJsonArray &existing, bool secrets);
    void applyServices(const QJsonArray &existing);
    QJsonObject withIds(QJsonObject spec) const;
    void removeAll(const QJsonArray &objects, const QString &kind);
    void removeOne(const QString &kind, const QString &id, const QString &name, int attemptsLeft);

    QPointer<DockerClient> m_client;
    StackPlan m_plan;
    QString m_stack;
    bool m_running = false;
    bool m_prune = false;
    int m_removed = 0;
    QList<Step> m_steps;
    QHash<QString, QString> m_secretIds; // by name
    QHash<QString, QString> m_configIds;
};

} // namespace cape
