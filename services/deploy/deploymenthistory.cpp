#include "deploymenthistory.h"

#include "services/eventsource/eventsourceclient.h"

#include <QRandomGenerator>

#include <algorithm>

namespace cape {

DeploymentHistory::DeploymentHistory(EventsourceClient *eventsource, QObject *parent)
    : QObject(parent)
    , m_eventsource(eventsource)
{}

QString DeploymentHistory::newId(const QString &repository)
{
    // Sorts by time, unique without coordination, and says whose it is.
    return QStringLiteral("%1-%2-%3")
        .arg(repository, QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'HHmmsszzz")))
        .arg(QRandomGenerator::global()->bounded(0x10000), 4, 16, QLatin1Char('0'));
}

void DeploymentHistory::keep(const Deployment &deployment)
{
    m_byId.insert(deployment.id, deployment);
    // Bounded: the oldest finished ones of the repository go first (the eventsource keeps them).
    QList<Deployment> ofRepository = list(deployment.repository, -1);
    for (qsizetype i = ofRepository.size() - 1; i >= KeptPerRepository; --i) {
        if (ofRepository.at(i).isFinished())
            m_byId.remove(ofRepository.at(i).id);
    }
}

void DeploymentHistory::record(const Deployment &deployment, const QString &event)
{
    keep(deployment);
    emit recorded(deployment.id);
    if (!m_eventsource)
        return;
    EventsourceClient::Input input;
    input.domain = QLatin1String(Domain);
    input.pid = deployment.id;
    input.ppid = deployment.repository;
    input.name = event;
    input.data = deployment.toJson();
    m_eventsource->write(input, [this, id = deployment.id, event](const QString &, const QString &error) {
        if (!error.isEmpty())
            emit problem(
                QStringLiteral("cannot record \"%1\" of %2 in the eventsource: %3").arg(event, id, error));
    });
}

void DeploymentHistory::update(const Deployment &deployment)
{
    m_byId.insert(deployment.id, deployment);
}

const Deployment *DeploymentHistory::find(const QString &id) const
{
    const auto found = m_byId.constFind(id);
    return found == m_byId.constEnd() ? nullptr : &found.value();
}

QList<Deployment> DeploymentHistory::list(const QString &repository, int limit) const
{
    QList<Deployment> found;
    for (const Deployment &deployment : m_byId) {
        if (repository.isEmpty() || deployment.repository == repository)
            found << deployment;
    }
    std::sort(found.begin(), found.end(), [](const Deployment &a, const Deployment &b) {
        return a.queuedAt != b.queuedAt ? a.queuedAt > b.queuedAt : a.id > b.id;
    });
    if (limit >= 0 && found.size() > limit)
        found.resize(limit);
    return found;
}

const Deployment *DeploymentHistory::lastApplied(const QString &repository) const
{
    for (const Deployment &deployment : list(repository, -1)) {
        if (deployment.status == Deployment::Status::Succeeded ||
            deployment.status == Deployment::Status::Unchanged)
            return find(deployment.id);
    }
    return nullptr;
}

void DeploymentHistory::restore(const QStringList &repositories,
                                std::function<void(const QString &error)> done)
{
    if (!m_eventsource || repositories.isEmpty()) {
        done({});
        return;
    }
    auto remaining = std::make_shared<int>(int(repositories.size()));
    auto errors = std::make_shared<QStringList>();
    for (const QString &repository : repositories) {
        m_eventsource->readEventlog(
            EventsourceClient::Index::DomainAndPpid, QLatin1String(Domain), repository,
            [this, remaining, errors, done, repository](const QList<EventsourceClient::Event> &events,
                                                        const QString &error) {
                if (!error.isEmpty())
                    *errors << QStringLiteral("%1: %2").arg(repository, error);
                // Oldest first: the last event of each deployment is its record as it ended.
                QHash<QString, QJsonObject> last;
                for (const EventsourceClient::Event &event : events)
                    last.insert(event.pid, event.data.toObject());
                for (const QJsonObject &json : std::as_const(last)) {
                    Deployment deployment = Deployment::fromJson(json);
                    if (deployment.id.isEmpty() || m_byId.contains(deployment.id))
                        continue;
                    if (!deployment.isFinished()) { // the daemon stopped while it ran
                        deployment.status = Deployment::Status::Failed;
                        deployment.error =
                            QStringLiteral("cape-deployd stopped before this deployment ended");
                    }
                    keep(deployment);
                }
                if (--*remaining == 0)
                    done(errors->join(QStringLiteral("; ")));
            });
    }
}

} // namespace cape
