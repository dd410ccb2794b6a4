#include "managercheck.h"

#include <QJsonArray>

namespace cape {

ManagerCheck ManagerCheck::ofInfo(const QJsonObject &info, const QString &endpoint)
{
    ManagerCheck check;
    if (!info.contains(QLatin1String("ServerVersion")) || !info.contains(QLatin1String("ID"))) {
        check.verdict = Verdict::NotAnEngine;
        check.message =
            tr("%1 is not a Docker engine: its /info answer has no engine ID or version.").arg(endpoint);
        return check;
    }
    const QJsonObject swarm = info.value(QLatin1String("Swarm")).toObject();
    const QString state = swarm.value(QLatin1String("LocalNodeState")).toString();
    const QString name = info.value(QLatin1String("Name")).toString();
    if (state == QLatin1String("locked")) {
        check.verdict = Verdict::NoSwarm;
        check.message =
            tr("The swarm manager %1 (%2) is locked: unlock it with “docker swarm unlock” on that node.")
                .arg(name, endpoint);
        return check;
    }
    if (state != QLatin1String("active")) {
        check.verdict = Verdict::NoSwarm;
        const QString error = swarm.value(QLatin1String("Error")).toString();
        check.message =
            state == QLatin1String("pending")
                ? tr("%1 (%2) is still joining a swarm.").arg(name, endpoint)
                : tr("%1 (%2) is a Docker engine in no swarm: create one with “docker swarm init”, "
                     "or connect to a manager of an existing swarm.")
                      .arg(name, endpoint);
        if (!error.isEmpty())
            check.message += QLatin1Char(' ') + tr("The engine says: %1").arg(error);
        return check;
    }
    if (!swarm.value(QLatin1String("ControlAvailable")).toBool()) {
        check.verdict = Verdict::Worker;
        QStringList managers;
        for (const QJsonValue &manager : swarm.value(QLatin1String("RemoteManagers")).toArray())
            managers << manager.toObject().value(QLatin1String("Addr")).toString().section(u':', 0, 0);
        managers.removeAll(QString());
        check.message =
            tr("%1 (%2) is a worker, not a swarm manager: only managers know the cluster's state.")
                .arg(name, endpoint);
        if (!managers.isEmpty())
            check.message += QLatin1Char(' ') +
                             tr("Connect to a manager instead: %1.").arg(managers.join(QLatin1String(", ")));
        return check;
    }
    check.verdict = Verdict::Manager;
    return check;
}

ManagerCheck ManagerCheck::ofError(const DockerError &error, const QString &endpoint, bool handshake)
{
    ManagerCheck check;
    // An HTTP server that is not an engine answers /_ping with a 404 (or
    // 405); anything else with bytes that are not HTTP, or not JSON.
    const bool foreign = error.kind == DockerError::Kind::Protocol ||
                         error.kind == DockerError::Kind::Decode ||
                         (handshake && error.kind == DockerError::Kind::Http &&
                          (error.httpStatus == 404 || error.httpStatus == 405));
    if (foreign) {
        check.verdict = Verdict::NotAnEngine;
        check.message = tr("%1 answers, but not as a Docker engine (%2).").arg(endpoint, error.message);
        return check;
    }
    check.verdict = Verdict::Unreachable;
    check.message = error.message;
    return check;
}

} // namespace cape
