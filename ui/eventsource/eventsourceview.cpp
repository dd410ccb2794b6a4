#include "eventsourceview.h"

#include "causalitywidget.h"
#include "jsontreewidget.h"

#include "models/modelroles.h"
#include "services/core/hostport.h"
#include "services/eventsource/eventsourceclient.h"
#include "ui/views/resourceview.h"

#include <QAction>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QScrollBar>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

using Kind = EventsourceTableModel::Query::Kind;

EventsourceView::EventsourceView(QWidget *parent)
    : QWidget(parent)
    , m_client(new EventsourceClient(this))
    , m_model(new EventsourceTableModel(m_client, this))
    , m_address(new QLineEdit(this))
    , m_connect(new QPushButton(tr("Connect"), this))
    , m_status(new QLabel(this))
    , m_kind(new QComboBox(this))
    , m_domain(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_period(new QComboBox(this))
    , m_from(new QDateTimeEdit(this))
    , m_to(new QDateTimeEdit(this))
    , m_follow(new QAction(tr("Follow"), this))
    , m_table(new ResourceView(tr("Eventsource"), m_model, this))
    , m_eventTree(new JsonTreeWidget(this))
    , m_stateTree(new JsonTreeWidget(this))
    , m_causality(new CausalityWidget(m_client, this))
    , m_processLabel(new QLabel(this))
{
    setObjectName(QStringLiteral("Eventsource"));

    // Where: a Redis that an eventsource server indexes.
    m_address->setPlaceholderText(tr("Redis host:port"));
    m_address->setText(QSettings().value(QStringLiteral("eventsource/redis")).toString());
    m_address->setMaximumWidth(260);
    m_status->setObjectName(QStringLiteral("detailSubtitle"));
    connect(m_connect, &QPushButton::clicked, this, [this] { connectTo(m_address->text().trimmed()); });
    connect(m_address, &QLineEdit::returnPressed, m_connect, &QPushButton::click);

    // What: one index of the reference layout.
    m_kind->addItem(tr("Recent events"), int(Kind::Recent));
    m_kind->addItem(tr("A process (domain and pid)"), int(Kind::Process));
    m_kind->addItem(tr("By pid"), int(Kind::Pid));
    m_kind->addItem(tr("By parent (ppid)"), int(Kind::Ppid));
    m_kind->addItem(tr("By name"), int(Kind::Name));
    m_domain->setPlaceholderText(tr("Domain"));
    m_key->setPlaceholderText(tr("pid, ppid or name"));
    auto *show = new QPushButton(tr("Show"), this);
    connect(show, &QPushButton::clicked, this, &EventsourceView::applyQueryFields);
    connect(m_key, &QLineEdit::returnPressed, this, &EventsourceView::applyQueryFields);
    connect(m_domain, &QLineEdit::returnPressed, this, &EventsourceView::applyQueryFields);
    const auto updateFields = [this] {
        const auto kind = Kind(m_kind->currentData().toInt());
        m_domain->setEnabled(kind == Kind::Process);
        m_key->setEnabled(kind != Kind::Recent);
    };
    connect(m_kind, &QComboBox::currentIndexChanged, this, updateFields);
    updateFields();

    // When: the times the events carry (their timestamp), in local time.
    m_period->addItem(tr("Any time"), int(Period::AnyTime));
    m_period->addItem(tr("Last 15 minutes"), int(Period::Last15Minutes));
    m_period->addItem(tr("Last hour"), int(Period::LastHour));
    m_period->addItem(tr("Last 24 hours"), int(Period::LastDay));
    m_period->addItem(tr("Last 7 days"), int(Period::LastWeek));
    m_period->addItem(tr("Between …"), int(Period::Between));
    for (QDateTimeEdit *edit : {m_from, m_to}) {
        edit->setCalendarPopup(true);
        edit->setDisplayFormat(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    const QDateTime now = QDateTime::currentDateTime();
    m_from->setDateTime(now.addSecs(-3600));
    m_to->setDateTime(now);
    m_from->setToolTip(tr("From (inclusive)"));
    m_to->setToolTip(tr("To (inclusive)"));
    const auto updatePeriod = [this] {
        const bool between = Period(m_period->currentData().toInt()) == Period::Between;
        m_from->setVisible(between);
        m_to->setVisible(between);
    };
    connect(m_period, &QComboBox::currentIndexChanged, this, updatePeriod);
    connect(m_period, &QComboBox::activated, this, &EventsourceView::applyQueryFields);
    updatePeriod();

    auto *connection = new QHBoxLayout;
    connection->addWidget(new QLabel(tr("Redis"), this));
    connection->addWidget(m_address);
    connection->addWidget(m_connect);
    connection->addSpacing(12);
    connection->addWidget(m_status, 1);
    auto *query = new QHBoxLayout;
    query->addWidget(m_kind);
    query->addWidget(m_domain);
    query->addWidget(m_key);
    query->addSpacing(12);
    query->addWidget(m_period);
    query->addWidget(m_from);
    query->addWidget(m_to);
    query->addWidget(show);
    query->addStretch(1);
    // Under the view's title, above its toolbar.
    auto *bars = new QVBoxLayout;
    bars->setContentsMargins(0, 0, 0, 0);
    bars->addLayout(connection);
    bars->addLayout(query);
    if (auto *tableLayout = qobject_cast<QVBoxLayout *>(m_table->layout()))
        tableLayout->insertLayout(1, bars);

    m_follow->setCheckable(true);
    m_follow->setToolTip(tr("Add events the server persists from now on, at the top"));
    connect(m_follow, &QAction::toggled, this, &EventsourceView::setFollowing);
    m_table->addViewAction(m_follow);
    QTableView *table = m_table->table();
    table->sortByColumn(EventsourceTableModel::Time, Qt::DescendingOrder);
    table->horizontalHeader()->setSectionResizeMode(EventsourceTableModel::Data, QHeaderView::Stretch);
    table->setColumnHidden(EventsourceTableModel::Id, true);
    m_table->setDetailProvider([this](const QString &id) {
        const int row = m_model->rowOf(id);
        if (row < 0)
            return ResourceView::Detail{};
        const EventsourceClient::Event &event = m_model->event(row);
        const auto line = [](const QString &label, const QString &value) {
            return QStringLiteral("<tr><td style='color:#6b7280;padding-right:12px'>%1</td><td>%2</td></tr>")
                .arg(label, value.isEmpty() ? QStringLiteral("—") : value.toHtmlEscaped());
        };
        QJsonObject json{{QStringLiteral("id"), event.id},
                         {QStringLiteral("domain"), event.domain},
                         {QStringLiteral("pid"), event.pid},
                         {QStringLiteral("name"), event.name},
                         {QStringLiteral("timestamp"), event.timestamp},
                         {QStringLiteral("data"), event.data}};
        if (!event.ppid.isEmpty())
            json.insert(QStringLiteral("ppid"), event.ppid);
        if (!event.rid.isEmpty())
            json.insert(QStringLiteral("rid"), event.rid);
        return ResourceView::Detail{QStringLiteral("<h3>%1</h3><table>").arg(event.name.toHtmlEscaped()) +
                                        line(tr("Time"), event.timestamp) + line(tr("Domain"), event.domain) +
                                        line(tr("Process"), event.pid) + line(tr("Parent"), event.ppid) +
                                        line(tr("Caused by"), event.rid) + line(tr("Id"), event.id) +
                                        QStringLiteral("</table>"),
                                    QString::fromUtf8(QJsonDocument(json).toJson(QJsonDocument::Indented))};
    });
    // The data as a tree, and the process it belongs to.
    m_table->addDetailTab(m_eventTree, tr("Data"));
    auto *process = new QWidget(this);
    auto *processLayout = new QVBoxLayout(process);
    processLayout->setContentsMargins(8, 8, 8, 8);
    m_processLabel->setWordWrap(true);
    processLayout->addWidget(m_processLabel);
    processLayout->addWidget(m_stateTree, 1);
    m_table->addDetailTab(process, tr("Process state"));
    m_table->addDetailTab(m_causality, tr("Causality"));
    connect(m_causality, &CausalityWidget::eventActivated, this,
            [this](const EventsourceClient::Event &event) {
                // Selected in the table when it is there; the causality tab follows it either way.
                if (m_model->rowOf(event.id) >= 0)
                    m_table->selectId(event.id);
            });
    connect(m_table, &ResourceView::currentIdChanged, this, &EventsourceView::showSelectedEvent);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_table, 1);

    connect(m_client, &EventsourceClient::ready, this, [this] {
        m_connectionProblem.clear();
        m_model->setQuery(m_model->query());
        updateStatus();
    });
    connect(m_client, &EventsourceClient::disconnected, this, [this](const QString &reason) {
        m_connectionProblem = reason;
        updateStatus();
    });
    connect(m_model, &EventsourceTableModel::totalChanged, this, &EventsourceView::updateStatus);
    connect(m_model, &EventsourceTableModel::loadingChanged, this, &EventsourceView::updateStatus);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &EventsourceView::updateStatus);
    connect(m_model, &EventsourceTableModel::failed, m_table, &ResourceView::showError);
    connect(m_model, &EventsourceTableModel::windowChanged, this, &EventsourceView::updateStatus);
    // The rows are a window (EventsourceTableModel): at its top, the newer
    // pages it let go are read back; rows coming or going above the ones in
    // sight move the scroll bar by as many, so the reader keeps their place.
    QScrollBar *bar = table->verticalScrollBar();
    connect(bar, &QScrollBar::valueChanged, this, [this, bar](int value) {
        if (value == bar->minimum() && m_model->hasNewer())
            m_model->fetchNewer();
    });
    connect(m_model, &EventsourceTableModel::rowsShiftedAbove, this, [table, bar](int rows) {
        table->doItemsLayout(); // the scroll range as it is now
        bar->setValue(bar->value() + rows);
    });
    updateStatus();
}

void EventsourceView::connectTo(const QString &address)
{
    const auto where = HostPort::parse(address);
    if (!where) {
        m_connectionProblem = tr("Give the Redis address as host:port, e.g. 127.0.0.1:6379");
        updateStatus();
        return;
    }
    m_address->setText(address);
    QSettings().setValue(QStringLiteral("eventsource/redis"), address);
    RedisConnection::Options options;
    options.host = where->host;
    options.port = where->port;
    m_connectionProblem.clear();
    m_client->close();
    m_client->open(options);
    if (m_follow->isChecked())
        m_model->setFollowing(true);
    updateStatus();
}

void EventsourceView::setQuery(const EventsourceTableModel::Query &query)
{
    m_kind->setCurrentIndex(m_kind->findData(int(query.kind)));
    m_domain->setText(query.domain);
    m_key->setText(query.key);
    m_model->setQuery(query);
    updateStatus();
}

void EventsourceView::setFollowing(bool following)
{
    if (m_follow->isChecked() != following)
        m_follow->setChecked(following); // comes back here through toggled
    m_model->setFollowing(following);
}

void EventsourceView::applyQueryFields()
{
    EventsourceTableModel::Query query;
    query.kind = Kind(m_kind->currentData().toInt());
    query.domain = m_domain->text().trimmed();
    query.key = m_key->text().trimmed();
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    switch (Period(m_period->currentData().toInt())) {
    case Period::AnyTime:
        break;
    case Period::Last15Minutes:
        query.fromMs = nowMs - 15 * 60 * 1000;
        break;
    case Period::LastHour:
        query.fromMs = nowMs - 3600 * 1000;
        break;
    case Period::LastDay:
        query.fromMs = nowMs - 24 * 3600 * 1000;
        break;
    case Period::LastWeek:
        query.fromMs = nowMs - 7 * 24 * 3600 * 1000LL;
        break;
    case Period::Between:
        query.fromMs = m_from->dateTime().toMSecsSinceEpoch();
        query.toMs = m_to->dateTime().toMSecsSinceEpoch() + 999; // the whole last second
        if (*query.fromMs > *query.toMs) {
            m_table->showError(tr("The range ends before it begins"));
            return;
        }
        break;
    }
    if (query.kind != Kind::Recent && query.key.isEmpty()) {
        m_table->showError(tr("Say which pid, ppid or name to show"));
        return;
    }
    if (query.kind == Kind::Process && query.domain.isEmpty()) {
        m_table->showError(tr("A process is named by its domain and its pid"));
        return;
    }
    m_table->clearMessage();
    setQuery(query);
}

void EventsourceView::setPeriod(Period period, const QDateTime &from, const QDateTime &to)
{
    m_period->setCurrentIndex(m_period->findData(int(period)));
    if (from.isValid())
        m_from->setDateTime(from);
    if (to.isValid())
        m_to->setDateTime(to);
    applyQueryFields();
}

void EventsourceView::showSelectedEvent(const QString &id)
{
    const int row = m_model->rowOf(id);
    if (row < 0) {
        m_causality->clear();
        m_eventTree->setJson(QJsonValue::Undefined);
        m_stateTree->setJson(QJsonValue::Undefined);
        m_processLabel->clear();
        return;
    }
    const EventsourceClient::Event event = m_model->event(row);
    m_eventTree->setJson(event.data);
    m_causality->setEvent(event);
    m_processLabel->setText(tr("Loading the state of %1 / %2 …").arg(event.domain, event.pid));
    m_client->readEventlog(
        EventsourceClient::Index::DomainAndPid, event.domain, event.pid,
        [this, event](const QList<EventsourceClient::Event> &events, const QString &error) {
            if (m_table->currentId() != event.id)
                return; // another event was selected meanwhile
            QJsonValue state = QJsonObject{};
            for (const EventsourceClient::Event &e : events)
                state = EventsourceClient::deepMerge(state, e.data);
            m_stateTree->setJson(state);
            m_processLabel->setText(
                error.isEmpty() ? tr("%1 / %2: its %n event(s) merged in order", nullptr, int(events.size()))
                                      .arg(event.domain, event.pid)
                                : error);
        });
}

QString EventsourceView::status() const
{
    return m_status->text();
}

void EventsourceView::updateStatus()
{
    QString text;
    if (!m_connectionProblem.isEmpty())
        text = m_connectionProblem;
    else if (!m_client->isReady())
        text = m_address->text().isEmpty() ? tr("Not connected")
                                           : tr("Connecting to %1 …").arg(m_address->text());
    else if (m_model->total() < 0 && m_model->query().kind == Kind::Recent && m_model->query().hasTimeRange())
        text = tr("%1 events in the time range so far%2 (no index spans every event: all are scanned)")
                   .arg(QLocale().toString(m_model->rowCount()),
                        m_model->isLoading() ? tr(", scanning") : QString());
    else if (m_model->total() < 0)
        text = tr("Counting …");
    else if (m_model->hasNewer() || m_model->rowCount() >= m_model->windowPages() * EventsourceTableModel::PageSize)
        text = tr("Events %1 to %2 of %3%4: a window of the newest read so far; scroll on for older, back up for newer")
                   .arg(QLocale().toString(m_model->windowStart() + 1),
                        QLocale().toString(m_model->windowStart() + m_model->rowCount()), QLocale().toString(m_model->total()),
                        m_model->isLoading() ? tr(" (loading)") : QString());
    else
        text = tr("%1 of %2 events loaded%3")
                   .arg(QLocale().toString(m_model->rowCount()), QLocale().toString(m_model->total()),
                        m_model->isLoading() ? tr(" (loading more)") : QString());
    if (m_model->newerArrived() > 0)
        text += tr(" · %n newer event(s) above", nullptr, m_model->newerArrived());
    m_status->setText(text);
}

} // namespace cape
