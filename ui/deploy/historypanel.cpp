#include "historypanel.h"

#include "templatepanel.h"

#include "models/deploymenttablemodel.h"
#include "models/modelroles.h"
#include "models/tablefilterproxymodel.h"
#include "services/deploy/deploydclient.h"
#include "services/deploy/specdiff.h"
#include "services/keychain/keychain.h"
#include "ui/views/detailhtml.h"

#include <QAction>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSettings>
#include <QTableView>
#include <QVBoxLayout>

namespace cape {

namespace {

constexpr auto UrlSetting = "deploy/url";
constexpr auto KeychainService = "Cape deployd";

QString timeText(const QDateTime &time)
{
    return time.isValid() ? time.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"))
                          : QStringLiteral("—");
}

} // namespace

HistoryPanel::HistoryPanel(QWidget *parent)
    : ResourceView(tr("Deployments"), new DeploymentTableModel, parent)
    , m_client(new DeploydClient(this))
    , m_model(static_cast<DeploymentTableModel *>(proxy()->sourceModel()))
    , m_url(new QLineEdit(this))
    , m_token(new QLineEdit(this))
    , m_keychain(new Keychain(QString::fromLatin1(KeychainService)))
{
    m_model->setParent(this);
    setStateColumns({DeploymentTableModel::Status});
    table()->sortByColumn(DeploymentTableModel::Started, Qt::DescendingOrder);
    setDetailProvider([this](const QString &id) { return detailOf(id); });

    // Where cape-deployd is: above the table.
    m_url->setPlaceholderText(tr("http://manager:9470"));
    m_token->setPlaceholderText(tr("API token (if the daemon asks for one)"));
    m_token->setEchoMode(QLineEdit::Password);
    auto *connectButton = new QPushButton(tr("Connect"), this);
    connect(connectButton, &QPushButton::clicked, this,
            [this] { connectTo(QUrl(m_url->text().trimmed()), m_token->text().toUtf8()); });
    connect(m_url, &QLineEdit::returnPressed, connectButton, &QPushButton::click);
    auto *where = new QHBoxLayout;
    where->addWidget(new QLabel(tr("cape-deployd"), this));
    where->addWidget(m_url, 2);
    where->addWidget(m_token, 1);
    where->addWidget(connectButton);
    if (auto *box = qobject_cast<QVBoxLayout *>(layout()))
        box->insertLayout(0, where);

    auto *refreshAction = new QAction(tr("Refresh"), this);
    connect(refreshAction, &QAction::triggered, this, &HistoryPanel::refresh);
    addViewAction(refreshAction);
    auto *deploy = new QAction(tr("Deploy now…"), this);
    deploy->setToolTip(tr("Deploy a branch, tag or commit of a repository now"));
    connect(deploy, &QAction::triggered, this, &HistoryPanel::openDeployDialog);
    addViewAction(deploy);
    auto *rollback = new QAction(tr("Roll back to this"), this);
    rollback->setToolTip(tr("Put every service back as this deployment left it"));
    connect(rollback, &QAction::triggered, this, [this] {
        const Deployment *deployment = m_model->deployment(currentId());
        if (!deployment)
            return;
        if (confirm(tr("Put the services of %1 back as deployment %2 left them (commit %3)?")
                        .arg(deployment->repository, deployment->id,
                             deployment->commit[QLatin1String("sha")].toString().left(8)),
                    tr("Roll back")))
            rollBackTo(deployment->id);
    });
    addRowAction(rollback);

    m_refresh.setInterval(2000);
    connect(&m_refresh, &QTimer::timeout, this, &HistoryPanel::refresh);

    const QString saved = QSettings().value(QLatin1String(UrlSetting)).toString();
    if (!saved.isEmpty()) {
        m_url->setText(saved);
        m_keychain->read(saved, this, [this, saved](bool ok, const QByteArray &token, const QString &) {
            m_token->setText(ok ? QString::fromUtf8(token) : QString());
            connectTo(QUrl(saved), ok ? token : QByteArray(), false);
        });
    } else {
        showInfo(tr("Give cape-deployd's address (and its API token) to see its deployments."));
    }
}

HistoryPanel::~HistoryPanel()
{
    delete m_keychain;
}

void HistoryPanel::connectTo(const QUrl &url, const QByteArray &token, bool remember)
{
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))) {
        fail(tr("\"%1\" is not an address: give http://host:9470").arg(url.toString()));
        return;
    }
    m_url->setText(url.toString());
    m_token->setText(QString::fromUtf8(token));
    m_client->setEndpoint(url, token);
    m_full.clear();
    m_model->setDeployments({});
    if (remember) {
        QSettings().setValue(QLatin1String(UrlSetting), url.toString());
        m_keychain->write(url.toString(), token, this,
                          [this](bool ok, const QByteArray &, const QString &problem) {
                              if (!ok)
                                  showError(tr("The token is not remembered: %1").arg(problem));
                          });
    }
    m_client->repositories([this](const QJsonArray &repositories, const QString &) {
        m_repositories.clear();
        for (const QJsonValue &repository : repositories)
            m_repositories << repository[QLatin1String("name")].toString();
    });
    refresh();
    if (isVisible())
        m_refresh.start();
}

void HistoryPanel::showEvent(QShowEvent *event)
{
    ResourceView::showEvent(event);
    if (m_client->endpoint().isValid()) {
        refresh();
        m_refresh.start();
    }
}

void HistoryPanel::hideEvent(QHideEvent *event)
{
    ResourceView::hideEvent(event);
    m_refresh.stop(); // nobody looks: no polling
}

