#include "agentpolicy.h"

#include <QRegularExpression>

namespace cape {

QString AgentPolicy::unversioned(const QString &path)
{
    static const QRegularExpression version(QStringLiteral(R"(^/v\d+\.\d+(?=/))"));
    QString rest = path;
    rest.remove(version);
    return rest;
}

AgentPolicy::Decision AgentPolicy::decide(const QByteArray &method, const QString &path)
{
    Decision decision;
    const QString route = unversioned(path);
    // Container and exec IDs or names; nothing that could climb out of the path.
    static const QRegularExpression id(QStringLiteral(R"([A-Za-z0-9][A-Za-z0-9_.-]{0,127})"));
    const auto matches = [&route](const QString &pattern) {
        return QRegularExpression(QRegularExpression::anchoredPattern(pattern)).match(route).hasMatch();
    };
    const QString idPattern = id.pattern();
    const bool get = method == "GET" || method == "HEAD";
    if (route.contains(QLatin1String("..")) || route.contains(u'%')) {
        decision.reason =
            QStringLiteral("%1 %2: not a path cape-agent serves").arg(QString::fromLatin1(method), path);
        return decision;
    }
    if (get && (route == QLatin1String("/_ping") || route == QLatin1String("/version") ||
                route == QLatin1String("/info"))) {
        decision.kind = Kind::Engine;
    } else if (get && (route == QLatin1String("/containers/json") || route == QLatin1String("/events"))) {
        decision.kind = Kind::Engine;
        decision.canFanOut = true;
    } else if (get && matches(QStringLiteral("/containers/%1/(json|stats|logs|top)").arg(idPattern))) {
        decision.kind = Kind::Engine;
    } else if (method == "POST" && matches(QStringLiteral("/containers/%1/exec").arg(idPattern))) {
        decision.kind = Kind::Engine;
    } else if (method == "POST" && matches(QStringLiteral("/exec/%1/start").arg(idPattern))) {
        decision.kind = Kind::EngineHijack;
    } else if ((method == "POST" && matches(QStringLiteral("/exec/%1/resize").arg(idPattern))) ||
               (get && matches(QStringLiteral("/exec/%1/json").arg(idPattern)))) {
        decision.kind = Kind::Engine;
    } else if (get && (route == QLatin1String("/cape/agent") || route == QLatin1String("/cape/nodes"))) {
        decision.kind = Kind::Self;
    } else {
        decision.reason =
            QStringLiteral("%1 %2 is not one of the calls cape-agent forwards: it reads containers, "
                           "their stats, logs and events, and runs exec; it never creates, removes or "
                           "changes anything")
                .arg(QString::fromLatin1(method), path);
    }
    return decision;
}

} // namespace cape
