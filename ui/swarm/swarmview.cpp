#include "swarmview.h"

#include "models/clusterstore.h"
#include "models/errortext.h"
#include "models/jsonpath.h"
#include "models/nodetablemodel.h"
#include "services/docker/dockerclient.h"
#include "ui/style/messagelabel.h"
#include "ui/views/detailhtml.h"

#include <QClipboard>
#include <QDateTime>
#include <QGridLayout>
#include <QGuiApplication>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMessageBox>
#include <QPushButton>
#include <QStyle>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace cape {

namespace {
// The engine's RFC 3339 time in the reader's zone and words.
QString localTime(const QJsonValue &value)
{
    const qint64 ms = json::timeMs(value);
    if (ms <= 0)
        return value.toString();
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(ms);
    const QLocale locale;
    return locale.toString(at.date(), QLocale::LongFormat) + QStringLiteral(", ") +
           at.toString(QStringLiteral("HH:mm:ss"));
}
} // namespace

SwarmView::SwarmView(ClusterStore *store, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_summary(new QTextBrowser(this))
    , m_worker(new QLineEdit(this))
    , m_manager(new QLineEdit(this))
    , m_message(new MessageLabel(this))
{
    setObjectName(QStringLiteral("Swarm"));
    auto *title = new QLabel(tr("Swarm"), this);
    title->setObjectName(QStringLiteral("viewTitle"));
    for (QLineEdit *edit : {m_worker, m_manager}) {
        edit->setReadOnly(true);
        edit->setEchoMode(QLineEdit::Password); // tokens grant entry to the swarm: hidden until asked
        edit->setPlaceholderText(tr("hidden — “Show tokens” fetches it"));
    }
    auto *show = new QPushButton(tr("Show tokens"), this);
    connect(show, &QPushButton::clicked, this, &SwarmView::showTokens);
    auto *tokens = new QGridLayout;
    int row = 0;
    for (const QString &role : {QStringLiteral("worker"), QStringLiteral("manager")}) {
        auto *copy = new QPushButton(tr("Copy join command"), this);
        copy->setObjectName(QStringLiteral("copy-") + role);
        connect(copy, &QPushButton::clicked, this, [this, role] { copyJoinCommand(role); });
        auto *rotateButton = new QPushButton(tr("Rotate"), this);
        rotateButton->setObjectName(QStringLiteral("rotate-") + role);
        connect(rotateButton, &QPushButton::clicked, this, [this, role] { rotate(role); });
        tokens->addWidget(
            new QLabel(role == QLatin1String("worker") ? tr("Worker token") : tr("Manager token"), this), row,
            0);
        tokens->addWidget(role == QLatin1String("worker") ? m_worker : m_manager, row, 1);
        tokens->addWidget(copy, row, 2);
        tokens->addWidget(rotateButton, row, 3);
        ++row;
    }
    tokens->addWidget(show, row, 1, Qt::AlignLeft);
    m_summary->setFrameShape(QFrame::StyledPanel);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 12);
    layout->setSpacing(10);
    layout->addWidget(title);
    layout->addWidget(m_message);
    layout->addLayout(tokens);
    layout->addWidget(m_summary, 1);
    connect(store, &ClusterStore::synced, this, &SwarmView::updateSummary);
    connect(store, &ClusterStore::stateChanged, this, &SwarmView::updateSummary);
    updateSummary();
}

void SwarmView::showEngineError(const DockerError &error)
{
    const ErrorText text = ErrorText::of(error, [this](const QString &id) { return m_store->nameOf(id); });
    m_message->showError(text.summary, text.details);
}

void SwarmView::setMessage(const QString &text, bool error)
{
    if (error)
        m_message->showError(text);
    else
        m_message->showInfo(text, MessageLabel::NewsMs);
}

QString SwarmView::managerAddress() const
{
    for (const NodeRecord &node : m_store->nodes()->records()) {
        if (node.managerStatus == QLatin1String("leader"))
            return json::string(node.raw, {"ManagerStatus", "Addr"});
    }
    return {};
}

QString SwarmView::roleName(const QString &role)
{
    return role == QLatin1String("worker") ? tr("worker") : tr("manager");
}

QString SwarmView::token(const QString &role) const
{
    return (role == QLatin1String("worker") ? m_worker : m_manager)->text();
}

void SwarmView::showTokens()
{
    m_store->client()->joinTokens()->then(this, [this](DockerReply *reply) {
        if (reply->error()) {
            showEngineError(reply->error());
            return;
        }
        m_worker->setText(reply->object().value(QLatin1String("Worker")).toString());
        m_manager->setText(reply->object().value(QLatin1String("Manager")).toString());
        m_worker->setEchoMode(QLineEdit::Normal);
        m_manager->setEchoMode(QLineEdit::Normal);
        m_message->hide();
    });
}

