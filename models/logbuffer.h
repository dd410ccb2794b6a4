#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <deque>
#include <memory>
#include <vector>

namespace cape {

// One buffered log line: 32 bytes, its text kept apart in large chunks.
struct LogEntry
{
    qint64 timestampNs = 0;
    quint32 sequence = 0; // arrival order: ties in time keep it
    quint32 length = 0;
    quint32 chunk = 0; // absolute chunk number
    quint32 offset = 0;
    quint16 source = 0; // the model's source (replica) index
    quint8 stream = 0;  // LogFrameDecoder::Stream
    quint8 matched = 0; // the current search matches this line; written by searches only
};

// The lines of one log panel in timestamp order, bounded.
//
// Lines arrive from many replicas, each in its own order but not in order
// with each other (a node's backlog comes in one burst, a slow node's lines
// late). They are staged as they come and merged in batches: a batch that
// is newer than everything is appended; one that reaches back is merged
// into the tail it overlaps, in O(tail), never re-sorting the whole buffer.
// Past the capacity (plus 1/16 slack, so trimming is batched) the oldest
// lines are dropped. Text lives in 4 MiB chunks, 32 bytes of index per line,
// so a million lines cost about their text plus 32 MB.
class LogBuffer
{
public:
    explicit LogBuffer(qsizetype capacity = 1'000'000);

    qsizetype capacity() const { return m_capacity; }
    qsizetype size() const { return qsizetype(m_entries.size()); }
    bool isEmpty() const { return m_entries.empty(); }
    const LogEntry &at(qsizetype position) const { return m_entries[size_t(position)]; }
    LogEntry &at(qsizetype position) { return m_entries[size_t(position)]; }
    QByteArrayView text(const LogEntry &entry) const;
    QByteArrayView text(qsizetype position) const { return text(at(position)); }
    const std::vector<LogEntry> &entries() const { return m_entries; }
    std::vector<LogEntry> &entries() { return m_entries; }

    // Staged until merge(); lines without a timestamp should be given the
    // time they arrived.
    void stage(qint64 timestampNs, quint16 source, quint8 stream, QByteArrayView text);
    qsizetype stagedCount() const { return qsizetype(m_staged.size()); }
    // The sequence the next staged line gets: a merge's new lines are the
    // ones numbered from nextSequence() - stagedCount() on.
    quint32 nextSequence() const { return m_nextSequence; }

    struct Merge
    {
        qsizetype firstChanged = 0; // positions from here on hold other lines than before
        qsizetype inserted = 0;
    };
    Merge merge();

    // Lines to drop from the front to get back to capacity; 0 until the slack is used up.
    qsizetype excess() const;
    void trimFront(qsizetype count);

    void clear();
    // Text bytes held, for status and benchmarks.
    qint64 textBytes() const { return m_textBytes; }

private:
    struct Chunk
    {
        std::unique_ptr<char[]> data;
        quint32 capacity = 0;
        quint32 used = 0;
        quint32 lines = 0; // lines still pointing into it
    };
    struct Staged
    {
        qint64 timestampNs;
        quint32 sequence;
        quint32 offset; // into m_stagedText
        quint32 length;
        quint16 source;
        quint8 stream;
    };

    Chunk &chunkFor(quint32 length, quint32 *number);

    qsizetype m_capacity;
    std::vector<LogEntry> m_entries;
    std::deque<Chunk> m_chunks;
    quint32 m_firstChunk = 0; // absolute number of m_chunks.front()
    std::vector<Staged> m_staged;
    QByteArray m_stagedText;
    quint32 m_nextSequence = 0;
    qint64 m_textBytes = 0;
};

} // namespace cape
