#include "queuedevent.h"

#include "services/core/jsontext.h"

#include "services/core/isotime.h"

#include <QDateTime>
#include <QJsonValue>
#include <QTimeZone>
#include <QVarLengthArray>

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

// A lookup over an entry's few fields: a linear scan beats a hash here.
struct FieldValue
{
    QByteArray name;
    QJsonValue value;
    QByteArray raw;
};

const FieldValue *findField(const QVarLengthArray<FieldValue, 12> &values, QByteArrayView name)
{
    for (const FieldValue &field : values) {
        if (field.name == name)
            return &field;
    }
    return nullptr;
}

} // namespace

QueuedEvent QueuedEvent::fromFields(const Fields &fields, qint64 nowMs)
{
    QueuedEvent event;
    QVarLengthArray<FieldValue, 12> values;
    for (const auto &[name, raw] : fields) {
        const auto value = JsonText::parseValue(raw);
        if (!value) {
            event.m_error = QStringLiteral("field %1 is not JSON: %2")
                                .arg(QString::fromUtf8(name), QString::fromUtf8(raw.left(80)));
            return event;
        }
        // A field given twice: the last wins, as in a hash.
        if (const FieldValue *known = findField(values, name))
            values.erase(values.begin() + (known - values.cbegin()));
        values.append({name, *value, raw});
    }
    const auto text = [&](const char *field, bool required, QString *out) {
        const FieldValue *it = findField(values, field);
        if (!it || it->value.isNull() || it->value.isUndefined()) {
            if (required)
                event.m_error = QStringLiteral("the event has no %1").arg(QLatin1StringView(field));
            return !required;
        }
        const auto string = stringOf(it->value, it->raw);
        if (!string || (string->isEmpty())) {
            event.m_error = QStringLiteral("%1 must be a non-empty string, not %2")
                                .arg(QLatin1StringView(field), QString::fromUtf8(it->raw.left(80)));
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
    const FieldValue *timestamp = findField(values, "timestamp");
    if (!timestamp || timestamp->value.isNull() || timestamp->value.isUndefined() ||
        (timestamp->value.isString() && timestamp->value.toString().isEmpty())) {
        event.m_timestampMs = nowMs;
    } else {
        std::optional<qint64> ms;
        if (timestamp->value.isString())
            ms = parseTimestamp(timestamp->value.toString());
        else if (timestamp->value.isDouble() && std::isfinite(timestamp->value.toDouble()))
            ms = qint64(timestamp->value.toDouble());
        if (!ms) {
            event.m_error =
                QStringLiteral("timestamp %1 is not a date").arg(QString::fromUtf8(timestamp->raw.left(80)));
            return event;
        }
        event.m_timestampMs = *ms;
    }

    // data: any JSON; a string holding JSON is read as that JSON; "" is {}.
    QByteArray data = QByteArrayLiteral("{}");
    if (const FieldValue *it = findField(values, "data"); it && !it->value.isUndefined()) {
        data = it->raw.trimmed();
        if (it->value.isString()) {
            const QByteArray inner = it->value.toString().toUtf8();
            if (inner.isEmpty())
                data = QByteArrayLiteral("{}");
            else if (JsonText::parseValue(inner))
                data = inner.trimmed();
        } else if (it->value.isNull()) {
            data = QByteArrayLiteral("null");
        }
    }
    if (const FieldValue *it = findField(values, "broadcast"); it && !it->value.isUndefined())
        event.m_broadcast = truthy(it->value);

    const auto nullable = [](const QString &s) {
        return s.isEmpty() ? QByteArrayLiteral("null") : JsonText::quote(s);
    };
    // The schema's fields in the order its composer writes them: the query
    // schema's own (data) before those it extends (process-meta).
    event.m_queueFields = {{"data", data},
                           {"rid", nullable(rid)},
                           {"timestamp", '"' + IsoTime::format(event.m_timestampMs) + '"'},
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

std::optional<qint64> QueuedEvent::parseTimestamp(const QString &text)
{
    // What Date.toJSON() writes, and so what clients nearly always send:
    // read by hand; anything else goes to QDateTime.
    if (const auto ms = IsoTime::parse(text))
        return ms;
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
