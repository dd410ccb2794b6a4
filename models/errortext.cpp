#include "errortext.h"

#include <QRegularExpression>

namespace cape {

QString ErrorText::innermost(const QString &message)
{
    // Each layer says what it was doing: the reader wants the cause.
    static const QRegularExpression layers(
        QStringLiteral(R"(^(API version negotiation failed: |cannot connect to \S+: ))"));
    QString text = message;
    while (true) {
        const auto match = layers.match(text);
        if (!match.hasMatch())
            break;
        text.remove(0, match.capturedLength());
    }
    if (text.endsWith(u'.'))
        text.chop(1);
    return text;
}

QString ErrorText::plain(const QString &message, const NameOf &nameOf)
{
    QString text = message.trimmed();
    // "rpc error: code = FailedPrecondition desc = node … is not down"
    static const QRegularExpression grpc(QStringLiteral(R"(^rpc error: code = \w+ desc = )"));
    text.remove(grpc);
    if (nameOf) {
        // Swarm IDs are 25 lowercase letters and digits (shown cut to 12).
        static const QRegularExpression id(QStringLiteral(R"(\b[a-z0-9]{12,64}\b)"));
        QString named;
        qsizetype from = 0;
        for (auto it = id.globalMatch(text); it.hasNext();) {
            const auto match = it.next();
            const QString name = nameOf(match.captured());
            if (name.isEmpty())
                continue;
            named += text.mid(from, match.capturedStart() - from) + name;
            from = match.capturedEnd();
        }
        text = named + text.mid(from);
    }
    if (!text.isEmpty())
        text[0] = text[0].toUpper();
    return text;
}

ErrorText ErrorText::of(const DockerError &error, const NameOf &nameOf)
{
    ErrorText result;
    result.details = error.toString();
    if (error.kind != DockerError::Kind::Http) {
        const QString where = error.endpoint.isEmpty() ? tr("the engine") : error.endpoint;
        const QString why = innermost(error.message);
        switch (error.kind) {
        case DockerError::Kind::Timeout:
            result.summary = tr("%1 did not answer in time: %2.").arg(where, why);
            break;
        case DockerError::Kind::Tls:
            result.summary = tr("The secure connection to %1 failed: %2.").arg(where, why);
            break;
        case DockerError::Kind::Protocol:
        case DockerError::Kind::Decode:
            result.summary = tr("%1 answered with something that is not the Engine API: %2.").arg(where, why);
            break;
        default:
            result.summary = tr("Cannot reach %1: %2.").arg(where, why);
        }
        return result;
    }
    const QString text = plain(error.message, nameOf);
    // The refusals operators meet most, with what to do about each.
    static const QRegularExpression notDown(QStringLiteral(R"(^Node (\S+) is not down and can't be removed)"),
                                            QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression manager(QStringLiteral(R"(^Node (\S+) is a cluster manager)"),
                                            QRegularExpression::CaseInsensitiveOption);
    if (const auto m = notDown.match(text); m.hasMatch()) {
        result.summary =
            tr("%1 is still up: make it leave the swarm first (“docker swarm leave” on it), or remove "
               "it by force.")
                .arg(m.captured(1));
    } else if (const auto m2 = manager.match(text); m2.hasMatch()) {
        result.summary =
            tr("%1 is a manager: demote it to a worker before you remove it.").arg(m2.captured(1));
    } else if (text.contains(QLatin1String("update out of sequence"))) {
        result.summary = tr("Someone changed it at the same moment: look at it again and retry.");
    } else if (error.httpStatus == 404) {
        result.summary = tr("It no longer exists: %1").arg(text);
    } else if (error.httpStatus == 409) {
        result.summary = tr("The swarm refused it: %1").arg(text);
    } else {
        result.summary = tr("The engine refused it: %1").arg(text);
    }
    return result;
}

} // namespace cape
