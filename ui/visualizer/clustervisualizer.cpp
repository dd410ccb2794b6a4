#include "clustervisualizer.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tasktablemodel.h"
#include "ui/style/statecolors.h"

#include <QEvent>
#include <QHelpEvent>
#include <QPainter>
#include <QPainterPath>
#include <QTimer>
#include <QToolTip>

#include <algorithm>

namespace cape {

namespace {
constexpr int Margin = 12;
constexpr int Gap = 10;
constexpr int HeaderHeight = 58;
constexpr int CardHeight = 40;
constexpr int CompactCardHeight = 22;
constexpr int CardGap = 6;
constexpr int CompactCardGap = 3;
constexpr int MinColumnWidth = 170;
constexpr int CompactColumnWidth = 136;
constexpr int MaxColumnWidth = 260;

// A stable colour per service, so its replicas are easy to follow across nodes.
QColor serviceColor(const QString &service)
{
    return QColor::fromHsv(int(qHash(service) % 360), 120, 200);
}
} // namespace

ClusterVisualizer::ClusterVisualizer(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("clusterVisualizer"));
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_timer->setSingleShot(true);
    m_timer->setInterval(80);
    connect(m_timer, &QTimer::timeout, this, &ClusterVisualizer::rebuild);
    for (QAbstractItemModel *model : std::initializer_list<QAbstractItemModel *>{store->nodes(), store->tasks(), store->services()}) {
        connect(model, &QAbstractItemModel::dataChanged, this, &ClusterVisualizer::scheduleRebuild);
        connect(model, &QAbstractItemModel::rowsInserted, this, &ClusterVisualizer::scheduleRebuild);
        connect(model, &QAbstractItemModel::rowsRemoved, this, &ClusterVisualizer::scheduleRebuild);
        connect(model, &QAbstractItemModel::modelReset, this, &ClusterVisualizer::scheduleRebuild);
    }
    rebuild();
}

void ClusterVisualizer::scheduleRebuild()
{
    if (!m_timer->isActive())
        m_timer->start();
}

void ClusterVisualizer::setAvailableWidth(int width)
{
    m_availableWidth = width;
    layoutColumns();
}

const ClusterVisualizer::Column *ClusterVisualizer::columnOf(const QString &hostname) const
{
    for (const Column &column : m_columns) {
        if (hostname.isEmpty() ? column.lane.isPending()
                               : !column.lane.isPending() && column.lane.title == hostname)
            return &column;
    }
    return nullptr;
}

QStringList ClusterVisualizer::cardsOf(const QString &hostname) const
{
    QStringList out;
    if (const Column *column = columnOf(hostname)) {
        for (const Card &card : column->cards)
            out << card.title;
    }
    return out;
}

QStringList ClusterVisualizer::cardStatesOf(const QString &hostname) const
{
    QStringList out;
    if (const Column *column = columnOf(hostname)) {
        for (const Card &card : column->cards)
            out << card.title + QStringLiteral(": ") + card.state;
    }
    return out;
}

void ClusterVisualizer::rebuild()
{
    m_columns.clear();
    const TaskBoard board = TaskBoard::of(*m_store->nodes(), *m_store->tasks(), *m_store->services());
    for (const TaskBoard::Lane &lane : board.lanes) {
        Column column{lane, {}, {}};
        for (const TaskBoard::Card &card : lane.cards)
            column.cards.append({card, {}});
        column.lane.cards.clear();
        m_columns.append(column);
    }
    layoutColumns();
}

void ClusterVisualizer::layoutColumns()
{
    const int count = std::max<int>(1, int(m_columns.size()));
    const int fit = (m_availableWidth - 2 * Margin - (count - 1) * Gap) / count;
    // More nodes than fit: one-line cards in narrower columns, so that a
    // screen shows twice the cluster; details stay in the tooltips.
    m_compact = fit < MinColumnWidth;
    m_columnWidth = m_compact ? CompactColumnWidth : std::min(fit, MaxColumnWidth);
    const int cardHeight = m_compact ? CompactCardHeight : CardHeight;
    const int cardGap = m_compact ? CompactCardGap : CardGap;
    int tallest = 0;
    for (int i = 0; i < m_columns.size(); ++i) {
        Column &column = m_columns[i];
        const int x = Margin + i * (m_columnWidth + Gap);
        int y = Margin + HeaderHeight + cardGap;
        for (Card &card : column.cards) {
            card.rect = QRect(x + 6, y, m_columnWidth - 12, cardHeight);
            y += cardHeight + cardGap;
        }
        tallest = std::max(tallest, y);
        column.rect = QRect(x, Margin, m_columnWidth, 0);
    }
    for (Column &column : m_columns)
        column.rect.setBottom(std::max(tallest, Margin + HeaderHeight + 60));
    m_size = QSize(Margin * 2 + count * m_columnWidth + (count - 1) * Gap, std::max(tallest, Margin + HeaderHeight + 60) + Margin);
    // Only the height is a minimum: the width follows the scroll area, which
    // scrolls when the columns need more.
    setMinimumSize(m_size.width() > m_availableWidth ? m_size.width() : 0, m_size.height());
    updateGeometry();
    update();
}

QSize ClusterVisualizer::sizeHint() const
{
    return m_size;
}

