#include "logsview.h"

#include "logpanel.h"
#include "models/clusterstore.h"
#include "models/modelroles.h"
#include "models/servicetablemodel.h"

#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QShortcut>
#include <QSortFilterProxyModel>
#include <QStackedLayout>
#include <QTabWidget>
#include <QVBoxLayout>

namespace cape {

LogsView::LogsView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_tabs(new QTabWidget(this))
    , m_empty(new QWidget(this))
    , m_servicePicker(new QComboBox(this))
    , m_stack(new QStackedLayout(this))
{
    m_tabs->setTabsClosable(true);
    m_tabs->setMovable(true);
    m_tabs->setDocumentMode(true);
    connect(m_tabs, &QTabWidget::tabCloseRequested, this, &LogsView::closePanel);
    auto *closeTab = new QShortcut(QKeySequence(Qt::CTRL | Qt::Key_W), m_tabs, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(closeTab, &QShortcut::activated, this, [this] { closePanel(m_tabs->currentIndex()); });

    // With nothing open: say how to open logs, and offer the services.
    auto *title = new QLabel(tr("Logs"), m_empty);
    title->setObjectName(QStringLiteral("viewTitle"));
    auto *hint = new QLabel(tr("Open the logs of a service, task or container from its view (L), or pick a service:"), m_empty);
    hint->setWordWrap(true);
    auto *sorted = new QSortFilterProxyModel(this);
    sorted->setSourceModel(store->services());
    sorted->setSortRole(SortRole);
    sorted->sort(ServiceTableModel::Name);
    m_servicePicker->setModel(sorted);
    m_servicePicker->setModelColumn(ServiceTableModel::Name);
    m_servicePicker->setMinimumWidth(280);
    auto *openButton = new QPushButton(tr("Open logs"), m_empty);
    connect(openButton, &QPushButton::clicked, this, [this, sorted] {
        const QModelIndex index = sorted->index(m_servicePicker->currentIndex(), 0);
        if (!index.isValid())
            return;
        open({LogFeed::Kind::Service, index.data(IdRole).toString(), index.data(Qt::DisplayRole).toString(), {}, false});
    });
    auto *row = new QHBoxLayout;
    row->addWidget(m_servicePicker);
    row->addWidget(openButton);
    row->addStretch(1);
    auto *emptyLayout = new QVBoxLayout(m_empty);
    emptyLayout->setContentsMargins(16, 12, 16, 12);
    emptyLayout->addWidget(title);
    emptyLayout->addSpacing(12);
    emptyLayout->addWidget(hint);
    emptyLayout->addLayout(row);
    emptyLayout->addStretch(1);

    m_stack->addWidget(m_empty);
    m_stack->addWidget(m_tabs);
    updateEmptyState();
}

LogPanel *LogsView::open(const LogFeed::Target &target)
{
    for (int i = 0; i < m_tabs->count(); ++i) {
        auto *panel = static_cast<LogPanel *>(m_tabs->widget(i));
        if (panel->target().kind == target.kind && panel->target().id == target.id) {
            m_tabs->setCurrentIndex(i);
            return panel;
        }
    }
    auto *panel = new LogPanel(m_store, target, m_tabs);
    const int index = m_tabs->addTab(panel, target.name);
    m_tabs->setTabToolTip(index, panel->title());
    m_tabs->setCurrentIndex(index);
    updateEmptyState();
    return panel;
}

LogPanel *LogsView::currentPanel() const
{
    return static_cast<LogPanel *>(m_tabs->currentWidget());
}

QList<LogPanel *> LogsView::panels() const
{
    QList<LogPanel *> result;
    for (int i = 0; i < m_tabs->count(); ++i)
        result.append(static_cast<LogPanel *>(m_tabs->widget(i)));
    return result;
}

void LogsView::closePanel(int index)
{
    QWidget *panel = m_tabs->widget(index);
    if (!panel)
        return;
    m_tabs->removeTab(index);
    panel->deleteLater(); // its feed stops its stream
    updateEmptyState();
}

void LogsView::updateEmptyState()
{
    m_stack->setCurrentWidget(m_tabs->count() > 0 ? static_cast<QWidget *>(m_tabs) : m_empty);
}

} // namespace cape
