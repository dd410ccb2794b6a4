#include "logbuffer.h"

#include <algorithm>
#include <cstring>

namespace cape {

namespace {

constexpr quint32 ChunkSize = 4u << 20;

bool earlier(const LogEntry &a, const LogEntry &b) { return a.timestampNs < b.timestampNs; }

} // namespace

LogBuffer::LogBuffer(qsizetype capacity)
    : m_capacity(std::max<qsizetype>(capacity, 1))
{
}

QByteArrayView LogBuffer::text(const LogEntry &entry) const
{
    const Chunk &chunk = m_chunks[entry.chunk - m_firstChunk];
    return {chunk.data.get() + entry.offset, qsizetype(entry.length)};
}

void LogBuffer::stage(qint64 timestampNs, quint16 source, quint8 stream, QByteArrayView text)
{
    m_staged.push_back({timestampNs, m_nextSequence++, quint32(m_stagedText.size()), quint32(text.size()), source, stream});
    m_stagedText.append(text);
}

LogBuffer::Chunk &LogBuffer::chunkFor(quint32 length, quint32 *number)
{
    if (m_chunks.empty() || m_chunks.back().capacity - m_chunks.back().used < length) {
        // A line longer than a chunk gets a chunk of its own.
        const quint32 capacity = std::max(ChunkSize, length);
        m_chunks.push_back({std::make_unique<char[]>(capacity), capacity, 0, 0});
    }
    *number = m_firstChunk + quint32(m_chunks.size() - 1);
    return m_chunks.back();
}

LogBuffer::Merge LogBuffer::merge()
{
    if (m_staged.empty())
        return {size(), 0};
    std::sort(m_staged.begin(), m_staged.end(), [](const Staged &a, const Staged &b) {
        return a.timestampNs != b.timestampNs ? a.timestampNs < b.timestampNs : a.sequence < b.sequence;
    });
    const size_t oldSize = m_entries.size();
    for (const Staged &line : m_staged) {
        quint32 number = 0;
        Chunk &chunk = chunkFor(line.length, &number);
        std::memcpy(chunk.data.get() + chunk.used, m_stagedText.constData() + line.offset, line.length);
        m_entries.push_back({line.timestampNs, line.sequence, line.length, number, chunk.used, line.source, line.stream, 0});
        chunk.used += line.length;
        ++chunk.lines;
        m_textBytes += line.length;
    }
    const qsizetype inserted = qsizetype(m_staged.size());
    m_staged.clear();
    m_stagedText.clear();

    const auto begin = m_entries.begin();
    const auto middle = begin + qsizetype(oldSize);
    if (oldSize == 0 || !earlier(*middle, *(middle - 1)))
        return {qsizetype(oldSize), inserted};
    // Late lines: merge them into the part of the buffer they reach back to.
    const auto from = std::upper_bound(begin, middle, *middle, earlier);
    std::inplace_merge(from, middle, m_entries.end(), earlier);
    return {qsizetype(from - begin), inserted};
}

qsizetype LogBuffer::excess() const
{
    return size() > m_capacity + m_capacity / 16 ? size() - m_capacity : 0;
}

void LogBuffer::trimFront(qsizetype count)
{
    count = std::min(count, size());
    for (qsizetype i = 0; i < count; ++i) {
        const LogEntry &entry = m_entries[size_t(i)];
        --m_chunks[entry.chunk - m_firstChunk].lines;
        m_textBytes -= entry.length;
    }
    m_entries.erase(m_entries.begin(), m_entries.begin() + count);
    // Chunks fill in arrival order, so the ones at the front empty first;
    // the last one stays to be filled.
    while (m_chunks.size() > 1 && m_chunks.front().lines == 0) {
        m_chunks.pop_front();
        ++m_firstChunk;
    }
}

void LogBuffer::clear()
{
    m_entries.clear();
    m_chunks.clear();
    m_firstChunk = 0;
    m_staged.clear();
    m_stagedText.clear();
    m_textBytes = 0;
}

} // namespace cape