void ClusterVisualizer::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), palette().color(QPalette::Window));
    p.setRenderHint(QPainter::Antialiasing);
    QFont bold = font();
    bold.setBold(true);
    QFont small = font();
    small.setPointSizeF(font().pointSizeF() * 0.85);
    if (m_columns.isEmpty()) {
        p.setPen(QColor(0x57, 0x60, 0x6a));
        p.drawText(rect(), Qt::AlignCenter, tr("No nodes yet."));
        return;
    }
    for (const Column &column : m_columns) {
        if (!column.rect.intersects(event->rect()))
            continue;
        QPainterPath frame;
        frame.addRoundedRect(column.rect, 6, 6);
        // Pending tasks stand apart: nothing runs them yet.
        p.fillPath(frame, column.lane.isPending() ? QColor(0xff, 0xf8, 0xe5) : QColor(Qt::white));
        p.setPen(QColor(0xd0, 0xd7, 0xde));
        p.setBrush(Qt::NoBrush); // drawPath fills with the brush: outlines only
        p.drawPath(frame);
        // Header: state dot, hostname, role and availability.
        const QRect header(column.rect.left() + 10, column.rect.top() + 8, column.rect.width() - 20, HeaderHeight - 12);
        p.setPen(Qt::NoPen);
        const TaskBoard::Lane &lane = column.lane;
        p.setBrush(StateColors::of(lane.state));
        p.drawEllipse(QRect(header.left(), header.top() + 5, 9, 9));
        p.setPen(QColor(0x1f, 0x23, 0x28));
        p.setFont(bold);
        p.drawText(header.adjusted(15, 0, 0, 0), Qt::AlignLeft | Qt::AlignTop,
                   QFontMetrics(bold).elidedText(lane.title, Qt::ElideRight, header.width() - 15));
        p.setFont(small);
        const bool active = lane.isPending() || lane.availability == QLatin1String("active");
        const QString availability = active ? QString() : QStringLiteral(" · ") + lane.availability;
        p.setPen(active ? QColor(0x57, 0x60, 0x6a) : StateColors::of(lane.availability));
        const int count = int(column.cards.size());
        const QString summary = lane.isPending() ? tr("waiting for a node · %n task(s)", nullptr, count)
                                : m_compact
                                    ? tr("%1 · %n task(s)", nullptr, count).arg(lane.state)
                                    : tr("%1 · %2 · %n task(s)", nullptr, count).arg(lane.role, lane.state);
        p.drawText(header.adjusted(15, 0, 0, 0), Qt::AlignLeft | Qt::AlignBottom,
                   QFontMetrics(small).elidedText(summary + availability, Qt::ElideRight, header.width() - 15));
        p.setPen(QColor(0xea, 0xee, 0xf2));
        p.drawLine(column.rect.left() + 1, column.rect.top() + HeaderHeight, column.rect.right() - 1, column.rect.top() + HeaderHeight);

        for (const Card &card : column.cards) {
            if (!card.rect.intersects(event->rect()))
                continue;
            p.setOpacity(card.leaving ? 0.45 : 1.0);
            QPainterPath body;
            body.addRoundedRect(card.rect, 4, 4);
            const QColor state = StateColors::of(card.state);
            QColor tint = state;
            tint.setAlpha(28);
            p.fillPath(body, Qt::white);
            p.fillPath(body, tint);
            p.setPen(QColor(state.red(), state.green(), state.blue(), 120));
            p.setBrush(Qt::NoBrush);
            p.drawPath(body);
            p.fillRect(QRect(card.rect.left(), card.rect.top() + 1, 4, card.rect.height() - 2), state);
            p.setPen(Qt::NoPen);
            p.setBrush(serviceColor(card.service));
            p.drawRoundedRect(QRect(card.rect.right() - 12, card.rect.center().y() - 3, 7, 7), 2, 2);
            const QRect text = card.rect.adjusted(10, m_compact ? 0 : 3, -18, m_compact ? 0 : -3);
            p.setPen(QColor(0x1f, 0x23, 0x28));
            p.setFont(m_compact ? small : bold);
            p.drawText(text, m_compact ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignLeft | Qt::AlignTop,
                       QFontMetrics(m_compact ? small : bold).elidedText(card.title, Qt::ElideRight, text.width()));
            if (m_compact) {
                p.setOpacity(1.0);
                continue;
            }
            p.setFont(small);
            p.setPen(QColor(0x57, 0x60, 0x6a));
            p.drawText(text, Qt::AlignLeft | Qt::AlignBottom, QFontMetrics(small).elidedText(card.subtitle, Qt::ElideRight, text.width()));
            p.setOpacity(1.0);
        }
    }
}

const ClusterVisualizer::Card *ClusterVisualizer::cardAt(const QPoint &pos) const
{
    for (const Column &column : m_columns) {
        if (pos.x() < column.rect.left() || pos.x() > column.rect.right())
            continue;
        for (const Card &card : column.cards) {
            if (card.rect.contains(pos))
                return &card;
        }
    }
    return nullptr;
}

bool ClusterVisualizer::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        if (const Card *card = cardAt(help->pos())) {
            const TaskRecord *task = m_store->tasks()->find(card->taskId);
            QString text = card->title + u'\n' + card->subtitle;
            if (task && !task->error.isEmpty())
                text += u'\n' + task->error;
            QToolTip::showText(help->globalPos(), text, this);
        } else {
            QToolTip::hideText();
        }
        return true;
    }
    return QWidget::event(event);
}

} // namespace cape
