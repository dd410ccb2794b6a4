#include "codeeditor.h"

#include <QHelpEvent>
#include <QPainter>
#include <QTextBlock>
#include <QToolTip>

namespace cape {

// The line-number gutter: it paints through its editor.
class CodeEditorGutter : public QWidget
{
public:
    explicit CodeEditorGutter(CodeEditor *editor)
        : QWidget(editor)
        , m_editor(editor)
    {}
    QSize sizeHint() const override { return {m_editor->gutterWidth(), 0}; }

protected:
    void paintEvent(QPaintEvent *event) override { m_editor->paintGutter(event); }

private:
    CodeEditor *m_editor;
};

CodeEditor::CodeEditor(QWidget *parent)
    : QPlainTextEdit(parent)
    , m_gutter(new CodeEditorGutter(this))
{
    QFont font(QStringLiteral("monospace"));
    font.setStyleHint(QFont::Monospace);
    setFont(font);
    setLineWrapMode(QPlainTextEdit::NoWrap);
    setTabStopDistance(fontMetrics().horizontalAdvance(u' ') * 4);
    connect(this, &QPlainTextEdit::blockCountChanged, this,
            [this] { setViewportMargins(gutterWidth(), 0, 0, 0); });
    connect(this, &QPlainTextEdit::updateRequest, this, [this](const QRect &rect, int dy) {
        if (dy != 0)
            m_gutter->scroll(0, dy);
        else
            m_gutter->update(0, rect.y(), m_gutter->width(), rect.height());
    });
    connect(this, &QPlainTextEdit::cursorPositionChanged, this, &CodeEditor::updateSelections);
    connect(this, &QPlainTextEdit::textChanged, this, [this] {
        if (m_errorLine > 0)
            setError(0, {}); // the error was about the text as it was
    });
    setViewportMargins(gutterWidth(), 0, 0, 0);
    updateSelections();
}

int CodeEditor::gutterWidth() const
{
    int digits = 1;
    for (int count = qMax(1, blockCount()); count >= 10; count /= 10)
        ++digits;
    return 12 + fontMetrics().horizontalAdvance(u'9') * qMax(3, digits);
}

void CodeEditor::setError(int line, const QString &message)
{
    m_errorLine = line;
    m_errorMessage = message;
    updateSelections();
    m_gutter->update();
    if (line > 0) {
        const QTextBlock block = document()->findBlockByNumber(line - 1);
        if (block.isValid()) {
            QTextCursor cursor(block);
            setTextCursor(cursor);
            centerCursor();
        }
    }
}

void CodeEditor::updateSelections()
{
    QList<QTextEdit::ExtraSelection> selections;
    QTextEdit::ExtraSelection current;
    current.format.setBackground(palette().alternateBase());
    current.format.setProperty(QTextFormat::FullWidthSelection, true);
    current.cursor = textCursor();
    current.cursor.clearSelection();
    selections << current;
    if (m_errorLine > 0) {
        QTextEdit::ExtraSelection error;
        error.format.setBackground(QColor(0xfd, 0xe2, 0xe2));
        error.format.setUnderlineColor(QColor(0xd7, 0x3a, 0x49));
        error.format.setUnderlineStyle(QTextCharFormat::WaveUnderline);
        error.format.setProperty(QTextFormat::FullWidthSelection, true);
        error.cursor = QTextCursor(document()->findBlockByNumber(m_errorLine - 1));
        selections << error;
    }
    setExtraSelections(selections);
}

void CodeEditor::resizeEvent(QResizeEvent *event)
{
    QPlainTextEdit::resizeEvent(event);
    const QRect area = contentsRect();
    m_gutter->setGeometry(QRect(area.left(), area.top(), gutterWidth(), area.height()));
}

bool CodeEditor::event(QEvent *event)
{
    // The error's message over its line.
    if (event->type() == QEvent::ToolTip && m_errorLine > 0) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QTextCursor cursor = cursorForPosition(viewport()->mapFromGlobal(help->globalPos()));
        if (cursor.blockNumber() + 1 == m_errorLine) {
            QToolTip::showText(help->globalPos(), m_errorMessage, this);
            return true;
        }
        QToolTip::hideText();
    }
    return QPlainTextEdit::event(event);
}

void CodeEditor::paintGutter(QPaintEvent *event)
{
    QPainter painter(m_gutter);
    painter.fillRect(event->rect(), palette().window());
    QTextBlock block = firstVisibleBlock();
    int top = qRound(blockBoundingGeometry(block).translated(contentOffset()).top());
    const int lineHeight = fontMetrics().height();
    while (block.isValid() && top <= event->rect().bottom()) {
        if (block.isVisible()) {
            const int line = block.blockNumber() + 1;
            const bool error = line == m_errorLine;
            painter.setPen(error ? QColor(0xd7, 0x3a, 0x49) : palette().color(QPalette::PlaceholderText));
            QFont font = painter.font();
            font.setBold(error);
            painter.setFont(font);
            painter.drawText(0, top, m_gutter->width() - 6, lineHeight, Qt::AlignRight,
                             QString::number(line));
        }
        top += qRound(blockBoundingRect(block).height());
        block = block.next();
    }
}

} // namespace cape
