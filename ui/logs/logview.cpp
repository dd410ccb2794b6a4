#include "logview.h"

#include "models/logmodel.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>

#include <algorithm>
#include <cmath>

namespace cape {

namespace {

constexpr int Margin = 8;
constexpr int StripeWidth = 3;
constexpr int MaxShownChars = 10000; // a longer line is cut on screen, never in copies

bool isDark(const QPalette &palette) { return palette.color(QPalette::Base).lightness() < 128; }

} // namespace

LogView::LogView(QWidget *parent)
    : QAbstractScrollArea(parent)
{
    QFont font = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    font.setPointSizeF(std::max(8.0, QApplication::font().pointSizeF() - 0.5));
    setFont(font);
    viewport()->setFont(font);
    viewport()->setCursor(Qt::IBeamCursor);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    verticalScrollBar()->setSingleStep(3);
}

void LogView::setModel(LogModel *model)
{
    if (m_model)
        m_model->disconnect(this);
    m_model = model;
    connect(model, &QAbstractItemModel::rowsInserted, this, &LogView::onRowsInserted);
    connect(model, &QAbstractItemModel::rowsRemoved, this,
            [this](const QModelIndex &, int first, int last) { onRowsRemoved(first, last); });
    connect(model, &QAbstractItemModel::modelReset, this, &LogView::onReset);
    connect(model, &QAbstractItemModel::dataChanged, viewport(), qOverload<>(&QWidget::update));
    connect(model, &LogModel::sourcesChanged, this, [this] {
        const QFontMetrics metrics(font());
        m_sourceWidth = 0;
        for (const LogSource &source : m_model->sources())
            m_sourceWidth = std::max(m_sourceWidth, metrics.horizontalAdvance(source.label));
        viewport()->update();
    });
    onReset();
}

void LogView::setWrap(bool wrap)
{
    m_wrap = wrap;
    setHorizontalScrollBarPolicy(wrap ? Qt::ScrollBarAlwaysOff : Qt::ScrollBarAsNeeded);
    updateScrollBars();
    if (m_follow)
        scrollToEnd();
    viewport()->update();
}

void LogView::setShowTimestamps(bool show)
{
    m_showTimestamps = show;
    viewport()->update();
}

void LogView::setShowSources(bool show)
{
    m_showSources = show;
    viewport()->update();
}

void LogView::setFollow(bool follow)
{
    if (follow == m_follow)
        return;
    m_follow = follow;
    if (follow)
        scrollToEnd();
    emit followChanged(follow);
}

QColor LogView::sourceColor(int source, bool dark)
{
    // Golden-angle hues: neighbours differ most, and a replica keeps its colour.
    const int hue = int(std::fmod(200.0 + source * 137.508, 360.0));
    return QColor::fromHsl(hue, dark ? 170 : 190, dark ? 165 : 95);
}

LogView::Columns LogView::columns() const
{
    const QFontMetrics metrics(font());
    Columns columns;
    columns.time = Margin;
    columns.source = columns.time;
    if (m_showTimestamps)
        columns.source += metrics.horizontalAdvance(QStringLiteral("2026-11-25 05:47:08.430")) + metrics.averageCharWidth() * 2;
    columns.text = columns.source;
    if (m_showSources && m_sourceWidth > 0)
        columns.text += m_sourceWidth + metrics.averageCharWidth() * 2;
    return columns;
}

int LogView::lineSpacing() const
{
    return QFontMetrics(font()).lineSpacing() + 2;
}

void LogView::layoutRow(int row, int width, QTextLayout *layout) const
{
    QString text = QString::fromUtf8(m_model->textAt(row));
    if (text.size() > MaxShownChars)
        text = text.left(MaxShownChars) + QChar(0x2026);
    text.replace(QLatin1Char('\r'), QLatin1Char(' '));
    layout->setText(text);
    layout->setFont(font());
    QTextOption option;
    option.setWrapMode(m_wrap ? QTextOption::WrapAtWordBoundaryOrAnywhere : QTextOption::NoWrap);
    layout->setTextOption(option);
    QList<QTextLayout::FormatRange> formats;
    if (m_model->matchedAt(row) && m_model->matcher()) {
        QTextCharFormat match;
        match.setBackground(QColor(0xff, 0xd5, 0x4f));
        match.setForeground(QColor(0x20, 0x20, 0x20));
        for (const LogMatcher::Range &range : m_model->matcher()->ranges(m_model->textAt(row)))
            formats.append({range.start, range.length, match});
    }
    layout->setFormats(formats);
    layout->beginLayout();
    qreal y = 0;
    while (true) {
        QTextLine line = layout->createLine();
        if (!line.isValid())
            break;
        line.setLineWidth(m_wrap ? std::max(width, 50) : 1e7);
        line.setPosition(QPointF(0, y));
        y += lineSpacing();
    }
    layout->endLayout();
}

int LogView::rowHeight(int row, int width) const
{
    if (!m_wrap)
        return lineSpacing();
    QTextLayout layout;
    layoutRow(row, width, &layout);
    return std::max(1, layout.lineCount()) * lineSpacing();
}

int LogView::topRow() const
{
    return verticalScrollBar()->value();
}

int LogView::lastTopRow() const
{
    const int rows = m_model ? m_model->rowCount() : 0;
    if (rows == 0)
        return 0;
    if (!m_wrap)
        return std::max(0, rows - viewport()->height() / lineSpacing());
    const int width = viewport()->width() - columns().text - Margin;
    int height = 0;
    int row = rows - 1;
    for (; row >= 0; --row) {
        height += rowHeight(row, width);
        if (height > viewport()->height())
            return std::min(rows - 1, row + 1);
    }
    return 0;
}

void LogView::updateScrollBars()
{
    QScrollBar *vertical = verticalScrollBar();
    const int page = std::max(1, viewport()->height() / lineSpacing());
    vertical->setPageStep(page);
    vertical->setRange(0, lastTopRow());
    QScrollBar *horizontal = horizontalScrollBar();
    if (m_wrap) {
        horizontal->setRange(0, 0);
    } else {
        const int visible = viewport()->width() - columns().text - Margin;
        horizontal->setPageStep(std::max(1, visible));
        horizontal->setSingleStep(QFontMetrics(font()).averageCharWidth() * 4);
        horizontal->setRange(0, std::max(0, m_textWidth - visible));
    }
}

void LogView::scrollToEnd()
{
    m_scrollingToEnd = true;
    verticalScrollBar()->setValue(verticalScrollBar()->maximum());
    m_scrollingToEnd = false;
}

void LogView::scrollContentsBy(int, int)
{
    viewport()->update();
    if (m_scrollingToEnd)
        return;
    // Reading back stops following; coming back to the end resumes it.
    const bool atEnd = verticalScrollBar()->value() >= verticalScrollBar()->maximum();
    if (atEnd != m_follow) {
        m_follow = atEnd;
        emit followChanged(atEnd);
    }
}

void LogView::onRowsInserted()
{
    updateScrollBars();
    if (m_follow)
        scrollToEnd();
    viewport()->update();
}

void LogView::onRowsRemoved(int first, int last)
{
    // The oldest lines went: keep the same lines in view and selected.
    const int removed = last - first + 1;
    const auto shift = [&](int row) { return row < 0 ? row : (row > last ? row - removed : std::max(-1, first - 1)); };
    m_anchor = shift(m_anchor);
    m_current = shift(m_current);
    const int top = verticalScrollBar()->value();
    m_scrollingToEnd = true;
    updateScrollBars();
    verticalScrollBar()->setValue(m_follow ? verticalScrollBar()->maximum() : (top > last ? top - removed : first));
    m_scrollingToEnd = false;
    viewport()->update();
}

void LogView::onReset()
{
    m_anchor = m_current = -1;
    m_textWidth = 0;
    updateScrollBars();
    if (m_follow)
        scrollToEnd();
    else
        verticalScrollBar()->setValue(0);
    viewport()->update();
    emit selectionChanged();
}

void LogView::revealRow(int row)
{
    if (!m_model || row < 0 || row >= m_model->rowCount())
        return;
    setSelection(row, row);
    const int visibleRows = std::max(1, viewport()->height() / lineSpacing());
    setFollow(false);
    verticalScrollBar()->setValue(std::max(0, row - visibleRows / 2));
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
    if (m_follow)
        scrollToEnd();
}

void LogView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange)
        updateScrollBars();
}