void SwarmView::copyJoinCommand(const QString &role)
{
    m_store->client()->joinTokens()->then(this, [this, role](DockerReply *reply) {
        if (reply->error()) {
            showEngineError(reply->error());
            return;
        }
        const QString token =
            reply->object()
                .value(role == QLatin1String("worker") ? QLatin1String("Worker") : QLatin1String("Manager"))
                .toString();
        QGuiApplication::clipboard()->setText(
            QStringLiteral("docker swarm join --token %1 %2").arg(token, managerAddress()));
        setMessage(tr("The %1 join command is on the clipboard.").arg(roleName(role)), false);
    });
}

void SwarmView::rotate(const QString &role)
{
    if (QMessageBox::warning(this, tr("Rotate the %1 token").arg(roleName(role)),
                             tr("Rotate the %1 join token? Nodes already in the swarm are not affected; "
                                "the old token stops working for new ones.")
                                 .arg(roleName(role)),
                             QMessageBox::Cancel | QMessageBox::Ok, QMessageBox::Cancel) != QMessageBox::Ok)
        return;
    const bool worker = role == QLatin1String("worker");
    m_store->client()->rotateJoinTokens(worker, !worker)->then(this, [this, role](DockerReply *reply) {
        if (reply->error()) {
            showEngineError(reply->error());
            return;
        }
        setMessage(tr("The %1 token was rotated.").arg(roleName(role)), false);
        if (m_worker->echoMode() == QLineEdit::Normal)
            showTokens();
    });
}

void SwarmView::updateSummary()
{
    const QJsonObject swarm = m_store->swarm();
    const QJsonObject info = m_store->info();
    if (swarm.isEmpty()) {
        m_summary->setHtml(m_store->state() == ClusterStore::State::Refused
                               ? QStringLiteral("<p>%1</p>").arg(m_store->stateMessage().toHtmlEscaped())
                               : tr("<p>Not connected to a swarm manager.</p>"));
        return;
    }
    const QJsonObject spec = swarm.value(QLatin1String("Spec")).toObject();
    DetailHtml html(tr("Swarm %1").arg(swarm.value(QLatin1String("ID")).toString().left(12)));
    html.section(tr("Cluster"))
        .row(tr("ID"), swarm.value(QLatin1String("ID")).toString())
        .row(tr("Created"), localTime(swarm.value(QLatin1String("CreatedAt"))))
        .row(tr("Updated"), localTime(swarm.value(QLatin1String("UpdatedAt"))))
        .row(tr("Nodes"), QString::number(json::at(info, {"Swarm", "Nodes"}).toInt()))
        .row(tr("Managers"), QString::number(json::at(info, {"Swarm", "Managers"}).toInt()))
        .row(tr("Default address pool"),
             [&] {
                 QStringList pools;
                 for (const QJsonValue &v : swarm.value(QLatin1String("DefaultAddrPool")).toArray())
                     pools << v.toString();
                 return pools.join(QLatin1String(", "));
             }())
        .row(tr("Data path port"), QString::number(swarm.value(QLatin1String("DataPathPort")).toInt()));
    html.section(tr("Orchestration"))
        .row(tr("Task history per slot"),
             QString::number(json::at(spec, {"Orchestration", "TaskHistoryRetentionLimit"}).toInt()))
        .row(tr("Heartbeat"), QStringLiteral("%1 s").arg(
                                  json::at(spec, {"Dispatcher", "HeartbeatPeriod"}).toInteger() / 1000000000))
        .row(tr("Node certificates expire after"),
             tr("%n day(s)", nullptr,
                int(json::at(spec, {"CAConfig", "NodeCertExpiry"}).toInteger() / 86400000000000LL)))
        .row(tr("Autolock managers"),
             json::at(spec, {"EncryptionConfig", "AutoLockManagers"}).toBool() ? tr("yes") : tr("no"));
    html.section(tr("This engine"))
        .row(tr("Name"), info.value(QLatin1String("Name")).toString())
        .row(tr("Docker"), info.value(QLatin1String("ServerVersion")).toString())
        .row(tr("API"), m_store->client()->apiVersion())
        .row(tr("Operating system"), info.value(QLatin1String("OperatingSystem")).toString())
        .row(tr("Kernel"), info.value(QLatin1String("KernelVersion")).toString())
        .row(tr("Storage driver"), info.value(QLatin1String("Driver")).toString());
    m_summary->setHtml(html.toHtml());
}

} // namespace cape
