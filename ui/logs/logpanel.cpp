#include "logpanel.h"

#include "logview.h"
#include "models/clusterstore.h"
#include "models/logmodel.h"
#include "models/nodetablemodel.h"
#include "models/servicetablemodel.h"
#include "ui/style/messagelabel.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QPainter>
#include <QSaveFile>
#include <QShortcut>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace cape {

namespace {

QIcon swatch(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(color);
    painter.setPen(Qt::NoPen);
    painter.drawRoundedRect(QRectF(1, 1, 10, 10), 3, 3);
    return QIcon(pixmap);
}

QAction *toggle(QToolBar *bar, const QString &text, const QString &tip, bool checked)
{
    QAction *action = bar->addAction(text);
    action->setCheckable(true);
    action->setChecked(checked);
    action->setToolTip(tip);
    return action;
}

} // namespace

LogPanel::LogPanel(ClusterStore *store, const LogFeed::Target &target, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_model(new LogModel(1'000'000, this))
    , m_feed(new LogFeed(store, target, m_model, this))
    , m_view(new LogView(this))
    , m_search(new QLineEdit(this))
    , m_matches(new QLabel(this))
    , m_replicas(new QToolButton(this))
    , m_tail(new QComboBox(this))
    , m_since(new QComboBox(this))
    , m_until(new QComboBox(this))
    , m_status(new QLabel(this))
    , m_message(new MessageLabel(this))
    , m_coverage(new MessageLabel(this))
{
    m_view->setModel(m_model);

    // Stream controls.
    auto *streamBar = new QToolBar(this);
    streamBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_replicas->setText(tr("Replicas"));
    m_replicas->setToolTip(tr("Show or hide replicas and nodes"));
    m_replicas->setPopupMode(QToolButton::InstantPopup);
    m_replicas->setMenu(new QMenu(m_replicas));
    streamBar->addWidget(m_replicas);
    streamBar->addSeparator();
    streamBar->addWidget(new QLabel(tr("Tail "), this));
    m_tail->addItem(tr("100 lines"), 100);
    m_tail->addItem(tr("1,000 lines"), 1000);
    m_tail->addItem(tr("10,000 lines"), 10000);
    m_tail->addItem(tr("everything"), -1);
    m_tail->setCurrentIndex(1);
    m_tail->setToolTip(tr("Lines of history per replica"));
    streamBar->addWidget(m_tail);
    streamBar->addWidget(new QLabel(tr("  since "), this));
    m_since->addItem(tr("the start"), 0);
    m_since->addItem(tr("5 minutes ago"), 5 * 60);
    m_since->addItem(tr("1 hour ago"), 60 * 60);
    m_since->addItem(tr("24 hours ago"), 24 * 60 * 60);
    m_since->addItem(tr("7 days ago"), 7 * 24 * 60 * 60);
    streamBar->addWidget(m_since);
    streamBar->addWidget(new QLabel(tr("  until "), this));
    m_until->addItem(tr("now, and follow"), 0);
    m_until->addItem(tr("5 minutes ago"), 5 * 60);
    m_until->addItem(tr("1 hour ago"), 60 * 60);
    m_until->addItem(tr("24 hours ago"), 24 * 60 * 60);
    m_until->setToolTip(tr("An end in the past reads that window and stops"));
    streamBar->addWidget(m_until);
    streamBar->addSeparator();
    m_follow = toggle(streamBar, tr("Follow"), tr("Stream new lines as they are written (End)"), true);
    m_pause = toggle(streamBar, tr("Pause"), tr("Hold new lines back while you read (Space); nothing is lost"), false);
    m_pause->setShortcut(QKeySequence(Qt::Key_Space));
    m_pause->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_wrap = toggle(streamBar, tr("Wrap"), tr("Wrap long lines"), false);
    m_timestamps = toggle(streamBar, tr("Time"), tr("Show each line's time"), true);
    streamBar->addSeparator();
    QAction *copy = streamBar->addAction(tr("Copy"));
    copy->setToolTip(tr("Copy the selected lines (Ctrl+C)"));
    QAction *exportAction = streamBar->addAction(tr("Export…"));
    exportAction->setToolTip(tr("Save the lines shown to a file"));
    QAction *clear = streamBar->addAction(tr("Clear"));
    clear->setToolTip(tr("Empty the buffer; new lines keep coming"));

    // Search.
    auto *searchBar = new QToolBar(this);
    searchBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_search->setPlaceholderText(tr("Search  ( Ctrl+F;  Enter: next,  Shift+Enter: previous )"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(360);
    searchBar->addWidget(m_search);
    m_caseSensitive = toggle(searchBar, tr("Aa"), tr("Match case"), false);
    m_regex = toggle(searchBar, tr(".*"), tr("Regular expression (PCRE)"), false);
    m_onlyMatching = toggle(searchBar, tr("Only matching"), tr("Show only the lines that match"), false);
    QAction *previous = searchBar->addAction(tr("↑"));
    previous->setToolTip(tr("Previous match (Shift+Enter)"));
    QAction *next = searchBar->addAction(tr("↓"));
    next->setToolTip(tr("Next match (Enter)"));
    m_matches->setObjectName(QStringLiteral("viewCount"));
    searchBar->addWidget(m_matches);

    auto *titleLabel = new QLabel(title(), this);
    titleLabel->setObjectName(QStringLiteral("viewTitle"));
    auto *header = new QHBoxLayout;
    header->addWidget(titleLabel);
    header->addSpacing(8);
    header->addWidget(streamBar, 1);

    m_status->setObjectName(QStringLiteral("viewCount"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 8, 12, 8);
    layout->setSpacing(6);
    layout->addLayout(header);
    layout->addWidget(searchBar);
    m_coverage->setDismissible(false);
    layout->addWidget(m_coverage);
    layout->addWidget(m_message);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_status);

    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);
    m_view->addAction(copy);
    auto *selectAll = new QAction(tr("Select all"), this);
    connect(selectAll, &QAction::triggered, m_view, &LogView::selectAll);
    m_view->addAction(selectAll);
    m_view->addAction(exportAction);

    auto *searchTimer = new QTimer(this);
    searchTimer->setSingleShot(true);
    searchTimer->setInterval(150); // search once typing pauses
    connect(m_search, &QLineEdit::textChanged, searchTimer, qOverload<>(&QTimer::start));
    connect(searchTimer, &QTimer::timeout, this, &LogPanel::applySearch);
    connect(m_caseSensitive, &QAction::toggled, this, &LogPanel::applySearch);
    connect(m_regex, &QAction::toggled, this, &LogPanel::applySearch);
    connect(m_onlyMatching, &QAction::toggled, m_model, &LogModel::setOnlyMatching);
    const auto step = [this](bool forward) {
        const int row = m_model->findMatch(m_view->currentRow() < 0 ? m_view->topRow() : m_view->currentRow(), forward);
        if (row >= 0)
            m_view->revealRow(row);
    };
    connect(next, &QAction::triggered, this, [step] { step(true); });
    connect(previous, &QAction::triggered, this, [step] { step(false); });
    connect(m_search, &QLineEdit::returnPressed, this, [this, step, searchTimer] {
        if (searchTimer->isActive()) {
            searchTimer->stop();
            applySearch();
        }
        step(true);
    });
    auto *back = new QShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Return), m_search, nullptr, nullptr, Qt::WidgetShortcut);
    connect(back, &QShortcut::activated, this, [step] { step(false); });
    auto *find = new QShortcut(QKeySequence::Find, this, nullptr, nullptr, Qt::WidgetWithChildrenShortcut);
    connect(find, &QShortcut::activated, this, &LogPanel::focusSearch);
    auto *slash = new QShortcut(QKeySequence(Qt::Key_Slash), m_view, nullptr, nullptr, Qt::WidgetShortcut);
    connect(slash, &QShortcut::activated, this, &LogPanel::focusSearch);
    auto *escape = new QShortcut(QKeySequence(Qt::Key_Escape), m_search, nullptr, nullptr, Qt::WidgetShortcut);
    connect(escape, &QShortcut::activated, this, [this] {
        m_search->clear();
        m_view->setFocus();
    });

    connect(m_follow, &QAction::toggled, m_view, &LogView::setFollow);
    connect(m_view, &LogView::followChanged, m_follow, &QAction::setChecked);
    connect(m_pause, &QAction::toggled, this, &LogPanel::setPaused);
    connect(m_wrap, &QAction::toggled, m_view, &LogView::setWrap);
    connect(m_timestamps, &QAction::toggled, m_view, &LogView::setShowTimestamps);
    connect(copy, &QAction::triggered, m_view, &LogView::copySelection);
    connect(exportAction, &QAction::triggered, this, &LogPanel::chooseExportFile);
    connect(clear, &QAction::triggered, m_model, &LogModel::clear);
    connect(m_tail, &QComboBox::activated, this, &LogPanel::restart);
    connect(m_since, &QComboBox::activated, this, &LogPanel::restart);
    connect(m_until, &QComboBox::activated, this, &LogPanel::restart);

    connect(m_model, &LogModel::searchFinished, this, &LogPanel::updateStatus);
    connect(m_model, &LogModel::searchFailed, this, [this](const QString &error) {
        m_message->showError(tr("Not a valid regular expression: %1").arg(error));
    });
    connect(m_model, &LogModel::countsChanged, this, &LogPanel::updateStatus);
    connect(m_model, &LogModel::sourcesChanged, this, &LogPanel::updateReplicaMenu);
    connect(m_feed, &LogFeed::stateChanged, this, &LogPanel::updateStatus);
    connect(m_feed, &LogFeed::unreadableChanged, this, &LogPanel::updateCoverage);
    // The replica count is the swarm's, live.
    connect(m_store->services(), &QAbstractItemModel::dataChanged, this, &LogPanel::updateStatus);
    connect(m_store->nodes(), &QAbstractItemModel::dataChanged, this, &LogPanel::updateReplicaMenu);

    updateReplicaMenu();
    updateCoverage();
    restart();
}