void LogView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    const QPalette &pal = palette();
    const bool dark = isDark(pal);
    painter.fillRect(viewport()->rect(), pal.color(QPalette::Base));
    if (!m_model)
        return;
    const Columns cols = columns();
    const int textWidth = viewport()->width() - cols.text - Margin;
    const int spacing = lineSpacing();
    const int ascent = QFontMetrics(font()).ascent() + 1;
    const int xOffset = m_wrap ? 0 : horizontalScrollBar()->value();
    const int selFirst = std::min(m_anchor, m_current);
    const int selLast = std::max(m_anchor, m_current);
    const QColor muted = pal.color(QPalette::PlaceholderText);
    const QColor stderrColor = dark ? QColor(0xff, 0x8a, 0x80) : QColor(0xb0, 0x00, 0x20);
    const QColor noticeColor = dark ? QColor(0xff, 0xc1, 0x07) : QColor(0x8a, 0x5a, 0x00);
    const QColor noticeBackground = dark ? QColor(0xff, 0xc1, 0x07, 28) : QColor(0xff, 0xc1, 0x07, 40);
    int widest = m_textWidth;

    int y = 0;
    for (int row = topRow(); row < m_model->rowCount() && y < viewport()->height(); ++row) {
        QTextLayout layout;
        layoutRow(row, textWidth, &layout);
        const int height = std::max(1, layout.lineCount()) * spacing;
        const QRect rowRect(0, y, viewport()->width(), height);
        const LogFrameDecoder::Stream stream = m_model->streamAt(row);
        const bool selected = row >= selFirst && row <= selLast && selFirst >= 0;
        if (selected)
            painter.fillRect(rowRect, pal.color(QPalette::Highlight).lighter(dark ? 70 : 170));
        else if (stream == LogFrameDecoder::Stream::System)
            painter.fillRect(rowRect, noticeBackground);
        const int source = m_model->sourceAt(row);
        const QColor color = sourceColor(source, dark);
        painter.fillRect(QRect(0, y, StripeWidth, height), stream == LogFrameDecoder::Stream::System ? noticeColor : color);

        if (m_showTimestamps) {
            painter.setPen(muted);
            const QDateTime time = QDateTime::fromMSecsSinceEpoch(m_model->timestampAt(row) / 1'000'000);
            painter.drawText(cols.time, y + ascent, time.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz")));
        }
        if (m_showSources && source < m_model->sources().size()) {
            painter.setPen(color);
            painter.drawText(cols.source, y + ascent, m_model->sources().at(source).label);
        }
        painter.save();
        painter.setClipRect(QRect(cols.text, y, viewport()->width() - cols.text, height));
        QFont textFont = font();
        if (stream == LogFrameDecoder::Stream::System)
            textFont.setItalic(true);
        painter.setFont(textFont);
        painter.setPen(stream == LogFrameDecoder::Stream::Stderr   ? stderrColor
                       : stream == LogFrameDecoder::Stream::System ? noticeColor
                                                                   : pal.color(QPalette::Text));
        layout.draw(&painter, QPointF(cols.text - xOffset, y));
        painter.restore();
        if (!m_wrap && layout.lineCount() > 0)
            widest = std::max(widest, int(std::ceil(layout.lineAt(0).naturalTextWidth())));
        y += height;
    }
    if (widest > m_textWidth) {
        m_textWidth = widest;
        QTimer::singleShot(0, this, &LogView::updateScrollBars);
    }
}

