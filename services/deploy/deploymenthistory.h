#pragma once

#include "deployment.h"

#include <QHash>
#include <QList>
#include <QObject>
#include <QPointer>

#include <functional>

namespace cape {

class EventsourceClient;

// Every deployment cape-deployd has run: in memory for the API, and as
// events through the eventsource client (domain cape-deployd.deployment,
// pid the deployment's id, ppid its repository; each event's data the
// whole record as it stood), so that a restarted daemon, or anyone reading
// the eventsource, has the history. Without an eventsource, memory only.
class DeploymentHistory : public QObject
{
    Q_OBJECT

public:
    static constexpr auto Domain = "cape-deployd.deployment";
    static constexpr int KeptPerRepository = 500;

    explicit DeploymentHistory(EventsourceClient *eventsource = nullptr, QObject *parent = nullptr);

    // Stores the record as it stands now; the event is named after what happened ("deployment queued", …).
    void record(const Deployment &deployment, const QString &event);
    // The record as it stands, in memory only (a running deployment's log between events).
    void update(const Deployment &deployment);
    const Deployment *find(const QString &id) const;
    // Newest first; an empty repository: all.
    QList<Deployment> list(const QString &repository = {}, int limit = 100) const;
    // The newest deployment of the repository that left the swarm as its templates asked.
    const Deployment *lastApplied(const QString &repository) const;
    // Reads the repositories' past deployments back from the eventsource.
    void restore(const QStringList &repositories, std::function<void(const QString &error)> done);

    static QString newId(const QString &repository);

signals:
    void recorded(const QString &id);
    // Writing an event failed (the record stays in memory).
    void problem(const QString &message);

private:
    void keep(const Deployment &deployment);

    QPointer<EventsourceClient> m_eventsource;
    QHash<QString, Deployment> m_byId;
};

} // namespace cape