QString LogPanel::statusText() const
{
    return m_status->text();
}

QString LogPanel::coverageText() const
{
    return m_coverage->shownText();
}

// Says, for as long as it is so, whose lines cannot arrive: the docker CLI
// warns of an "incomplete log stream" in the same case.
void LogPanel::updateCoverage()
{
    const QList<LogFeed::Unreadable> unreadable = m_feed->unreadable();
    if (unreadable.isEmpty()) {
        m_coverage->hide();
        m_coverage->clear();
        return;
    }
    QStringList who;
    for (const LogFeed::Unreadable &replica : unreadable)
        who << tr("%1 on %2 (%3)").arg(replica.replica, replica.node, replica.state);
    m_coverage->showError(
        tr("Incomplete: no lines from %1 until the node is back; the manager cannot reach it.")
            .arg(who.join(QLatin1String(", "))));
}

QString LogPanel::title() const
{
    switch (m_feed->target().kind) {
    case LogFeed::Kind::Service: return tr("Logs of %1").arg(m_feed->target().name);
    case LogFeed::Kind::Task: return tr("Logs of task %1").arg(m_feed->target().name);
    case LogFeed::Kind::Container: return tr("Logs of container %1").arg(m_feed->target().name);
    }
    return {};
}

LogFeed::Window LogPanel::window() const
{
    LogFeed::Window window;
    window.tail = m_tail->currentData().toInt();
    const int sinceSeconds = m_since->currentData().toInt();
    if (sinceSeconds > 0)
        window.since = QString::number(QDateTime::currentSecsSinceEpoch() - sinceSeconds);
    const int untilSeconds = m_until->currentData().toInt();
    if (untilSeconds > 0)
        window.until = QString::number(QDateTime::currentSecsSinceEpoch() - untilSeconds);
    window.follow = untilSeconds == 0;
    return window;
}

