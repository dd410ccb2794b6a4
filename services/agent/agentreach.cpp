#include "agentreach.h"

#include "agentexec.h"

#include "services/docker/dockerchannel.h"
#include "services/docker/dockerclient.h"

#include <QJsonArray>
#include <QPointer>
#include <QTimer>

namespace cape {

std::shared_ptr<AgentReach> AgentReach::make(const DockerEndpoint &manager, const QString &agentService)
{
    // Deleted by the event loop: the last tunnel may let go of it from
    // inside one of its own client's signals.
    return std::shared_ptr<AgentReach>(new AgentReach(manager, agentService),
                                       [](AgentReach *reach) { reach->deleteLater(); });
}

AgentReach::AgentReach(const DockerEndpoint &manager, QString agentService)
    : m_endpoint(manager)
    , m_service(std::move(agentService))
    , m_client(new DockerClient(manager, this))
{}

DockerChannel *AgentReach::open()
{
    auto *channel = new DockerChannel;
    if (!m_containerId.isEmpty()) {
        QTimer::singleShot(0, channel, [this, channel] { startExec(channel); });
        return channel;
    }
    // The agent's task on this engine's node, running.
    DockerClient::Filters filters;
    filters.insert(QStringLiteral("label"), {QStringLiteral("com.docker.swarm.service.name=") + m_service});
    filters.insert(QStringLiteral("status"), {QStringLiteral("running")});
    const QPointer<DockerChannel> guard(channel);
    m_client->listContainers(false, filters)->then(this, [this, guard](DockerReply *reply) {
        if (!guard)
            return;
        DockerError error = reply->error();
        const QJsonArray containers = reply->array();
        if (!error && containers.isEmpty()) {
            error.kind = DockerError::Kind::Connection;
            error.message = QStringLiteral("no task of %1 runs on the manager %2: is cape-agent installed "
                                           "(the Daemons view), and is its task there running?")
                                .arg(m_service, m_endpoint.toString());
        }
        if (error) {
            guard->fail(error);
            return;
        }
        m_containerId = containers.first().toObject().value(QLatin1String("Id")).toString();
        startExec(guard);
    });
    return channel;
}

void AgentReach::startExec(DockerChannel *channel)
{
    auto *exec = new AgentExec(m_client, m_containerId, m_endpoint.toString(), channel);
    connect(exec, &AgentExec::containerGone, this, [this, id = m_containerId] {
        if (m_containerId == id)
            m_containerId.clear();
    });
    exec->start();
}

} // namespace cape
