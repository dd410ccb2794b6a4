#include "resourceview.h"

#include "statedelegate.h"

#include "models/errortext.h"
#include "models/modelroles.h"
#include "models/tablefilterproxymodel.h"
#include "services/docker/dockerreply.h"
#include "ui/style/messagelabel.h"

#include <QAction>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

#include <numeric>

namespace cape {

ResourceView::ResourceView(const QString &title, QAbstractItemModel *model, QWidget *parent)
    : QWidget(parent)
    , m_title(title)
    , m_model(model)
    , m_proxy(new TableFilterProxyModel(this))
    , m_count(new QLabel(this))
    , m_note(new QLabel(this))
    , m_empty(nullptr)
    , m_filter(new QLineEdit(this))
    , m_toolbar(new QToolBar(this))
    , m_message(new MessageLabel(this))
    , m_table(new QTableView(this))
    , m_details(new QTabWidget(this))
    , m_summary(new QTextBrowser(this))
    , m_inspect(new QPlainTextEdit(this))
{
    setObjectName(title);
    m_proxy->setSourceModel(model);

    auto *titleLabel = new QLabel(title, this);
    titleLabel->setObjectName(QStringLiteral("viewTitle"));
    m_count->setObjectName(QStringLiteral("viewCount"));
    m_filter->setPlaceholderText(tr("Filter  ( / )"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setMaximumWidth(320);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateCount();
    });
    auto *escape =
        new QShortcut(QKeySequence(Qt::Key_Escape), m_filter, nullptr, nullptr, Qt::WidgetShortcut);
    connect(escape, &QShortcut::activated, this, [this] {
        m_filter->clear();
        m_table->setFocus();
    });

    auto *header = new QHBoxLayout;
    header->addWidget(titleLabel);
    header->addSpacing(8);
    header->addWidget(m_count);
    header->addStretch(1);
    header->addWidget(m_filter);

    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolbar->setIconSize(QSize(16, 16));

    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(0, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(26);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultSectionSize(120);
    m_table->horizontalHeader()->setHighlightSections(false);
    // '/' filters the table, as in less, vim and k9s.
    auto *slash = new QShortcut(QKeySequence(Qt::Key_Slash), m_table, nullptr, nullptr, Qt::WidgetShortcut);
    connect(slash, &QShortcut::activated, this, &ResourceView::focusFilter);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        QMenu menu(this);
        for (QAction *action : m_toolbar->actions())
            menu.addAction(action);
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateActions();
        refreshDetail();
        emit currentIdChanged(currentId());
    });
    // The proxy takes its rows out while the source still has them (in the
    // source's rowsAboutToBeRemoved): the count is right only once both
    // models have settled, so both say when to count.
    for (QAbstractItemModel *counted : {static_cast<QAbstractItemModel *>(m_proxy), model}) {
        for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
            connect(counted, signal, this, &ResourceView::updateCount);
        connect(counted, &QAbstractItemModel::modelReset, this, &ResourceView::updateCount);
        connect(counted, &QAbstractItemModel::layoutChanged, this, &ResourceView::updateCount);
    }
    // The first rows to arrive get a selection, so the detail pane is never
    // blank while there is something to show.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_columnsSized) {
            m_columnsSized = true;
            QTimer::singleShot(0, this, &ResourceView::fitColumns);
        } else {
            scheduleWiden();
        }
        if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0 && !m_details->isHidden())
            QTimer::singleShot(0, this, [this] {
                if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0)
                    selectId(m_proxy->index(0, 0).data(IdRole).toString());
            });
    });
    // The selected object changed in the engine: show it as it is now.
    connect(m_proxy, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex &from, const QModelIndex &to) {
                const QString id = currentId();
                if (id.isEmpty() || m_detailDue)
                    return;
                for (int row = from.row(); row <= to.row(); ++row) {
                    if (m_proxy->index(row, 0).data(IdRole).toString() == id) {
                        m_detailDue = true;
                        QTimer::singleShot(50, this, &ResourceView::refreshDetail);
                        return;
                    }
                }
            });

    // Columns are chosen from the header's menu, kept for the next start.
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this,
            [this](const QPoint &pos) { columnMenu(m_table->horizontalHeader()->mapToGlobal(pos)); });

    m_widenTimer.setSingleShot(true);
    m_widenTimer.setInterval(1000);
    connect(&m_widenTimer, &QTimer::timeout, this, &ResourceView::widenColumns);
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, &ResourceView::scheduleWiden);
    m_table->horizontalHeader()->viewport()->installEventFilter(this);
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] {
        if (m_headerPressed)
            m_userSized = true;
    });

    m_summary->setOpenExternalLinks(false);
    m_summary->setFrameShape(QFrame::NoFrame);
    m_inspect->setReadOnly(true);
    m_inspect->setFrameShape(QFrame::NoFrame);
    m_inspect->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_inspect->setFont(mono);
    m_details->addTab(m_summary, tr("Summary"));
    m_details->addTab(m_inspect, tr("Inspect"));
    m_details->setDocumentMode(true);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_table);
    splitter->addWidget(m_details);
    splitter->setStretchFactor(0, 2);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({900, 420});
    splitter->setChildrenCollapsible(false);

    m_note->setObjectName(QStringLiteral("viewNote"));
    m_note->setWordWrap(true);
    m_note->hide();
    m_empty = new QLabel(m_table->viewport());
    m_empty->setObjectName(QStringLiteral("emptyTable"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setStyleSheet(QStringLiteral("color: #57606a; padding: 24px;"));
    m_empty->hide();
    m_table->viewport()->installEventFilter(this);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_note);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    updateCount();
    refreshDetail();
}

