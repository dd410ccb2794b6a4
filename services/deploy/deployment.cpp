#include "deployment.h"

namespace cape {

namespace {

QString isoOf(const QDateTime &time)
{
    return time.isValid() ? time.toUTC().toString(Qt::ISODateWithMs) : QString();
}

QDateTime timeOf(const QJsonValue &value)
{
    return QDateTime::fromString(value.toString(), Qt::ISODateWithMs);
}

constexpr Deployment::Status AllStatuses[] = {Deployment::Status::Queued,    Deployment::Status::Running,
                                              Deployment::Status::Succeeded, Deployment::Status::Unchanged,
                                              Deployment::Status::Failed,    Deployment::Status::RolledBack,
                                              Deployment::Status::Superseded};

} // namespace

QString Deployment::statusName(Status status)
{
    switch (status) {
    case Status::Queued:
        return QStringLiteral("queued");
    case Status::Running:
        return QStringLiteral("running");
    case Status::Succeeded:
        return QStringLiteral("succeeded");
    case Status::Unchanged:
        return QStringLiteral("unchanged");
    case Status::Failed:
        return QStringLiteral("failed");
    case Status::RolledBack:
        return QStringLiteral("rolled back");
    case Status::Superseded:
        return QStringLiteral("superseded");
    }
    return {};
}

bool Deployment::isFinished() const
{
    return status != Status::Queued && status != Status::Running;
}

qint64 Deployment::durationMs() const
{
    if (!startedAt.isValid())
        return 0;
    return startedAt.msecsTo(finishedAt.isValid() ? finishedAt : QDateTime::currentDateTimeUtc());
}

void Deployment::addLog(const QString &line)
{
    log << QStringLiteral("%1 %2").arg(
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("HH:mm:ss.zzz")), line);
}

QJsonObject Deployment::summary() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("repository"), repository},
            {QStringLiteral("trigger"), trigger},
            {QStringLiteral("ref"), ref},
            {QStringLiteral("rollbackOf"), rollbackOf},
            {QStringLiteral("commit"), commit},
            {QStringLiteral("status"), statusName(status)},
            {QStringLiteral("queuedAt"), isoOf(queuedAt)},
            {QStringLiteral("startedAt"), isoOf(startedAt)},
            {QStringLiteral("updateIssuedAt"), isoOf(updateIssuedAt)},
            {QStringLiteral("finishedAt"), isoOf(finishedAt)},
            {QStringLiteral("durationMs"), durationMs()},
            {QStringLiteral("error"), error}};
}

QJsonObject Deployment::toJson() const
{
    QJsonObject json = summary();
    json.insert(QStringLiteral("services"), services);
    json.insert(QStringLiteral("specs"), specs);
    json.insert(QStringLiteral("plan"), plan);
    json.insert(QStringLiteral("results"), results);
    json.insert(QStringLiteral("log"), QJsonArray::fromStringList(log));
    return json;
}

Deployment Deployment::fromJson(const QJsonObject &json)
{
    Deployment deployment;
    deployment.id = json[QLatin1String("id")].toString();
    deployment.repository = json[QLatin1String("repository")].toString();
    deployment.trigger = json[QLatin1String("trigger")].toString();
    deployment.ref = json[QLatin1String("ref")].toString();
    deployment.rollbackOf = json[QLatin1String("rollbackOf")].toString();
    deployment.commit = json[QLatin1String("commit")].toObject();
    for (const Status status : AllStatuses) {
        if (statusName(status) == json[QLatin1String("status")].toString())
            deployment.status = status;
    }
    deployment.queuedAt = timeOf(json[QLatin1String("queuedAt")]);
    deployment.startedAt = timeOf(json[QLatin1String("startedAt")]);
    deployment.updateIssuedAt = timeOf(json[QLatin1String("updateIssuedAt")]);
    deployment.finishedAt = timeOf(json[QLatin1String("finishedAt")]);
    deployment.services = json[QLatin1String("services")].toArray();
    deployment.specs = json[QLatin1String("specs")].toArray();
    deployment.plan = json[QLatin1String("plan")].toArray();
    deployment.results = json[QLatin1String("results")].toArray();
    deployment.error = json[QLatin1String("error")].toString();
    for (const QJsonValue &line : json[QLatin1String("log")].toArray())
        deployment.log << line.toString();
    return deployment;
}

} // namespace cape
