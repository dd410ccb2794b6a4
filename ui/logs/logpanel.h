#pragma once

#include "models/logfeed.h"

#include <QWidget>

class QAction;
class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QSaveFile;
class QToolButton;

namespace cape {

class ClusterStore;
class LogModel;
class LogView;
class MessageLabel;

// The logs of one service, task or container: streamed live into a
// million-line buffer, merged in time order across replicas, searchable
// (plain or regex, only matching lines), filterable by replica and node,
// pausable, exportable.
class LogPanel : public QWidget
{
    Q_OBJECT

public:
    LogPanel(ClusterStore *store, const LogFeed::Target &target, QWidget *parent = nullptr);

    const LogFeed::Target &target() const { return m_feed->target(); }
    QString title() const;
    LogModel *model() const { return m_model; }
    LogView *view() const { return m_view; }
    LogFeed *feed() const { return m_feed; }

    // Restarts the stream with the chosen tail, since and follow.
    void restart();
    void setSearch(const QString &pattern, bool regex = false, bool caseSensitive = false);
    void setOnlyMatching(bool only);
    void setPaused(bool paused);
    void focusSearch();
    // Saves the lines shown (filters apply) with time and replica, a slice
    // per event-loop turn so the window stays responsive; the panel holds
    // new lines back meanwhile. exportFinished() tells how it went.
    void exportTo(const QString &path);
    bool isExporting() const { return m_export != nullptr; }
    // The status line ("Following … · 1,204 lines · 3 replicas").
    QString statusText() const;
    // The warning shown while some replicas' lines cannot arrive; empty when none.
    QString coverageText() const;

signals:
    void exportFinished(bool ok, const QString &message);

private:
    void applySearch();
    void updateStatus();
    void updateCoverage();
    void updateReplicaMenu();
    void applyReplicaFilter();
    void chooseExportFile();
    void exportSlice();
    LogFeed::Window window() const;

    ClusterStore *m_store;
    LogModel *m_model;
    LogFeed *m_feed;
    LogView *m_view;
    QLineEdit *m_search;
    QAction *m_regex;
    QAction *m_caseSensitive;
    QAction *m_onlyMatching;
    QLabel *m_matches;
    QToolButton *m_replicas;
    QComboBox *m_tail;
    QComboBox *m_since;
    QComboBox *m_until;
    QAction *m_follow;
    QAction *m_pause;
    QAction *m_wrap;
    QAction *m_timestamps;
    QLabel *m_status;
    MessageLabel *m_message;
    MessageLabel *m_coverage;
    QSet<QString> m_hiddenReplicas; // by task or container ID: survives a restart
    QSet<QString> m_hiddenNodes;
    QSaveFile *m_export = nullptr;
    int m_exportRow = 0;
    bool m_pausedBeforeExport = false;
};

} // namespace cape
