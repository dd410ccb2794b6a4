#include "objectrecord.h"

#include "jsonpath.h"

namespace cape {

ObjectRecord ObjectRecord::fromJson(const QJsonObject &object)
{
    ObjectRecord r;
    // Networks spell it Id and Name; configs and secrets ID and Spec.Name.
    r.id = object.contains(QLatin1String("ID")) ? json::string(object, {"ID"}) : json::string(object, {"Id"});
    r.version = quint64(json::at(object, {"Version", "Index"}).toInteger());
    r.name = object.contains(QLatin1String("Name")) ? json::string(object, {"Name"}) : json::string(object, {"Spec", "Name"});
    r.raw = object;
    return r;
}

} // namespace cape