void LogPanel::restart()
{
    m_message->clear();
    m_message->hide();
    m_feed->start(window());
}

void LogPanel::setSearch(const QString &pattern, bool regex, bool caseSensitive)
{
    const QSignalBlocker blockCase(m_caseSensitive);
    const QSignalBlocker blockRegex(m_regex);
    m_caseSensitive->setChecked(caseSensitive);
    m_regex->setChecked(regex);
    m_search->setText(pattern);
    applySearch();
}

void LogPanel::setOnlyMatching(bool only)
{
    m_onlyMatching->setChecked(only);
}

void LogPanel::setPaused(bool paused)
{
    m_pause->setChecked(paused);
    m_model->setPaused(paused);
    m_pause->setText(paused ? tr("Resume") : tr("Pause"));
    updateStatus();
}

void LogPanel::focusSearch()
{
    m_search->setFocus();
    m_search->selectAll();
}

void LogPanel::applySearch()
{
    m_message->hide();
    m_model->setQuery({m_search->text(), m_regex->isChecked(), m_caseSensitive->isChecked()});
    updateStatus();
}

void LogPanel::updateStatus()
{
    const QLocale locale;
    if (m_model->isSearching())
        m_matches->setText(tr("searching…"));
    else if (m_search->text().isEmpty())
        m_matches->clear();
    else
        m_matches->setText(tr("%n match(es)", nullptr, int(m_model->matchCount())));

    QStringList parts;
    parts << m_feed->stateText();
    parts << tr("%1 lines").arg(locale.toString(m_model->bufferedCount()));
    if (m_model->rowCount() != m_model->bufferedCount())
        parts << tr("%1 shown").arg(locale.toString(m_model->rowCount()));
    if (m_feed->target().kind == LogFeed::Kind::Service) {
        // The swarm's count, not the sources that wrote lines: a replica
        // that wrote nothing yet runs all the same, and old tasks do not.
        const auto replicas = m_store->services()->replicas(m_feed->target().id);
        parts << (replicas.running == replicas.desired
                      ? tr("%n replica(s)", nullptr, replicas.running)
                      : tr("%1 of %n replica(s) running", nullptr, replicas.desired).arg(replicas.running));
    }
    if (m_model->isPaused())
        parts << tr("paused: %1 new lines waiting").arg(locale.toString(m_model->waitingCount()));
    if (m_model->droppedCount() > 0)
        parts << tr("%1 oldest lines dropped (the buffer keeps %2)")
                     .arg(locale.toString(m_model->droppedCount()), locale.toString(m_model->capacity()));
    m_status->setText(parts.join(QStringLiteral("  ·  ")));
}

