#pragma once

#include <QJsonObject>
#include <QMap>
#include <QString>

namespace cape {

// A swarm node as the views need it, decoded once from GET /nodes.
struct NodeRecord
{
    QString id;
    quint64 version = 0; // Version.Index: a newer answer never loses to an older one
    QString hostname;
    QString role;          // manager | worker
    QString managerStatus; // leader | reachable | unreachable | "" for workers
    QString availability;  // active | pause | drain
    QString state;         // ready | down | unknown | disconnected
    QString engineVersion;
    QString address;
    QString platform; // "linux/x86_64"
    double cpus = 0;
    qint64 memoryBytes = 0;
    QMap<QString, QString> labels; // Spec.Labels, the ones users edit
    QJsonObject raw;

    bool isReady() const { return state == QLatin1String("ready"); }

    static NodeRecord fromJson(const QJsonObject &node);
};

} // namespace cape
