#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace cape {

// An event as the queue holds it (one stream entry, every field a JSON
// value, as the Superhero client writes it), checked and put into the shape
// the reference server stores: its schema's fields in its order, the
// timestamp as Date.toJSON() writes it, strings for numbers, data {} when
// missing. Values pass through as written, so the stored JSON is the bytes
// the reference would store.
class QueuedEvent
{
public:
    using Fields = QList<std::pair<QByteArray, QByteArray>>;

    // The event, or why it cannot be indexed (error set).
    static QueuedEvent fromFields(const Fields &fields, qint64 nowMs);
    // The fields an event's JSON (a scheduled entry) is queued with.
    static std::optional<Fields> fieldsOfJson(const QByteArray &json, QString *error);

    bool isValid() const { return m_error.isEmpty(); }
    QString error() const { return m_error; }

    QString domain() const { return m_domain; }
    QString pid() const { return m_pid; }
    QString ppid() const { return m_ppid; } // empty: none
    QString name() const { return m_name; }
    qint64 timestampMs() const { return m_timestampMs; }
    bool broadcast() const { return m_broadcast; }
    // {"data":…,"rid":…,"timestamp":…,"domain":…,"pid":…,"ppid":…,"name":…}
    QByteArray json() const { return m_json; }
    // The same fields, each its JSON, as the reference queues a scheduled event.
    Fields queueFields() const { return m_queueFields; }

    // As new Date(value) reads the timestamps clients send (ISO 8601, or ms).
    static std::optional<qint64> parseTimestamp(const QString &text);

private:
    QString m_error;
    QString m_domain, m_pid, m_ppid, m_name;
    qint64 m_timestampMs = 0;
    bool m_broadcast = true;
    QByteArray m_json;
    Fields m_queueFields;
};

} // namespace cape
