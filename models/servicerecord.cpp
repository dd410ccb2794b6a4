#include "servicerecord.h"

#include "jsonpath.h"

#include <QJsonArray>

namespace cape {

ServiceRecord ServiceRecord::fromJson(const QJsonObject &service)
{
    ServiceRecord r;
    r.id = json::string(service, {"ID"});
    r.version = quint64(json::at(service, {"Version", "Index"}).toInteger());
    const QJsonObject spec = service.value(QLatin1String("Spec")).toObject();
    r.name = spec.value(QLatin1String("Name")).toString();
    r.stack = json::string(spec, {"Labels", "com.docker.stack.namespace"});
    const QJsonObject mode = spec.value(QLatin1String("Mode")).toObject();
    if (mode.contains(QLatin1String("Global"))) {
        r.mode = QStringLiteral("global");
    } else if (mode.contains(QLatin1String("ReplicatedJob"))) {
        r.mode = QStringLiteral("replicated-job");
    } else if (mode.contains(QLatin1String("GlobalJob"))) {
        r.mode = QStringLiteral("global-job");
    } else {
        r.mode = QStringLiteral("replicated");
        r.specReplicas = json::at(mode, {"Replicated", "Replicas"}).toInt(1);
    }
    r.image = shortImage(json::string(spec, {"TaskTemplate", "ContainerSpec", "Image"}));
    r.ports = portsOf(service);
    r.updateState = json::string(service, {"UpdateStatus", "State"});
    r.updateMessage = json::string(service, {"UpdateStatus", "Message"});
    r.updateStartedAt = json::string(service, {"UpdateStatus", "StartedAt"});
    r.createdMs = json::timeMs(service.value(QLatin1String("CreatedAt")));
    r.updatedMs = json::timeMs(service.value(QLatin1String("UpdatedAt")));
    const QJsonObject status = service.value(QLatin1String("ServiceStatus")).toObject();
    if (!status.isEmpty()) {
        r.statusRunning = status.value(QLatin1String("RunningTasks")).toInt();
        r.statusDesired = status.value(QLatin1String("DesiredTasks")).toInt();
    }
    r.raw = service;
    return r;
}

QString ServiceRecord::shortImage(const QString &image)
{
    const qsizetype at = image.indexOf(QLatin1Char('@'));
    return at < 0 ? image : image.left(at);
}

QStringList ServiceRecord::portsOf(const QJsonObject &service)
{
    // Endpoint.Ports is what the swarm allocated; the spec is the fallback
    // while the service is being created.
    QJsonArray ports = json::at(service, {"Endpoint", "Ports"}).toArray();
    if (ports.isEmpty())
        ports = json::at(service, {"Spec", "EndpointSpec", "Ports"}).toArray();
    QStringList out;
    for (const QJsonValue &value : std::as_const(ports)) {
        const QJsonObject port = value.toObject();
        const int published = port.value(QLatin1String("PublishedPort")).toInt();
        const int target = port.value(QLatin1String("TargetPort")).toInt();
        const QString protocol = port.value(QLatin1String("Protocol")).toString(QStringLiteral("tcp"));
        const bool host = port.value(QLatin1String("PublishMode")).toString() == QLatin1String("host");
        QString text = published ? QStringLiteral("%1->%2/%3").arg(published).arg(target).arg(protocol)
                                 : QStringLiteral("%1/%2").arg(target).arg(protocol);
        out << (host ? text + QStringLiteral(" (host)") : QStringLiteral("*:") + text);
    }
    return out;
}

} // namespace cape
