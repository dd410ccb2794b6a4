#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace cape {

// A swarm service as the views need it, decoded once from GET /services.
struct ServiceRecord
{
    QString id;
    quint64 version = 0;
    QString name;
    QString stack; // com.docker.stack.namespace
    QString mode;  // replicated | global | replicated-job | global-job
    QString image; // without the @sha256 digest
    int specReplicas = -1; // replicated: Spec.Mode.Replicated.Replicas; -1 otherwise
    QStringList ports;     // "*:8080->80/tcp", "8080->80/tcp (host)"
    QString updateState;   // UpdateStatus.State, "" when never updated
    QString updateMessage;
    QString updateStartedAt; // UpdateStatus.StartedAt: tells one update from the next
    qint64 createdMs = 0;
    qint64 updatedMs = 0;
    // ServiceStatus (GET /services?status=true): the engine's own counts,
    // used until the tasks are known.
    int statusRunning = -1;
    int statusDesired = -1;
    QJsonObject raw;

    QJsonObject spec() const { return raw.value(QLatin1String("Spec")).toObject(); }
    bool isGlobal() const { return mode.startsWith(QLatin1String("global")); }

    static ServiceRecord fromJson(const QJsonObject &service);
    // "web", "web:1.2" from "registry/web:1.2@sha256:…"
    static QString shortImage(const QString &image);
    static QStringList portsOf(const QJsonObject &service);
};

} // namespace cape
