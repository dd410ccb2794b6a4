#include "causalitywidget.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

namespace cape {

namespace {

enum Column { Name, Process, Time, Id };
constexpr int IdRole = Qt::UserRole;
constexpr int LoadedRole = Qt::UserRole + 1;
constexpr int PlaceholderRole = Qt::UserRole + 2;

} // namespace

CausalityWidget::CausalityWidget(EventsourceClient *client, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_summary(new QLabel(this))
    , m_tree(new QTreeWidget(this))
{
    m_summary->setWordWrap(true);
    m_tree->setHeaderLabels({tr("Event"), tr("Process"), tr("Time"), tr("Id")});
    m_tree->setUniformRowHeights(true);
    m_tree->header()->setSectionResizeMode(Name, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(Process, QHeaderView::ResizeToContents);
    m_tree->header()->setSectionResizeMode(Time, QHeaderView::ResizeToContents);
    m_tree->setToolTip(tr("Double-click an event to follow its own causes and consequences"));
    connect(m_tree, &QTreeWidget::itemExpanded, this, &CausalityWidget::loadConsequences);
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem *item) {
        const auto it = m_events.constFind(item->data(Name, IdRole).toString());
        if (it == m_events.cend())
            return;
        const EventsourceClient::Event event = *it;
        setEvent(event);
        emit eventActivated(event);
    });
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_summary);
    layout->addWidget(m_tree, 1);
}

void CausalityWidget::clear()
{
    ++m_generation;
    m_chosenId.clear();
    m_tree->clear();
    m_events.clear();
    m_summary->clear();
}

QString CausalityWidget::summary() const
{
    return m_summary->text();
}

QTreeWidgetItem *CausalityWidget::itemFor(const EventsourceClient::Event &event, QTreeWidgetItem *parent)
{
    m_events.insert(event.id, event);
    const QStringList columns{event.name, event.domain + QStringLiteral(" / ") + event.pid, event.timestamp,
                              event.id};
    auto *item = parent ? new QTreeWidgetItem(parent, columns) : new QTreeWidgetItem(m_tree, columns);
    item->setData(Name, IdRole, event.id);
    // Unfolds into what followed from it, read when unfolded.
    auto *placeholder = new QTreeWidgetItem(item, {tr("…")});
    placeholder->setData(Name, PlaceholderRole, true);
    return item;
}

void CausalityWidget::setEvent(const EventsourceClient::Event &event)
{
    if (event.id == m_chosenId)
        return; // shown already (a double-click selects it in the table too)
    clear();
    m_chosenId = event.id;
    const int generation = m_generation;
    m_summary->setText(tr("Following the rid links of %1 …").arg(event.name));
    m_client->readCauses(event, [this, generation, event](const QList<EventsourceClient::Event> &causes,
                                                          const QString &error) {
        if (generation != m_generation)
            return;
        QTreeWidgetItem *parent = nullptr;
        for (const EventsourceClient::Event &cause : causes) {
            parent = itemFor(cause, parent);
            // A cause's consequences are the chain itself: no placeholder.
            delete parent->takeChild(0);
            parent->setData(Name, LoadedRole, true);
            parent->setExpanded(true);
        }
        QTreeWidgetItem *chosen = itemFor(event, parent);
        QFont bold = chosen->font(Name);
        bold.setBold(true);
        for (int column = Name; column <= Id; ++column)
            chosen->setFont(column, bold);
        m_tree->setCurrentItem(chosen);
        chosen->setExpanded(true); // reads what followed from it
        QString text;
        if (!error.isEmpty())
            text = tr("The causes could not be read: %1").arg(error);
        else if (causes.isEmpty())
            text = event.rid.isEmpty()
                       ? tr("%1 names no cause (no rid).").arg(event.name)
                       : tr("%1 names a cause that is no longer stored (%2).").arg(event.name, event.rid);
        else
            text = tr("%n event(s) led to %1; the first has no cause recorded.", nullptr, int(causes.size()))
                       .arg(event.name);
        m_summary->setText(
            text + u' ' +
            tr("What followed is looked for in its process and in processes whose parent it is."));
    });
}

void CausalityWidget::loadConsequences(QTreeWidgetItem *item)
{
    if (item->data(Name, LoadedRole).toBool())
        return;
    item->setData(Name, LoadedRole, true);
    const auto it = m_events.constFind(item->data(Name, IdRole).toString());
    if (it == m_events.cend())
        return;
    const int generation = m_generation;
    const QString id = it->id;
    m_client->readConsequences(
        *it, [this, generation, id](const QList<EventsourceClient::Event> &events, const QString &error) {
            if (generation != m_generation)
                return;
            // The item may have been rebuilt meanwhile: find it by its id.
            QTreeWidgetItem *cause = nullptr;
            for (QTreeWidgetItemIterator walk(m_tree); *walk && !cause; ++walk) {
                if ((*walk)->data(Name, IdRole).toString() == id)
                    cause = *walk;
            }
            if (!cause)
                return;
            for (int i = cause->childCount() - 1; i >= 0; --i) {
                if (cause->child(i)->data(Name, PlaceholderRole).toBool())
                    delete cause->takeChild(i);
            }
            for (const EventsourceClient::Event &event : events)
                itemFor(event, cause);
            if (!error.isEmpty())
                new QTreeWidgetItem(cause, {tr("Could not read what followed: %1").arg(error)});
        });
}

} // namespace cape
