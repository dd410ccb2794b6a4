#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QLatin1StringView>

#include <initializer_list>

namespace cape::json {

// The value at a path of keys, or Undefined when any step is missing:
// at(task, {"Status", "ContainerStatus", "ExitCode"}).
inline QJsonValue at(const QJsonObject &object, std::initializer_list<const char *> path)
{
    QJsonValue value = object;
    for (const char *key : path) {
        if (!value.isObject())
            return QJsonValue::Undefined;
        value = value.toObject().value(QLatin1StringView(key));
    }
    return value;
}

inline QString string(const QJsonObject &object, std::initializer_list<const char *> path)
{
    return at(object, path).toString();
}

inline QJsonObject object(const QJsonObject &object, std::initializer_list<const char *> path)
{
    return at(object, path).toObject();
}

// Docker's RFC 3339 times ("2026-11-25T10:00:00.123456789Z") in ms since
// the epoch; 0 for a missing value or Go's zero time.
qint64 timeMs(const QJsonValue &value);

} // namespace cape::json