void HistoryPanel::fail(const QString &message)
{
    showError(message);
    emit finished(false, message);
}

void HistoryPanel::refresh()
{
    if (m_refreshing || !m_client->endpoint().isValid())
        return;
    m_refreshing = true;
    m_client->deployments({}, 200, [this](const QList<Deployment> &deployments, const QString &error) {
        m_refreshing = false;
        if (!error.isEmpty()) {
            fail(error);
            return;
        }
        m_model->setDeployments(deployments);
        // A running one's details follow it.
        const QString current = currentId();
        const Deployment *shown = m_model->deployment(current);
        if (shown && (m_full.value(current).status != shown->status || !shown->isFinished())) {
            m_full.remove(current);
            refreshDetail();
        }
        emit finished(true, {});
    });
}

void HistoryPanel::deployNow(const QString &repository, const QString &ref)
{
    m_client->deploy(repository, ref, [this, repository, ref](const QString &id, const QString &error) {
        if (!error.isEmpty()) {
            fail(tr("Cannot deploy %1: %2").arg(repository, error));
            return;
        }
        const QString message = tr("Deployment %1 of %2 (%3) is queued.")
                                    .arg(id, repository, ref.isEmpty() ? tr("its branch") : ref);
        showInfo(message);
        refresh();
        emit finished(true, message);
    });
}

void HistoryPanel::rollBackTo(const QString &id)
{
    m_client->rollback(id, [this, id](const QString &queued, const QString &error) {
        if (!error.isEmpty()) {
            fail(tr("Cannot roll back to %1: %2").arg(id, error));
            return;
        }
        const QString message = tr("Deployment %1 puts the services back as %2 left them.").arg(queued, id);
        showInfo(message);
        refresh();
        emit finished(true, message);
    });
}

void HistoryPanel::openDeployDialog()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Deploy now"));
    auto *repository = new QComboBox(&dialog);
    repository->addItems(m_repositories);
    repository->setEditable(m_repositories.isEmpty());
    auto *ref = new QLineEdit(&dialog);
    ref->setPlaceholderText(tr("branch, tag or commit (empty: the configured branch)"));
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Deploy"));
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Repository"), repository);
    form->addRow(tr("Ref"), ref);
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (dialog.exec() == QDialog::Accepted)
        deployNow(repository->currentText().trimmed(), ref->text().trimmed());
}

ResourceView::Detail HistoryPanel::detailOf(const QString &id)
{
    const Deployment *summary = m_model->deployment(id);
    if (!summary)
        return {};
    if (!m_full.contains(id)) {
        // The whole record once, off the event that asked; shown when it comes.
        m_full.insert(id, *summary);
        m_client->deployment(id, [this, id](const Deployment &deployment, const QString &error) {
            if (!error.isEmpty() || deployment.id.isEmpty())
                return;
            m_full.insert(id, deployment);
            if (currentId() == id)
                refreshDetail();
        });
    }
    const Deployment &deployment = m_full[id];
    DetailHtml html(tr("Deployment of %1").arg(deployment.repository),
                    DeploymentTableModel::stateOf(deployment.status));
    html.section(tr("Deployment"))
        .row(tr("Status"), DeploymentTableModel::statusText(deployment.status))
        .row(tr("Trigger"), deployment.rollbackOf.isEmpty() ? deployment.trigger
                                                            : tr("rollback to %1").arg(deployment.rollbackOf))
        .row(tr("Ref"), deployment.ref)
        .row(tr("Commit"), deployment.commit[QLatin1String("sha")].toString())
        .row(tr("Message"), deployment.commit[QLatin1String("message")].toString().section(u'\n', 0, 0))
        .row(tr("Author"), deployment.commit[QLatin1String("author")].toString())
        .row(tr("Queued"), timeText(deployment.queuedAt))
        .row(tr("Update issued"), timeText(deployment.updateIssuedAt))
        .row(tr("Finished"), timeText(deployment.finishedAt))
        .row(tr("Duration"), tr("%1 s").arg(deployment.durationMs() / 1000.0, 0, 'f', 1))
        .row(tr("Id"), deployment.id);
    if (!deployment.error.isEmpty())
        html.note(deployment.error);
    if (!deployment.plan.isEmpty()) {
        html.section(tr("Plan"));
        for (const QJsonValue &service : deployment.plan) {
            QStringList changes;
            for (const QJsonValue &change : service[QLatin1String("changes")].toArray())
                changes << QStringLiteral("%1: %2 → %3")
                               .arg(change[QLatin1String("path")].toString(),
                                    SpecDiff::valueText(change[QLatin1String("before")]),
                                    SpecDiff::valueText(change[QLatin1String("after")]));
            const QString title = QStringLiteral("%1 (%2)").arg(
                service[QLatin1String("name")].toString(),
                TemplatePanel::actionText(service[QLatin1String("action")].toString()));
            if (changes.isEmpty())
                html.row(title, QStringLiteral("—"));
            else
                html.list(title, changes);
        }
    }
    if (!deployment.results.isEmpty()) {
        html.section(tr("Results"));
        for (const QJsonValue &result : deployment.results)
            html.row(result[QLatin1String("name")].toString(),
                     result[QLatin1String("message")].toString().isEmpty()
                         ? result[QLatin1String("outcome")].toString()
                         : QStringLiteral("%1: %2").arg(result[QLatin1String("outcome")].toString(),
                                                        result[QLatin1String("message")].toString()));
    }
    return {html.toHtml(), deployment.log.join(u'\n')};
}

} // namespace cape