int LogView::rowAt(int y) const
{
    if (!m_model || m_model->rowCount() == 0)
        return -1;
    if (y < 0)
        return std::max(0, topRow() - 1);
    const int width = viewport()->width() - columns().text - Margin;
    int top = 0;
    for (int row = topRow(); row < m_model->rowCount(); ++row) {
        top += rowHeight(row, width);
        if (y < top)
            return row;
    }
    return m_model->rowCount() - 1;
}

void LogView::setSelection(int anchor, int current)
{
    m_anchor = anchor;
    m_current = current;
    viewport()->update();
    emit selectionChanged();
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() != Qt::LeftButton) {
        QAbstractScrollArea::mousePressEvent(event);
        return;
    }
    const int row = rowAt(event->position().toPoint().y());
    if (row < 0)
        return;
    if (event->modifiers() & Qt::ShiftModifier && m_anchor >= 0)
        setSelection(m_anchor, row);
    else
        setSelection(row, row);
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_anchor < 0)
        return;
    const int y = event->position().toPoint().y();
    if (y < 0)
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
    else if (y > viewport()->height())
        verticalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
    const int row = rowAt(std::clamp(y, 0, viewport()->height() - 1));
    if (row >= 0)
        setSelection(m_anchor, row);
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (!m_model)
        return;
    if (event->matches(QKeySequence::Copy)) {
        copySelection();
        return;
    }
    if (event->matches(QKeySequence::SelectAll)) {
        selectAll();
        return;
    }
    const int rows = m_model->rowCount();
    const int page = verticalScrollBar()->pageStep();
    int target = m_current < 0 ? topRow() : m_current;
    switch (event->key()) {
    case Qt::Key_Up: target -= 1; break;
    case Qt::Key_Down: target += 1; break;
    case Qt::Key_PageUp: target -= page; break;
    case Qt::Key_PageDown: target += page; break;
    case Qt::Key_Home: target = 0; break;
    case Qt::Key_End:
        setFollow(true);
        target = rows - 1;
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    if (rows == 0)
        return;
    target = std::clamp(target, 0, rows - 1);
    setSelection(event->modifiers() & Qt::ShiftModifier && m_anchor >= 0 ? m_anchor : target, target);
    if (target < topRow())
        verticalScrollBar()->setValue(target);
    else if (target >= topRow() + page)
        verticalScrollBar()->setValue(target - page + 1);
}

int LogView::selectedCount() const
{
    return m_anchor < 0 ? 0 : std::abs(m_current - m_anchor) + 1;
}

QString LogView::selectedText() const
{
    if (!m_model || m_anchor < 0)
        return {};
    QStringList lines;
    const int last = std::min(std::max(m_anchor, m_current), m_model->rowCount() - 1);
    for (int row = std::min(m_anchor, m_current); row <= last; ++row)
        lines.append(m_model->lineText(row, m_showTimestamps, m_showSources));
    return lines.join(QLatin1Char('\n'));
}

void LogView::selectAll()
{
    if (m_model && m_model->rowCount() > 0)
        setSelection(0, m_model->rowCount() - 1);
}

void LogView::copySelection() const
{
    if (selectedCount() > 0)
        QApplication::clipboard()->setText(selectedText());
}

} // namespace cape
