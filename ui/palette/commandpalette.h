#pragma once

#include <QDialog>

#include <functional>

class QLineEdit;
class QListWidget;

namespace cape {

// Ctrl+K: type a few letters of any view, node, service, task or action
// and press Enter. Matching is by subsequence ("wb2" finds "web.2"), best
// and shortest first.
class CommandPalette : public QDialog
{
    Q_OBJECT

public:
    struct Entry
    {
        QString text;   // "web.2"
        QString kind;   // "task", "service", "action", ...
        std::function<void()> run;
    };

    explicit CommandPalette(QWidget *parent = nullptr);

    void setEntries(QList<Entry> entries);
    void setQuery(const QString &query);
    QStringList visibleTexts() const;
    // Runs the highlighted entry and closes.
    void activateCurrent();

    // 0: no match; higher is better.
    static int score(const QString &query, const QString &text);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void refilter();

    QLineEdit *m_query;
    QListWidget *m_list;
    QList<Entry> m_entries;
    QList<int> m_shown; // indexes into m_entries, in list order
};

} // namespace cape
