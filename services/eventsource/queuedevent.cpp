#include "queuedevent.h"

#include "jsontext.h"

#include <QDateTime>
#include <QHash>
#include <QJsonValue>
#include <QTimeZone>

#include <cmath>

namespace cape {

namespace {

// The schema's string type: numbers and booleans become strings.
std::optional<QString> stringOf(const QJsonValue &value, const QByteArray &raw)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    if (value.isDouble())
        return QString::fromUtf8(raw.trimmed());
    return std::nullopt;
}

// JavaScript's truthiness, for broadcast.
bool truthy(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Bool:
        return value.toBool();
    case QJsonValue::Double:
        return value.toDouble() != 0 && !std::isnan(value.toDouble());
    case QJsonValue::String:
        return !value.toString().isEmpty();
    case QJsonValue::Array:
    case QJsonValue::Object:
        return true;
    default:
        return false;
    }
}

} // namespace

QueuedEvent QueuedEvent::fromFields(const Fields &fields, qint64 nowMs)
{
    QueuedEvent event;
    QHash<QByteArray, std::pair<QJsonValue, QByteArray>> values;
    for (const auto &[name, raw] : fields) {
        const auto value = JsonText::parseValue(raw);
        if (!value) {
            event.m_error = QStringLiteral("field %1 is not JSON: %2")
                                .arg(QString::fromUtf8(name), QString::fromUtf8(raw.left(80)));
            return event;
        }
        values.insert(name, {*value, raw});
    }
    const auto text = [&](const char *field, bool required, QString *out) {
        const auto it = values.constFind(field);
        if (it == values.cend() || it->first.isNull() || it->first.isUndefined()) {
            if (required)
                event.m_error = QStringLiteral("the event has no %1").arg(QLatin1StringView(field));
            return !required;
        }
        const auto string = stringOf(it->first, it->second);
        if (!string || (string->isEmpty())) {
            event.m_error = QStringLiteral("%1 must be a non-empty string, not %2")
                                .arg(QLatin1StringView(field), QString::fromUtf8(it->second.left(80)));
            return false;
        }
        *out = *string;
        return true;
    };
    QString rid;
    if (!text("domain", true, &event.m_domain) || !text("pid", true, &event.m_pid) ||
        !text("name", true, &event.m_name) || !text("ppid", false, &event.m_ppid) ||
        !text("rid", false, &rid))
        return event;

    // The reference fills a missing timestamp with now, and stores Date.toJSON().
    const auto timestamp = values.value("timestamp");
    if (timestamp.first.isNull() || timestamp.first.isUndefined() ||
        (timestamp.first.isString() && timestamp.first.toString().isEmpty())) {
        event.m_timestampMs = nowMs;
    } else {
        std::optional<qint64> ms;
        if (timestamp.first.isString())
            ms = parseTimestamp(timestamp.first.toString());
        else if (timestamp.first.isDouble() && std::isfinite(timestamp.first.toDouble()))
            ms = qint64(timestamp.first.toDouble());
        if (!ms) {
            event.m_error = QStringLiteral("timestamp %1 is not a date")
                                .arg(QString::fromUtf8(timestamp.second.left(80)));
            return event;
        }
        event.m_timestampMs = *ms;
    }

    // data: any JSON; a string holding JSON is read as that JSON; "" is {}.
    QByteArray data = QByteArrayLiteral("{}");
    if (const auto it = values.constFind("data"); it != values.cend() && !it->first.isUndefined()) {
        data = it->second.trimmed();
        if (it->first.isString()) {
            const QByteArray inner = it->first.toString().toUtf8();
            if (inner.isEmpty())
                data = QByteArrayLiteral("{}");
            else if (JsonText::parseValue(inner))
                data = inner.trimmed();
        } else if (it->first.isNull()) {
            data = QByteArrayLiteral("null");
        }
    }
    if (const auto it = values.constFind("broadcast"); it != values.cend() && !it->first.isUndefined())
        event.m_broadcast = truthy(it->first);

    const auto nullable = [](const QString &s) {
        return s.isEmpty() ? QByteArrayLiteral("null") : JsonText::quote(s);
    };
    // The schema's fields in the order its composer writes them: the query
    // schema's own (data) before those it extends (process-meta).
    event.m_queueFields = {{"data", data},
                           {"rid", nullable(rid)},
                           {"timestamp", '"' + isoTimestamp(event.m_timestampMs) + '"'},
                           {"domain", JsonText::quote(event.m_domain)},
                           {"pid", JsonText::quote(event.m_pid)},
                           {"ppid", nullable(event.m_ppid)},
                           {"name", JsonText::quote(event.m_name)}};
    event.m_json = "{";
    for (const auto &[name, value] : std::as_const(event.m_queueFields)) {
        if (event.m_json.size() > 1)
            event.m_json += ',';
        event.m_json += '"' + name + "\":" + value;
    }
    event.m_json += '}';
    return event;
}

std::optional<QueuedEvent::Fields> QueuedEvent::fieldsOfJson(const QByteArray &json, QString *error)
{
    const auto members = JsonText::objectMembers(json);
    if (!members) {
        *error = QStringLiteral("not a JSON object: %1").arg(QString::fromUtf8(json.left(80)));
        return std::nullopt;
    }
    Fields fields;
    for (const auto &[name, raw] : *members)
        fields.append({name.toUtf8(), raw});
    return fields;
}

QByteArray QueuedEvent::isoTimestamp(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
}

std::optional<qint64> QueuedEvent::parseTimestamp(const QString &text)
{
    const QString trimmed = text.trimmed();
    // Date-only forms are UTC in JavaScript, date-times without an offset local.
    if (trimmed.size() == 10) {
        const QDate date = QDate::fromString(trimmed, Qt::ISODate);
        if (date.isValid())
            return QDateTime(date, QTime(0, 0), Qt::UTC).toMSecsSinceEpoch();
    }
    QDateTime dateTime = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!dateTime.isValid())
        dateTime = QDateTime::fromString(trimmed, Qt::RFC2822Date);
    if (dateTime.isValid())
        return dateTime.toMSecsSinceEpoch();
    bool isNumber = false;
    const qint64 ms = trimmed.toLongLong(&isNumber);
    if (isNumber)
        return ms;
    return std::nullopt;
}

} // namespace cape
