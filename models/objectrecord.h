#pragma once

#include <QJsonObject>
#include <QString>

namespace cape {

// A network, config or secret: few, small, shown as they come.
struct ObjectRecord
{
    QString id;
    quint64 version = 0; // 0 for networks, which carry no Version
    QString name;
    QJsonObject raw; // for a secret: its metadata only; the engine never returns the value

    static ObjectRecord fromJson(const QJsonObject &object);
};

} // namespace cape
