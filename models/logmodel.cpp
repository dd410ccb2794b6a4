#include "logmodel.h"

#include <QDateTime>
#include <QtConcurrent/QtConcurrentMap>

#include <algorithm>

namespace cape {

namespace {

constexpr int MergeIntervalMs = 50;
constexpr qsizetype SearchSlice = 1 << 16; // lines per thread-pool task

QString formatTimestamp(qint64 ns)
{
    return QDateTime::fromMSecsSinceEpoch(ns / 1'000'000).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

} // namespace

LogModel::LogModel(qsizetype capacity, QObject *parent)
    : QAbstractListModel(parent)
    , m_buffer(capacity)
{
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(MergeIntervalMs);
    connect(&m_flushTimer, &QTimer::timeout, this, &LogModel::flush);
    connect(&m_searchWatcher, &QFutureWatcherBase::finished, this, &LogModel::searchDone);
}

LogModel::~LogModel()
{
    // The search reads the buffer: it must be over before the buffer goes.
    m_cancelSearch = true;
    m_searchWatcher.waitForFinished();
}

int LogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rowCount;
}

QVariant LogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rowCount)
        return {};
    const LogEntry &entry = entryAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return QString::fromUtf8(m_buffer.text(entry));
    case TimestampRole:
        return entry.timestampNs;
    case SourceRole:
        return int(entry.source);
    case StreamRole:
        return int(entry.stream);
    case MatchedRole:
        return entry.matched != 0;
    default:
        return {};
    }
}

QString LogModel::lineText(int row, bool withTimestamp, bool withSource) const
{
    const LogEntry &entry = entryAt(row);
    QString line;
    if (withTimestamp)
        line += formatTimestamp(entry.timestampNs) + QLatin1Char(' ');
    if (withSource && entry.source < m_sources.size() && !m_sources.at(entry.source).label.isEmpty())
        line += m_sources.at(entry.source).label + QLatin1Char(' ');
    return line + QString::fromUtf8(m_buffer.text(entry));
}

// --- sources ------------------------------------------------------------------

int LogModel::addSource(const LogSource &source)
{
    int index = source.id.isEmpty() ? -1 : sourceIndex(source.id);
    if (index >= 0) {
        if (m_sources.at(index).label == source.label && m_sources.at(index).nodeId == source.nodeId)
            return index;
        m_sources[index] = source;
    } else {
        index = int(m_sources.size());
        m_sources.append(source);
        m_hiddenBySource.push_back(false);
    }
    emit sourcesChanged();
    return index;
}

int LogModel::sourceIndex(const QString &id) const
{
    for (int i = 0; i < m_sources.size(); ++i) {
        if (m_sources.at(i).id == id)
            return i;
    }
    return -1;
}

void LogModel::setHiddenSources(const QSet<int> &hidden)
{
    if (hidden == m_hidden)
        return;
    m_hidden = hidden;
    std::fill(m_hiddenBySource.begin(), m_hiddenBySource.end(), false);
    for (int source : hidden) {
        if (source >= 0 && size_t(source) < m_hiddenBySource.size())
            m_hiddenBySource[size_t(source)] = true;
    }
    rebuildVisible();
}

// --- lines --------------------------------------------------------------------

void LogModel::append(qint64 timestampNs, int source, LogFrameDecoder::Stream stream, QByteArrayView text)
{
    if (timestampNs == 0) // not asked for, or the engine's own message: it is news now
        timestampNs = QDateTime::currentMSecsSinceEpoch() * 1'000'000;
    m_buffer.stage(timestampNs, quint16(std::max(source, 0)), quint8(stream), text);
    // A pause holds lines back, but not past the capacity: then they go in.
    if (m_paused && m_buffer.stagedCount() < m_buffer.capacity())
        return;
    if (!m_flushTimer.isActive())
        m_flushTimer.start();
}

void LogModel::appendNotice(int source, const QString &text)
{
    append(0, source, LogFrameDecoder::Stream::System, text.toUtf8());
}

