#include "statecolors.h"

#include <QSet>

namespace cape {

QString StateColors::severity(const QString &state)
{
    static const QSet<QString> good{QStringLiteral("running"),  QStringLiteral("ready"),
                                    QStringLiteral("active"),   QStringLiteral("converged"),
                                    QStringLiteral("leader"),   QStringLiteral("reachable"),
                                    QStringLiteral("complete"), QStringLiteral("completed"),
                                    QStringLiteral("healthy"),  QStringLiteral("valid")};
    static const QSet<QString> warn{QStringLiteral("new"),
                                    QStringLiteral("pending"),
                                    QStringLiteral("assigned"),
                                    QStringLiteral("accepted"),
                                    QStringLiteral("preparing"),
                                    QStringLiteral("ready-task"),
                                    QStringLiteral("starting"),
                                    QStringLiteral("updating"),
                                    QStringLiteral("degraded"),
                                    QStringLiteral("pause"),
                                    QStringLiteral("paused"),
                                    QStringLiteral("drain"),
                                    QStringLiteral("rollback_started"),
                                    QStringLiteral("unknown"),
                                    QStringLiteral("allocated"),
                                    QStringLiteral("expiring"),
                                    QStringLiteral("not yet valid")};
    static const QSet<QString> bad{
        QStringLiteral("failed"),      QStringLiteral("rejected"), QStringLiteral("down"),
        QStringLiteral("unreachable"), QStringLiteral("orphaned"), QStringLiteral("disconnected"),
        QStringLiteral("unhealthy"),   QStringLiteral("die"),      QStringLiteral("oom"),
        QStringLiteral("kill"),        QStringLiteral("critical"), QStringLiteral("expired")};
    if (good.contains(state))
        return QStringLiteral("good");
    if (warn.contains(state))
        return QStringLiteral("warn");
    if (bad.contains(state))
        return QStringLiteral("bad");
    return QStringLiteral("idle");
}

QColor StateColors::of(const QString &state)
{
    const QString s = severity(state);
    if (s == QLatin1String("good"))
        return QColor(0x2e, 0xa0, 0x43);
    if (s == QLatin1String("warn"))
        return QColor(0xd2, 0x99, 0x22);
    if (s == QLatin1String("bad"))
        return QColor(0xd1, 0x3b, 0x3b);
    return QColor(0x8b, 0x94, 0x9e);
}

} // namespace cape
