#include "stackplan.h"

namespace cape {

QJsonObject StackPlan::find(const QList<QJsonObject> &objects, const QString &name)
{
    for (const QJsonObject &object : objects) {
        if (object.value(QLatin1String("Name")).toString() == name)
            return object;
    }
    return {};
}

QJsonObject StackPlan::labelled(const QString &stack, const QJsonObject &extra)
{
    QJsonObject labels = extra;
    labels.insert(QLatin1String(NamespaceLabel), stack);
    return labels;
}

} // namespace cape