void LogModel::setPaused(bool paused)
{
    if (paused == m_paused)
        return;
    m_paused = paused;
    if (!paused)
        flush();
    emit countsChanged();
}

bool LogModel::accepts(const LogEntry &entry) const
{
    if (entry.source < m_hiddenBySource.size() && m_hiddenBySource[entry.source])
        return false;
    return !m_onlyMatching || entry.matched;
}

void LogModel::flush()
{
    if (m_searching || m_buffer.stagedCount() == 0)
        return;
    if (m_paused && m_buffer.stagedCount() < m_buffer.capacity()) {
        emit countsChanged();
        return;
    }
    const quint32 firstNew = m_buffer.nextSequence() - quint32(m_buffer.stagedCount());
    const LogBuffer::Merge merge = m_buffer.merge();
    if (m_matcher && m_matcher->isValid()) {
        LogMatcher::Scratch scratch(*m_matcher);
        for (qsizetype p = merge.firstChanged; p < m_buffer.size(); ++p) {
            LogEntry &entry = m_buffer.at(p);
            if (entry.sequence - firstNew < quint32(merge.inserted)) {
                entry.matched = m_matcher->matches(m_buffer.text(entry), scratch);
                m_matchCount += entry.matched;
            }
        }
    }

    const int oldRows = m_rowCount;
    int firstChangedRow = int(merge.firstChanged);
    int newRows = int(m_buffer.size());
    if (m_filtered) {
        const auto from = std::lower_bound(m_visible.begin(), m_visible.end(), quint32(merge.firstChanged));
        firstChangedRow = int(from - m_visible.begin());
        m_visible.erase(from, m_visible.end());
        for (qsizetype p = merge.firstChanged; p < m_buffer.size(); ++p) {
            if (accepts(m_buffer.at(p)))
                m_visible.push_back(quint32(p));
        }
        newRows = int(m_visible.size());
    }
    // Rows are only ever added at the end; lines that came late shift the
    // rows after their place, and those rows are reported as changed.
    if (newRows > oldRows) {
        beginInsertRows({}, oldRows, newRows - 1);
        m_rowCount = newRows;
        endInsertRows();
    }
    if (firstChangedRow < oldRows)
        emit dataChanged(index(firstChangedRow), index(oldRows - 1));
    if (const qsizetype excess = m_buffer.excess())
        trim(excess);
    emit countsChanged();
}

void LogModel::trim(qsizetype count)
{
    qsizetype rows = count;
    if (m_filtered)
        rows = std::lower_bound(m_visible.begin(), m_visible.end(), quint32(count)) - m_visible.begin();
    if (rows > 0)
        beginRemoveRows({}, 0, int(rows) - 1);
    for (qsizetype p = 0; p < count; ++p)
        m_matchCount -= m_buffer.at(p).matched;
    m_buffer.trimFront(count);
    if (m_filtered) {
        m_visible.erase(m_visible.begin(), m_visible.begin() + rows);
        for (quint32 &position : m_visible)
            position -= quint32(count);
    }
    m_rowCount -= int(rows);
    m_dropped += count;
    if (rows > 0)
        endRemoveRows();
}

void LogModel::rebuildVisible()
{
    beginResetModel();
    m_filtered = m_onlyMatching || std::find(m_hiddenBySource.begin(), m_hiddenBySource.end(), true) != m_hiddenBySource.end();
    m_visible.clear();
    if (m_filtered) {
        for (qsizetype p = 0; p < m_buffer.size(); ++p) {
            if (accepts(m_buffer.at(p)))
                m_visible.push_back(quint32(p));
        }
        m_rowCount = int(m_visible.size());
    } else {
        m_visible.shrink_to_fit();
        m_rowCount = int(m_buffer.size());
    }
    endResetModel();
}

