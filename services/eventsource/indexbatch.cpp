#include "indexbatch.h"

#include "eventkeys.h"
#include "services/core/jsontext.h"

#include <QHash>

namespace cape {

IndexBatch::IndexBatch(const QList<QueueEntry> &entries, qint64 nowMs)
{
    const QByteArray data(EventKeys::Data);
    Command hset{data, {QByteArrayLiteral("HSET"), data}, 0};
    QHash<QByteArray, qsizetype> zaddAt; // key -> its command in m_index
    const auto zadd = [&](const QByteArray &key, const QByteArray &score, const QByteArray &member) {
        auto it = zaddAt.find(key);
        if (it == zaddAt.end()) {
            it = zaddAt.insert(key, m_index.size());
            m_index.append({key, {QByteArrayLiteral("ZADD"), key}, 0});
        }
        Command &command = m_index[*it];
        command.args << score << member;
        ++command.events;
    };

    for (const QueueEntry &entry : entries) {
        m_ackIds << entry.id;
        if (entry.deleted)
            continue; // gone from the stream: only acknowledged
        m_deleteIds << entry.id;
        const QueuedEvent event = QueuedEvent::fromFields(entry.fields, nowMs);
        if (!event.isValid()) {
            const QByteArray errors(EventKeys::ErrorQueued);
            m_appends.append({errors,
                              entry.id,
                              invalidEntryFields(entry, event.error()),
                              QByteArrayLiteral("null"),
                              {errors}});
            ++m_invalid;
            continue;
        }
        // As the reference's persistProcess: the members are the ids as
        // JSON strings, scored by the event's time.
        const QByteArray member = JsonText::quote(QString::fromUtf8(entry.id));
        const QByteArray score = QByteArray::number(event.timestampMs());
        hset.args << entry.id << event.json();
        ++hset.events;
        zadd(EventKeys::history(event.domain(), event.pid()), score, member);
        zadd(EventKeys::historyByName(event.domain(), event.pid(), event.name()), score, member);
        zadd(EventKeys::historyOnlyByName(event.name()), score, member);
        zadd(EventKeys::historyOnlyByPid(event.pid()), score, member);
        if (!event.ppid().isEmpty()) {
            zadd(EventKeys::historyOnlyByPpid(event.ppid()), score, member);
            zadd(EventKeys::historyByPpid(event.domain(), event.ppid()), score, member);
        }
        if (event.broadcast()) {
            const QByteArray persisted = EventKeys::persisted(event.domain(), event.name());
            if (!m_persistedStreams.contains(persisted))
                m_persistedStreams << persisted;
            m_appends.append({persisted,
                              entry.id,
                              {QByteArrayLiteral("id"), member},
                              "{\"id\":" + member + '}',
                              {persisted, EventKeys::persistedPid(event.domain(), event.pid()),
                               EventKeys::persistedPidName(event.domain(), event.pid(), event.name())}});
        }
        ++m_indexed;
    }
    if (hset.events > 0)
        m_index.prepend(hset); // the event before its indexes
}

QList<QByteArray> IndexBatch::deleteCommand() const
{
    if (m_deleteIds.isEmpty())
        return {};
    const QByteArray queue(EventKeys::Queue);
    return QList<QByteArray>{QByteArrayLiteral("XDEL"), queue} + m_deleteIds;
}

QList<QByteArray> IndexBatch::acknowledgeCommand() const
{
    const QByteArray queue(EventKeys::Queue);
    return QList<QByteArray>{QByteArrayLiteral("XACK"), queue, queue} + m_ackIds;
}

QList<QByteArray> IndexBatch::invalidEntryFields(const QueueEntry &entry, const QString &reason)
{
    QByteArray fields = "{";
    for (const auto &[name, raw] : entry.fields) {
        if (fields.size() > 1)
            fields += ',';
        fields += JsonText::quote(QString::fromUtf8(name)) + ':' + JsonText::quote(QString::fromUtf8(raw));
    }
    fields += '}';
    const QByteArray chain =
        "{\"id\":" + JsonText::quote(QString::fromUtf8(entry.id)) + ",\"fields\":" + fields + '}';
    return {
        QByteArrayLiteral("code"),
        QByteArrayLiteral("\"E_EVENTSOURCE_INVALID_EVENT\""),
        QByteArrayLiteral("message"),
        JsonText::quote(QStringLiteral("%1 cannot be indexed: %2").arg(QString::fromUtf8(entry.id), reason)),
        QByteArrayLiteral("chain"),
        chain};
}

} // namespace cape