QList<int> ResourceView::shareWidth(const QList<int> &wanted, const QList<int> &least, int available)
{
    QList<int> widths = wanted;
    int total = std::accumulate(widths.begin(), widths.end(), 0);
    // The widest column gives way first, down to the next widest, and so
    // on: long names and images get cut short ("cape/busybox:la…"), the
    // short columns that say what matters stay whole.
    while (total > available) {
        int widest = -1;
        for (int i = 0; i < widths.size(); ++i) {
            if (widths.at(i) > least.at(i) && (widest < 0 || widths.at(i) > widths.at(widest)))
                widest = i;
        }
        if (widest < 0)
            break; // every column at its least: the table scrolls
        int next = least.at(widest);
        for (int i = 0; i < widths.size(); ++i) {
            if (i != widest && widths.at(i) < widths.at(widest))
                next = std::max(next, widths.at(i));
        }
        const int cut = std::min(total - available, std::max(1, widths.at(widest) - next));
        widths[widest] -= cut;
        total -= cut;
    }
    return widths;
}

void ResourceView::fitColumns()
{
    QList<int> shown, wanted, least;
    const QAbstractItemView *view = m_table; // sizeHintForColumn is public there
    for (int column = 0; column < m_proxy->columnCount(); ++column) {
        if (m_table->isColumnHidden(column))
            continue;
        const int header = m_table->horizontalHeader()->sectionSizeHint(column);
        const int content = std::max(view->sizeHintForColumn(column), header) + 12;
        shown << column;
        wanted << std::clamp(content, 48, maxWidthOf(column));
        least << std::min(wanted.constLast(), std::max(header, 56));
    }
    const QList<int> widths = shareWidth(wanted, least, m_table->viewport()->width() - 2);
    for (int i = 0; i < shown.size(); ++i)
        m_table->setColumnWidth(shown.at(i), widths.at(i));
}

int ResourceView::maxWidthOf(int column) const
{
    return m_maxWidth.value(column, 320);
}

void ResourceView::setMaximumColumnWidth(int column, int width)
{
    m_maxWidth.insert(column, width);
}

void ResourceView::scheduleWiden()
{
    if (!m_userSized && !m_widenTimer.isActive())
        m_widenTimer.start();
}

// Contents that grew since the columns were fitted (an update state, an
// error, a longer name) widen their column, up to its limit; columns never
// shrink under the reader, and once they resize one by hand, theirs win.
void ResourceView::widenColumns()
{
    if (m_userSized)
        return;
    QList<int> shown, wanted, current;
    const QAbstractItemView *view = m_table; // sizeHintForColumn is public there
    for (int column = 0; column < m_proxy->columnCount(); ++column) {
        if (m_table->isColumnHidden(column))
            continue;
        const int content =
            std::max(view->sizeHintForColumn(column), m_table->horizontalHeader()->sectionSizeHint(column));
        const int width = m_table->columnWidth(column);
        shown << column;
        current << width;
        wanted << std::max(width, std::clamp(content + 12, 48, maxWidthOf(column)));
    }
    // The last column is stretched to the edge: what it has is not what it needs.
    if (!current.isEmpty() && m_table->horizontalHeader()->stretchLastSection()) {
        const int column = shown.constLast();
        current.last() = std::min(current.constLast(), std::max(view->sizeHintForColumn(column), 48));
    }
    const QList<int> widths = shareWidth(wanted, current, m_table->viewport()->width() - 2);
    for (int i = 0; i < shown.size(); ++i) {
        if (widths.at(i) > m_table->columnWidth(shown.at(i)))
            m_table->setColumnWidth(shown.at(i), widths.at(i));
    }
}

