#pragma once

#include "logbuffer.h"
#include "logmatcher.h"
#include "logsource.h"
#include "services/docker/logframedecoder.h"

#include <QAbstractListModel>
#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QList>
#include <QSet>
#include <QTimer>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace cape {

// The lines of one log panel as a list model: a LogBuffer in timestamp
// order, seen through a filter (hidden replicas, "only matching lines").
//
// Lines are staged and merged every 50 ms, so a burst of ten thousand lines
// is one row insertion, not ten thousand. Lines that arrive late land in
// their place in time; the model then reports the added rows at the end and
// the shifted ones as changed, so views never reset while following.
//
// A search runs on the thread pool over every buffered line (PCRE2, JIT,
// on the UTF-8 bytes); merging waits for it, so the buffer stays still
// while it is read, and lines that arrive later are tested as they merge.
class LogModel : public QAbstractListModel
{
    Q_OBJECT

public:
    enum Role {
        TimestampRole = Qt::UserRole + 1, // qint64 ns since the epoch, UTC
        SourceRole,                       // int: index into sources()
        StreamRole,                       // int: LogFrameDecoder::Stream
        MatchedRole,                      // bool: the search matches this line
    };

    explicit LogModel(qsizetype capacity = 1'000'000, QObject *parent = nullptr);
    ~LogModel() override;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

    // Direct access for painting and copying: no QVariant per call.
    qint64 timestampAt(int row) const { return entryAt(row).timestampNs; }
    int sourceAt(int row) const { return entryAt(row).source; }
    LogFrameDecoder::Stream streamAt(int row) const { return LogFrameDecoder::Stream(entryAt(row).stream); }
    QByteArrayView textAt(int row) const { return m_buffer.text(entryAt(row)); }
    bool matchedAt(int row) const { return entryAt(row).matched != 0; }
    // "2026-11-25 05:47:08.430 web.2@node3 text", as copied and exported.
    QString lineText(int row, bool withTimestamp = true, bool withSource = true) const;

    // --- sources (replicas) ---
    int addSource(const LogSource &source); // an existing ID is updated, not added twice
    int sourceIndex(const QString &id) const;
    const QList<LogSource> &sources() const { return m_sources; }
    void setHiddenSources(const QSet<int> &hidden);
    const QSet<int> &hiddenSources() const { return m_hidden; }

    // --- lines ---
    void append(qint64 timestampNs, int source, LogFrameDecoder::Stream stream, QByteArrayView text);
    // A line of Cape's own about the stream, timed now.
    void appendNotice(int source, const QString &text);
    void flush(); // merges what is staged now, unless paused or searching
    void setPaused(bool paused);
    bool isPaused() const { return m_paused; }
    qsizetype waitingCount() const { return m_buffer.stagedCount(); }
    qsizetype bufferedCount() const { return m_buffer.size(); }
    qsizetype droppedCount() const { return m_dropped; }
    qsizetype capacity() const { return m_buffer.capacity(); }
    void clear();

    // --- search ---
    void setQuery(const LogMatcher::Query &query);
    LogMatcher::Query query() const { return m_wanted; }
    // The matcher of the search in force (for highlighting); null without one.
    const LogMatcher *matcher() const { return m_matcher.get(); }
    bool isSearching() const { return m_searching; }
    qsizetype matchCount() const { return m_matchCount; }
    void setOnlyMatching(bool only);
    bool onlyMatching() const { return m_onlyMatching; }
    // The next (or previous) matching row from `row` on, wrapping; -1 if none.
    int findMatch(int row, bool forward) const;

signals:
    void sourcesChanged();
    // A search over the whole buffer is done (also after new lines merged, see matchCount()).
    void searchFinished(qsizetype matches, qint64 elapsedMs);
    void searchFailed(const QString &error);
    void countsChanged(); // buffered, waiting, dropped or matching counts moved

private:
    const LogEntry &entryAt(int row) const { return m_buffer.at(positionOf(row)); }
    qsizetype positionOf(int row) const { return m_filtered ? qsizetype(m_visible[size_t(row)]) : row; }
    bool accepts(const LogEntry &entry) const;
    void rebuildVisible();
    void trim(qsizetype count);
    void startSearch();
    void searchDone();

    LogBuffer m_buffer;
    QList<LogSource> m_sources;
    QSet<int> m_hidden;
    std::vector<bool> m_hiddenBySource;
    bool m_filtered = false; // m_visible maps rows to positions; otherwise row == position
    std::vector<quint32> m_visible;
    int m_rowCount = 0;
    QTimer m_flushTimer;
    bool m_paused = false;
    qsizetype m_dropped = 0;

    LogMatcher::Query m_wanted;  // the last query asked for
    LogMatcher::Query m_running; // the query whose matches are marked, or being marked
    std::shared_ptr<LogMatcher> m_matcher; // the search in force, or running
    bool m_searching = false;
    bool m_onlyMatching = false;
    qsizetype m_matchCount = 0;
    std::atomic<bool> m_cancelSearch = false;
    QElapsedTimer m_searchClock;
    QFutureWatcher<qsizetype> m_searchWatcher;
};

} // namespace cape
