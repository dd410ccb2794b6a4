#pragma once

#include "queuedevent.h"

#include <QByteArray>
#include <QList>

namespace cape {

// What indexing a batch of queue entries writes, in the reference server's
// layout, with the writes to one key gathered into one command: one HSET of
// pd for the batch, one ZADD per sorted set, one XDEL and one XACK. A batch
// costs Redis a fraction of the commands one event at a time would, and
// says the same. The persisted streams' entries, their PUBLISHes and the
// error stream's entries stay one per event (appends()), in queue order.
class IndexBatch
{
public:
    struct QueueEntry
    {
        QByteArray id;
        QueuedEvent::Fields fields;
        bool deleted = false; // in the group's pending list, gone from the stream
    };
    // A command on one key, and how many of the batch's events it serves.
    struct Command
    {
        QByteArray key;
        QList<QByteArray> args;
        int events = 0;
    };
    // An entry a stream gets once per event (not idempotent: XADD), then
    // message PUBLISHed on each channel.
    struct Append
    {
        QByteArray stream;
        QByteArray queueId; // the event's id in the queue
        QList<QByteArray> fields;
        QByteArray message;
        QList<QByteArray> channels;
    };

    IndexBatch(const QList<QueueEntry> &entries, qint64 nowMs);

    // HSET pd and the ZADDs: writing them twice changes nothing.
    const QList<Command> &index() const { return m_index; }
    const QList<Append> &appends() const { return m_appends; }
    // The persisted streams written to (their groups must exist first).
    const QList<QByteArray> &persistedStreams() const { return m_persistedStreams; }
    // XDEL of what is still in the stream (empty when nothing is), then
    // XACK of everything.
    QList<QByteArray> deleteCommand() const;
    QList<QByteArray> acknowledgeCommand() const;
    int indexed() const { return m_indexed; }
    int invalid() const { return m_invalid; }
    int size() const { return int(m_ackIds.size()); }

    // process-error-queued's fields for an entry that cannot be indexed, as
    // the reference writes them: code, message (the reason), chain.
    static QList<QByteArray> invalidEntryFields(const QueueEntry &entry, const QString &reason);

private:
    QList<Command> m_index;
    QList<Append> m_appends;
    QList<QByteArray> m_persistedStreams;
    QList<QByteArray> m_deleteIds, m_ackIds;
    int m_indexed = 0;
    int m_invalid = 0;
};

} // namespace cape