void LogPanel::updateReplicaMenu()
{
    QMenu *menu = m_replicas->menu();
    menu->clear();
    const bool dark = palette().color(QPalette::Base).lightness() < 128;
    QAction *all = menu->addAction(tr("Show all"));
    connect(all, &QAction::triggered, this, [this] {
        m_hiddenReplicas.clear();
        m_hiddenNodes.clear();
        updateReplicaMenu();
        applyReplicaFilter();
    });
    menu->addSection(tr("Replicas"));
    QStringList nodes;
    int hidden = 0;
    for (int i = 0; i < m_model->sources().size(); ++i) {
        const LogSource &source = m_model->sources().at(i);
        if (source.id.isEmpty())
            continue;
        QAction *action = menu->addAction(swatch(LogView::sourceColor(i, dark)), source.label);
        action->setCheckable(true);
        action->setChecked(!m_hiddenReplicas.contains(source.id));
        hidden += action->isChecked() ? 0 : 1;
        const QString id = source.id;
        connect(action, &QAction::toggled, this, [this, id](bool shown) {
            if (shown)
                m_hiddenReplicas.remove(id);
            else
                m_hiddenReplicas.insert(id);
            applyReplicaFilter();
        });
        if (!source.nodeId.isEmpty() && !nodes.contains(source.nodeId))
            nodes.append(source.nodeId);
    }
    if (!nodes.isEmpty()) {
        menu->addSection(tr("Nodes"));
        for (const QString &node : nodes) {
            const NodeRecord *record = m_store->nodes()->find(node);
            const QString label = record ? QStringLiteral("%1  (%2)").arg(record->hostname, record->state) : node.left(12);
            QAction *action = menu->addAction(label);
            action->setCheckable(true);
            action->setChecked(!m_hiddenNodes.contains(node));
            connect(action, &QAction::toggled, this, [this, node](bool shown) {
                if (shown)
                    m_hiddenNodes.remove(node);
                else
                    m_hiddenNodes.insert(node);
                applyReplicaFilter();
            });
        }
    }
    m_replicas->setText(m_hiddenReplicas.isEmpty() && m_hiddenNodes.isEmpty() ? tr("All replicas")
                                                                              : tr("Some replicas hidden"));
    applyReplicaFilter();
}