void ResourceView::setOptionalColumns(const QList<int> &hiddenByDefault)
{
    const QVariant saved = QSettings().value(columnsKey());
    QList<int> hidden = hiddenByDefault;
    if (saved.isValid()) {
        hidden.clear();
        for (const QString &column : saved.toStringList())
            hidden << column.toInt();
    }
    for (int column = 0; column < m_proxy->columnCount(); ++column)
        m_table->setColumnHidden(column, hidden.contains(column));
}

QString ResourceView::columnsKey() const
{
    return QStringLiteral("columns/%1/hidden").arg(objectName());
}

void ResourceView::columnMenu(const QPoint &globalPos)
{
    QMenu menu(this);
    menu.addSection(tr("Columns"));
    for (int column = 0; column < m_proxy->columnCount(); ++column) {
        QAction *action = menu.addAction(m_proxy->headerData(column, Qt::Horizontal).toString());
        action->setCheckable(true);
        action->setChecked(!m_table->isColumnHidden(column));
        action->setEnabled(column != 0); // the name says which row it is
        connect(action, &QAction::toggled, this, [this, column](bool shown) {
            m_table->setColumnHidden(column, !shown);
            QStringList hidden;
            for (int c = 0; c < m_proxy->columnCount(); ++c) {
                if (m_table->isColumnHidden(c))
                    hidden << QString::number(c);
            }
            QSettings().setValue(columnsKey(), hidden);
            if (shown && !m_userSized)
                fitColumns();
        });
    }
    menu.exec(globalPos);
}

void ResourceView::setStateColumns(const QList<int> &columns)
{
    for (int column : columns)
        m_table->setItemDelegateForColumn(column, new StateDelegate(m_table));
}

void ResourceView::setDetailProvider(DetailProvider provider)
{
    m_provider = std::move(provider);
    refreshDetail();
}

void ResourceView::setDetailsVisible(bool visible)
{
    m_details->setVisible(visible);
}

void ResourceView::addDetailTab(QWidget *widget, const QString &label)
{
    m_details->insertTab(m_details->count() - 1, widget, label);
}

void ResourceView::showDetailTab(QWidget *widget)
{
    m_details->setCurrentWidget(widget);
}

void ResourceView::addRowAction(QAction *action)
{
    m_rowActions.append(action);
    m_toolbar->addAction(action);
    // Shortcuts such as Del act on this view's table only.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
    updateActions();
}

void ResourceView::addViewAction(QAction *action)
{
    m_viewActions.append(action);
    m_toolbar->addAction(action);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    addAction(action);
}

void ResourceView::addSeparator()
{
    m_toolbar->addSeparator();
}

QString ResourceView::currentId() const
{
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    return rows.isEmpty() ? QString() : rows.first().data(IdRole).toString();
}

QStringList ResourceView::selectedIds() const
{
    QStringList ids;
    for (const QModelIndex &row : m_table->selectionModel()->selectedRows())
        ids << row.data(IdRole).toString();
    return ids;
}

bool ResourceView::selectId(const QString &id)
{
    for (int row = 0; row < m_proxy->rowCount(); ++row) {
        const QModelIndex index = m_proxy->index(row, 0);
        if (index.data(IdRole).toString() == id) {
            m_table->selectionModel()->select(index, QItemSelectionModel::ClearAndSelect |
                                                         QItemSelectionModel::Rows);
            m_table->setCurrentIndex(index);
            m_table->scrollTo(index);
            return true;
        }
    }
    return false;
}

void ResourceView::focusFilter()
{
    m_filter->setFocus();
    m_filter->selectAll();
}

