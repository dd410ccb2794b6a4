#include "noderecord.h"

#include "jsonpath.h"

namespace cape {

NodeRecord NodeRecord::fromJson(const QJsonObject &node)
{
    NodeRecord r;
    r.id = json::string(node, {"ID"});
    r.version = quint64(json::at(node, {"Version", "Index"}).toInteger());
    r.hostname = json::string(node, {"Description", "Hostname"});
    r.role = json::string(node, {"Spec", "Role"});
    const QJsonObject manager = json::object(node, {"ManagerStatus"});
    if (!manager.isEmpty())
        r.managerStatus = manager.value(QLatin1String("Leader")).toBool()
                              ? QStringLiteral("leader")
                              : manager.value(QLatin1String("Reachability")).toString();
    r.availability = json::string(node, {"Spec", "Availability"});
    r.state = json::string(node, {"Status", "State"});
    r.engineVersion = json::string(node, {"Description", "Engine", "EngineVersion"});
    r.address = json::string(node, {"Status", "Addr"});
    const QJsonObject platform = json::object(node, {"Description", "Platform"});
    r.platform = platform.value(QLatin1String("OS")).toString() + QLatin1Char('/')
                 + platform.value(QLatin1String("Architecture")).toString();
    r.cpus = double(json::at(node, {"Description", "Resources", "NanoCPUs"}).toInteger()) / 1e9;
    r.memoryBytes = json::at(node, {"Description", "Resources", "MemoryBytes"}).toInteger();
    const QJsonObject labels = json::object(node, {"Spec", "Labels"});
    for (auto it = labels.begin(); it != labels.end(); ++it)
        r.labels.insert(it.key(), it.value().toString());
    r.raw = node;
    return r;
}

} // namespace cape
