#include "statedelegate.h"

#include "models/modelroles.h"
#include "ui/style/statecolors.h"

#include <QApplication>
#include <QPainter>

namespace cape {

namespace {
constexpr int DotSize = 8;
constexpr int DotSpace = DotSize + 8;
} // namespace

void StateDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QString state = index.data(StateRole).toString();
    if (state.isEmpty()) {
        QStyledItemDelegate::paint(painter, option, index);
        return;
    }
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    const QString text = opt.text;
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget); // background and selection

    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(Qt::NoPen);
    painter->setBrush(StateColors::of(state));
    painter->drawEllipse(QRect(opt.rect.left() + 6, opt.rect.center().y() - DotSize / 2 + 1, DotSize, DotSize));
    const QRect textRect = opt.rect.adjusted(DotSpace, 0, -4, 0);
    painter->setPen(opt.palette.color(opt.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text));
    painter->setFont(opt.font);
    painter->drawText(textRect, Qt::AlignVCenter | Qt::AlignLeft,
                      opt.fontMetrics.elidedText(text, Qt::ElideRight, textRect.width()));
    painter->restore();
}

QSize StateDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    QSize size = QStyledItemDelegate::sizeHint(option, index);
    size.rwidth() += DotSpace;
    return size;
}

} // namespace cape