void LogModel::clear()
{
    if (m_searching) {
        // Stop the search now (it checks every 4096 lines) rather than clear
        // later: lines staged after this call must survive. searchDone()
        // still comes, and starts the wanted search over the empty buffer.
        m_cancelSearch = true;
        m_searchWatcher.waitForFinished();
    }
    beginResetModel();
    m_buffer.clear();
    m_visible.clear();
    m_rowCount = 0;
    m_matchCount = 0;
    m_dropped = 0;
    endResetModel();
    emit countsChanged();
}

// --- search -------------------------------------------------------------------

void LogModel::setQuery(const LogMatcher::Query &query)
{
    if (query == m_wanted)
        return;
    m_wanted = query;
    if (m_searching) {
        m_cancelSearch = true; // searchDone() starts the wanted one
        return;
    }
    startSearch();
}

void LogModel::startSearch()
{
    auto matcher = std::make_shared<LogMatcher>(m_wanted);
    if (!matcher->isEmpty() && !matcher->isValid()) {
        // A pattern half typed, "(err": say why, and highlight nothing.
        emit searchFailed(matcher->errorString());
        matcher = std::make_shared<LogMatcher>();
    }
    m_running = m_wanted;
    m_matcher = matcher->isEmpty() ? nullptr : matcher;
    m_searching = true;
    m_cancelSearch = false;
    m_searchClock.start();

    QList<std::pair<qsizetype, qsizetype>> slices;
    for (qsizetype from = 0; from < m_buffer.size(); from += SearchSlice)
        slices.append({from, std::min(m_buffer.size(), from + SearchSlice)});
    // Each slice writes the `matched` byte of its own lines only; merging
    // waits (m_searching), so nothing else touches the buffer meanwhile.
    LogBuffer *buffer = &m_buffer;
    std::atomic<bool> *cancel = &m_cancelSearch;
    const auto searchSlice = [buffer, matcher, cancel](const std::pair<qsizetype, qsizetype> &slice) -> qsizetype {
        qsizetype count = 0;
        if (matcher->isEmpty()) {
            for (qsizetype p = slice.first; p < slice.second; ++p)
                buffer->at(p).matched = 0;
            return 0;
        }
        LogMatcher::Scratch scratch(*matcher);
        for (qsizetype p = slice.first; p < slice.second; ++p) {
            if ((p & 4095) == 0 && cancel->load(std::memory_order_relaxed))
                return count;
            LogEntry &entry = buffer->at(p);
            entry.matched = matcher->matches(buffer->text(entry), scratch);
            count += entry.matched;
        }
        return count;
    };
    m_searchWatcher.setFuture(QtConcurrent::mappedReduced<qsizetype>(
        slices, searchSlice, [](qsizetype &total, qsizetype count) { total += count; }));
}

void LogModel::searchDone()
{
    m_searching = false;
    const bool cancelled = m_cancelSearch.exchange(false);
    if (cancelled || m_running != m_wanted) {
        startSearch(); // a newer query came in meanwhile
        return;
    }
    m_matchCount = m_searchWatcher.result();
    if (m_onlyMatching)
        rebuildVisible();
    else if (m_rowCount > 0)
        emit dataChanged(index(0), index(m_rowCount - 1), {MatchedRole});
    emit searchFinished(m_matchCount, m_searchClock.elapsed());
    emit countsChanged();
    flush();
}

void LogModel::setOnlyMatching(bool only)
{
    if (only == m_onlyMatching)
        return;
    m_onlyMatching = only;
    if (!m_searching)
        rebuildVisible();
}

int LogModel::findMatch(int row, bool forward) const
{
    if (m_rowCount == 0 || !m_matcher)
        return -1;
    row = std::clamp(row, 0, m_rowCount - 1);
    for (int step = 1; step <= m_rowCount; ++step) {
        const int candidate = forward ? (row + step) % m_rowCount : (row - step + m_rowCount) % m_rowCount;
        if (matchedAt(candidate))
            return candidate;
    }
    return -1;
}

} // namespace cape
