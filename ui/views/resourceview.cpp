#include "resourceview.h"

#include "statedelegate.h"

#include "models/modelroles.h"
#include "models/tablefilterproxymodel.h"
#include "services/docker/dockerreply.h"
#include "ui/style/messagelabel.h"

#include <QAction>
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
#include <QShortcut>
#include <QSplitter>
#include <QStyle>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>

namespace cape {

ResourceView::ResourceView(const QString &title, QAbstractItemModel *model, QWidget *parent)
    : QWidget(parent)
    , m_title(title)
    , m_model(model)
    , m_proxy(new TableFilterProxyModel(this))
    , m_count(new QLabel(this))
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
    for (auto signal : {&QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved})
        connect(m_proxy, signal, this, &ResourceView::updateCount);
    // The first rows to arrive get a selection, so the detail pane is never
    // blank while there is something to show.
    connect(m_proxy, &QAbstractItemModel::rowsInserted, this, [this] {
        if (!m_columnsSized) {
            // Once, on the first rows: later the user's widths win.
            m_columnsSized = true;
            QTimer::singleShot(0, this, &ResourceView::fitColumns);
        }
        if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0 && !m_details->isHidden())
            QTimer::singleShot(0, this, [this] {
                if (!m_table->selectionModel()->hasSelection() && m_proxy->rowCount() > 0)
                    selectId(m_proxy->index(0, 0).data(IdRole).toString());
            });
    });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &ResourceView::updateCount);
    connect(m_proxy, &QAbstractItemModel::layoutChanged, this, &ResourceView::updateCount);
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

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(8);
    layout->addLayout(header);
    layout->addWidget(m_toolbar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    updateCount();
    refreshDetail();
}

void ResourceView::fitColumns()
{
    m_table->resizeColumnsToContents();
    for (int column = 0; column < m_proxy->columnCount(); ++column)
        m_table->setColumnWidth(column, std::clamp(m_table->columnWidth(column) + 16, 70, 320));
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
            showError(r->error().toString());
        else
            showInfo(done);
    });
}

void ResourceView::updateActions()
{
    const bool selected = m_table->selectionModel()->hasSelection();
    for (QAction *action : std::as_const(m_rowActions))
        action->setEnabled(selected);
}

void ResourceView::updateCount()
{
    const int shown = m_proxy->rowCount();
    const int total = m_model->rowCount();
    m_count->setText(shown == total ? tr("%n item(s)", nullptr, total)
                                    : tr("%1 of %2").arg(shown).arg(total));
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