void LogPanel::applyReplicaFilter()
{
    QSet<int> hidden;
    for (int i = 0; i < m_model->sources().size(); ++i) {
        const LogSource &source = m_model->sources().at(i);
        if (m_hiddenReplicas.contains(source.id) || m_hiddenNodes.contains(source.nodeId))
            hidden.insert(i);
    }
    m_model->setHiddenSources(hidden);
    m_replicas->setText(hidden.isEmpty() ? tr("All replicas") : tr("%n replica(s) hidden", nullptr, int(hidden.size())));
    updateStatus();
}

void LogPanel::chooseExportFile()
{
    if (m_export)
        return;
    const QString name = m_feed->target().name + QDateTime::currentDateTime().toString(QStringLiteral("-yyyyMMdd-HHmmss")) +
                         QStringLiteral(".log");
    const QString path = QFileDialog::getSaveFileName(this, tr("Export logs"), name, tr("Log files (*.log *.txt)"));
    if (!path.isEmpty())
        exportTo(path);
}

void LogPanel::exportTo(const QString &path)
{
    if (m_export) {
        emit exportFinished(false, tr("An export is already running."));
        return;
    }
    m_export = new QSaveFile(path, this);
    if (!m_export->open(QIODevice::WriteOnly)) {
        const QString message = tr("Cannot write %1: %2").arg(path, m_export->errorString());
        delete std::exchange(m_export, nullptr);
        m_message->showError(message);
        emit exportFinished(false, message);
        return;
    }
    // The rows must stay put while they are written.
    m_pausedBeforeExport = m_model->isPaused();
    m_model->setPaused(true);
    m_pause->setEnabled(false);
    m_exportRow = 0;
    exportSlice();
}

void LogPanel::exportSlice()
{
    constexpr int SliceRows = 20000;
    const bool withTime = m_timestamps->isChecked();
    QByteArray chunk;
    const int end = std::min(m_model->rowCount(), m_exportRow + SliceRows);
    for (; m_exportRow < end; ++m_exportRow) {
        chunk += m_model->lineText(m_exportRow, withTime, true).toUtf8();
        chunk += '\n';
    }
    m_export->write(chunk);
    if (m_exportRow < m_model->rowCount()) {
        m_status->setText(tr("Exporting… %1 %").arg(qint64(m_exportRow) * 100 / std::max(1, m_model->rowCount())));
        QTimer::singleShot(0, this, &LogPanel::exportSlice);
        return;
    }
    const QString path = m_export->fileName();
    const bool ok = m_export->commit();
    const QString message = ok ? tr("Saved %n line(s) to %1.", nullptr, m_exportRow).arg(path)
                               : tr("Cannot write %1: %2").arg(path, m_export->errorString());
    delete std::exchange(m_export, nullptr);
    m_pause->setEnabled(true);
    setPaused(m_pausedBeforeExport);
    if (ok)
        m_message->showInfo(message);
    else
        m_message->showError(message);
    emit exportFinished(ok, message);
}

} // namespace cape
