#pragma once

#include <QAbstractScrollArea>
#include <QColor>
#include <QTextLayout>

namespace cape {

class LogModel;

// A virtualised view of a LogModel: it lays out only the lines on screen,
// so a million buffered lines cost nothing to show, wrapped or not. The
// vertical scroll bar counts lines (the top line's row), which keeps wrap
// mode exact without measuring every line.
//
// Each line: time, the replica's label in its own colour, the text with
// search matches highlighted. stderr is tinted, Cape's and the engine's own
// notices stand out. Rows are selected by line (click, shift-click, drag,
// Ctrl+A) and copied as shown. While following, the view sticks to the end;
// scrolling up stops following, scrolling back to the end resumes it.
class LogView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    explicit LogView(QWidget *parent = nullptr);

    void setModel(LogModel *model);
    LogModel *model() const { return m_model; }

    void setWrap(bool wrap);
    bool wraps() const { return m_wrap; }
    void setShowTimestamps(bool show);
    void setShowSources(bool show);
    void setFollow(bool follow);
    bool follows() const { return m_follow; }

    int topRow() const;
    // Puts the row in view (centred) and makes it the current line.
    void revealRow(int row);
    int currentRow() const { return m_current; }
    // Selected lines as shown (time, replica, text), one per line.
    QString selectedText() const;
    int selectedCount() const;
    void selectAll();
    void copySelection() const;

    // A replica's colour: distinct hues in the order replicas appear.
    static QColor sourceColor(int source, bool dark);

signals:
    void followChanged(bool follow);
    void selectionChanged();

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;

private:
    struct Columns
    {
        int time = 0;   // x of the time column
        int source = 0; // x of the replica column
        int text = 0;   // x where the text starts
    };
    Columns columns() const;
    int lineSpacing() const;
    // The row laid out for the given text width, matches highlighted.
    void layoutRow(int row, int width, QTextLayout *layout) const;
    int rowHeight(int row, int width) const;
    int rowAt(int y) const;
    void updateScrollBars();
    int lastTopRow() const; // the top row that shows the end
    void scrollToEnd();
    void setSelection(int anchor, int current);
    void onRowsInserted();
    void onRowsRemoved(int first, int last);
    void onReset();

    LogModel *m_model = nullptr;
    bool m_wrap = false;
    bool m_showTimestamps = true;
    bool m_showSources = true;
    bool m_follow = true;
    bool m_scrollingToEnd = false;
    int m_anchor = -1; // selection: rows m_anchor..m_current (either order)
    int m_current = -1;
    int m_sourceWidth = 0;
    int m_textWidth = 0; // widest line seen, for the horizontal scroll bar
};

} // namespace cape