void ResourceView::showError(const QString &text)
{
    m_message->showError(text);
}

void ResourceView::showInfo(const QString &text)
{
    m_message->showInfo(text);
}

void ResourceView::clearMessage()
{
    m_message->hide();
    m_message->clear();
}

bool ResourceView::confirm(const QString &question, const QString &actionLabel)
{
    QMessageBox box(QMessageBox::Warning, m_title, question, QMessageBox::Cancel, this);
    QPushButton *go = box.addButton(actionLabel, QMessageBox::DestructiveRole);
    box.setDefaultButton(QMessageBox::Cancel);
    box.exec();
    return box.clickedButton() == go;
}

void ResourceView::track(DockerReply *reply, const QString &doing, const QString &done)
{
    showInfo(doing);
    reply->then(this, [this, done](DockerReply *r) {
        if (r->error())
            showEngineError(r->error());
        else
            m_message->showInfo(done, MessageLabel::NewsMs);
    });
}

void ResourceView::showEngineError(const DockerError &error)
{
    const ErrorText text = ErrorText::of(error, m_nameOf);
    m_message->showError(text.summary, text.details);
}

void ResourceView::setNameResolver(ErrorText::NameOf nameOf)
{
    m_nameOf = std::move(nameOf);
}

void ResourceView::setActionsAvailable(bool available)
{
    m_actionsAvailable = available;
    updateActions();
}

void ResourceView::updateActions()
{
    const bool selected = m_table->selectionModel()->hasSelection();
    for (QAction *action : std::as_const(m_rowActions))
        action->setEnabled(m_actionsAvailable && selected);
    for (QAction *action : std::as_const(m_viewActions)) {
        if (!action->isCheckable()) // choices of how to show (groupings) stay
            action->setEnabled(m_actionsAvailable);
    }
}

void ResourceView::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_count->setText(shown == total ? tr("%n item(s)", nullptr, total)
                                    : tr("%1 of %2").arg(shown).arg(total));
    QString empty;
    if (shown == 0 && total > 0)
        empty = tr("No row matches “%1”. Esc clears the filter.").arg(m_filter->text());
    else if (total == 0)
        empty = m_placeholder;
    m_empty->setText(empty);
    m_empty->setVisible(!empty.isEmpty());
    m_empty->resize(m_table->viewport()->size());
}

void ResourceView::setNote(const QString &text)
{
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
}

void ResourceView::setPlaceholder(const QString &text)
{
    m_placeholder = text;
    updateCount();
}

QString ResourceView::placeholderShown() const
{
    return m_empty->isHidden() ? QString() : m_empty->text();
}

void ResourceView::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    // Rows that came while the view was hidden were fitted to a width it
    // did not have yet: fit them to the one it has, once (an empty table's
    // headers too, until rows come).
    if (!m_userSized && !m_fittedShown) {
        m_fittedShown = m_proxy->rowCount() > 0;
        QTimer::singleShot(0, this, &ResourceView::fitColumns);
    }
}

bool ResourceView::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        m_empty->resize(m_table->viewport()->size());
    if (watched == m_table->horizontalHeader()->viewport()) {
        if (event->type() == QEvent::MouseButtonPress)
            m_headerPressed = true;
        else if (event->type() == QEvent::MouseButtonRelease)
            m_headerPressed = false;
    }
    return QWidget::eventFilter(watched, event);
}

void ResourceView::refreshDetail()
{
    m_detailDue = false;
    const QString id = currentId();
    if (id.isEmpty() || !m_provider) {
        m_summary->setHtml(tr("<p style='color:#57606a'>Select a row to see its details.</p>"));
        m_inspect->clear();
        m_detailId.clear();
        return;
    }
    const Detail detail = m_provider(id);
    // Keep the reader's scroll position when the same object refreshes.
    const int summaryScroll = id == m_detailId ? m_summary->verticalScrollBar()->value() : 0;
    const int inspectScroll = id == m_detailId ? m_inspect->verticalScrollBar()->value() : 0;
    m_summary->setHtml(detail.html);
    if (m_inspect->toPlainText() != detail.inspect)
        m_inspect->setPlainText(detail.inspect);
    m_summary->verticalScrollBar()->setValue(summaryScroll);
    m_inspect->verticalScrollBar()->setValue(inspectScroll);
    m_detailId = id;
}

} // namespace cape
