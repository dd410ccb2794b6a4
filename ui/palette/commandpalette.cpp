#include "commandpalette.h"

#include <QKeyEvent>
#include <QLineEdit>
#include <QListWidget>
#include <QPainter>
#include <QStyledItemDelegate>
#include <QVBoxLayout>

#include <algorithm>

namespace cape {

namespace {
constexpr int MaxShown = 60;
constexpr int KindRole = Qt::UserRole + 1;

// The name on the left, what it is on the right, in grey.
class EntryDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        QStyledItemDelegate::paint(painter, option, index);
        painter->save();
        const bool selected = option.state & QStyle::State_Selected;
        painter->setPen(selected ? option.palette.color(QPalette::HighlightedText) : QColor(0x57, 0x60, 0x6a));
        painter->drawText(option.rect.adjusted(0, 0, -10, 0), Qt::AlignRight | Qt::AlignVCenter, index.data(KindRole).toString());
        painter->restore();
    }
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override
    {
        return QStyledItemDelegate::sizeHint(option, index) + QSize(0, 10);
    }
};
} // namespace

CommandPalette::CommandPalette(QWidget *parent)
    : QDialog(parent, Qt::Popup | Qt::FramelessWindowHint)
    , m_query(new QLineEdit(this))
    , m_list(new QListWidget(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    m_query->setPlaceholderText(tr("Go to a view, node, service or task, or run an action…"));
    m_query->setMinimumWidth(560);
    m_query->installEventFilter(this);
    QFont big = m_query->font();
    big.setPointSizeF(big.pointSizeF() * 1.2);
    m_query->setFont(big);
    m_list->setUniformItemSizes(true);
    m_list->setItemDelegate(new EntryDelegate(m_list));
    m_list->setFocusPolicy(Qt::NoFocus);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_query);
    layout->addWidget(m_list);
    resize(640, 420);
    connect(m_query, &QLineEdit::textChanged, this, &CommandPalette::refilter);
    connect(m_list, &QListWidget::itemActivated, this, &CommandPalette::activateCurrent);
}

void CommandPalette::setEntries(QList<Entry> entries)
{
    m_entries = std::move(entries);
    refilter();
}

void CommandPalette::setQuery(const QString &query)
{
    m_query->setText(query);
}

QStringList CommandPalette::visibleTexts() const
{
    QStringList out;
    for (int index : m_shown)
        out << m_entries.at(index).text;
    return out;
}

int CommandPalette::score(const QString &query, const QString &text)
{
    if (query.isEmpty())
        return 1;
    // Every query character in order; consecutive and word-start hits count more.
    int score = 1;
    int position = 0;
    int previous = -2;
    for (const QChar c : query) {
        const int found = int(text.indexOf(c, position, Qt::CaseInsensitive));
        if (found < 0)
            return 0;
        score += found == previous + 1 ? 8 : 1;
        if (found == 0 || !text.at(found - 1).isLetterOrNumber())
            score += 4;
        previous = found;
        position = found + 1;
    }
    if (text.startsWith(query, Qt::CaseInsensitive))
        score += 20;
    return score * 100 - int(text.size());
}

void CommandPalette::refilter()
{
    const QString query = m_query->text().trimmed();
    QList<QPair<int, int>> ranked; // score, entry
    for (int i = 0; i < m_entries.size(); ++i) {
        const int s = score(query, m_entries.at(i).text);
        if (s > 0)
            ranked.append({s, i});
    }
    std::stable_sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) { return a.first > b.first; });
    m_list->clear();
    m_shown.clear();
    for (int i = 0; i < std::min<int>(MaxShown, int(ranked.size())); ++i) {
        const Entry &entry = m_entries.at(ranked.at(i).second);
        m_shown.append(ranked.at(i).second);
        auto *item = new QListWidgetItem(QStringLiteral("  ") + entry.text, m_list);
        item->setData(KindRole, entry.kind);
    }
    if (m_list->count() > 0) {
        m_list->setCurrentRow(0);
    } else {
        // Said, not an empty list that looks like a palette still loading.
        auto *item = new QListWidgetItem(tr("  No matches for “%1”").arg(query), m_list);
        item->setFlags(Qt::NoItemFlags);
    }
}

void CommandPalette::activateCurrent()
{
    const int row = m_list->currentRow();
    if (row < 0 || row >= m_shown.size())
        return;
    const auto run = m_entries.at(m_shown.at(row)).run;
    accept();
    if (run)
        run();
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_query && event->type() == QEvent::KeyPress) {
        auto *key = static_cast<QKeyEvent *>(event);
        const int row = m_list->currentRow();
        switch (key->key()) {
        case Qt::Key_Down:
            m_list->setCurrentRow(std::min(row + 1, m_list->count() - 1));
            return true;
        case Qt::Key_Up:
            m_list->setCurrentRow(std::max(row - 1, 0));
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activateCurrent();
            return true;
        case Qt::Key_Escape:
            reject();
            return true;
        }
    }
    return QDialog::eventFilter(watched, event);
}

} // namespace cape
