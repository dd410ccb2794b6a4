#include "deploymentplan.h"

#include "services/swarm/serviceupdatewatcher.h"
#include "servicespecbuilder.h"

#include <QSet>

namespace cape {

QString DeploymentPlan::actionName(Action action)
{
    switch (action) {
    case Action::Create:
        return QStringLiteral("create");
    case Action::Update:
        return QStringLiteral("update");
    case Action::Unchanged:
        return QStringLiteral("unchanged");
    case Action::Remove:
        return QStringLiteral("remove");
    }
    return {};
}

QJsonObject DeploymentPlan::Service::toJson() const
{
    QJsonArray fields;
    for (const SpecDiff::Change &change : changes)
        fields << QJsonObject{{QStringLiteral("path"), change.path},
                              {QStringLiteral("before"), change.before},
                              {QStringLiteral("after"), change.after}};
    return {{QStringLiteral("name"), name},
            {QStringLiteral("action"), actionName(action)},
            {QStringLiteral("id"), id},
            {QStringLiteral("changes"), fields},
            {QStringLiteral("spec"), action == Action::Remove ? running : desired}};
}

DeploymentPlan DeploymentPlan::make(const QList<QJsonObject> &desired, const QJsonArray &running,
                                    const QString &repository, bool prune, QStringList *errors)
{
    DeploymentPlan plan;
    QHash<QString, QJsonObject> byName;
    for (const QJsonValue &service : running)
        byName.insert(service[QLatin1String("Spec")][QLatin1String("Name")].toString(), service.toObject());
    QSet<QString> described;
    for (const QJsonObject &spec : desired) {
        Service service;
        service.name = spec[QLatin1String("Name")].toString();
        service.desired = spec;
        described.insert(service.name);
        const auto found = byName.constFind(service.name);
        if (found == byName.constEnd()) {
            service.action = Action::Create;
            plan.services << service;
            continue;
        }
        service.id = found->value(QLatin1String("ID")).toString();
        service.running = found->value(QLatin1String("Spec")).toObject();
        service.previousStart = ServiceUpdateWatcher::updateStartedAt(*found);
        const QString owner =
            service.running[QLatin1String("Labels")][QLatin1String(ServiceSpecBuilder::RepositoryLabel)]
                .toString();
        if (!owner.isEmpty() && owner != repository) {
            *errors << QStringLiteral("service \"%1\" belongs to repository \"%2\": not taken over")
                           .arg(service.name, owner);
            continue;
        }
        service.changes = SpecDiff::between(service.running, spec);
        service.action = service.changes.isEmpty() ? Action::Unchanged : Action::Update;
        plan.services << service;
    }
    if (prune) {
        for (const QJsonObject &service : std::as_const(byName)) {
            const QJsonObject spec = service[QLatin1String("Spec")].toObject();
            if (spec[QLatin1String("Labels")][QLatin1String(ServiceSpecBuilder::RepositoryLabel)]
                        .toString() != repository ||
                described.contains(spec[QLatin1String("Name")].toString()))
                continue;
            plan.services << Service{Action::Remove,
                                     spec[QLatin1String("Name")].toString(),
                                     service[QLatin1String("ID")].toString(),
                                     {},
                                     spec,
                                     {},
                                     {}};
        }
    }
    return plan;
}

bool DeploymentPlan::hasWork() const
{
    for (const Service &service : services) {
        if (service.action != Action::Unchanged)
            return true;
    }
    return false;
}

QJsonArray DeploymentPlan::toJson() const
{
    QJsonArray array;
    for (const Service &service : services)
        array << service.toJson();
    return array;
}

} // namespace cape
