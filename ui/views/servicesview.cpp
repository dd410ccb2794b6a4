#include "servicesview.h"

#include "detailhtml.h"
#include "tasklist.h"

#include "ui/services/serviceeditor.h"

#include "models/clusterstore.h"
#include "models/jsonpath.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tasktablemodel.h"
#include "services/docker/dockerclient.h"
#include "ui/style/messagelabel.h"

#include <QAction>
#include <QInputDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTableView>

namespace cape {

namespace {

QString nanos(qint64 ns)
{
    if (ns <= 0)
        return {};
    if (ns % 1000000000 == 0)
        return QStringLiteral("%1s").arg(ns / 1000000000);
    return QStringLiteral("%1ms").arg(ns / 1000000);
}

QStringList keyValues(const QJsonObject &object)
{
    QStringList out;
    for (auto it = object.begin(); it != object.end(); ++it)
        out << it.key() + u'=' + it.value().toString();
    return out;
}

QStringList strings(const QJsonValue &array)
{
    QStringList out;
    for (const QJsonValue &v : array.toArray())
        out << v.toString();
    return out;
}

} // namespace

ServicesView::ServicesView(ClusterStore *store, QWidget *parent)
    : ResourceView(tr("Services"), store->services(), parent)
    , m_store(store)
    , m_tasks(new TaskList(store->tasks(), TaskTableModel::ServiceIdRole, this))
{
    setStateColumns({ServiceTableModel::Replicas, ServiceTableModel::UpdateState});
    setPlaceholder(tr("No services yet. Create… starts one; a stack (Stacks › Deploy…) starts several."));
    setDetailProvider([this](const QString &id) { return detailOf(id); });
    addDetailTab(m_tasks, tr("Tasks"));
    connect(this, &ResourceView::currentIdChanged, m_tasks, &TaskList::setScope);

    auto *create = new QAction(tr("Create…"), this);
    create->setShortcut(QKeySequence::New);
    connect(create, &QAction::triggered, this, [this] { openEditor({}); });
    addViewAction(create);
    auto *edit = new QAction(tr("Edit…"), this);
    connect(edit, &QAction::triggered, this, [this] {
        if (!currentId().isEmpty())
            openEditor(currentId());
    });
    addRowAction(edit);
    connect(table(), &QAbstractItemView::doubleClicked, edit, &QAction::trigger);
    addSeparator();
    const auto action = [this](const QString &text, void (ServicesView::*slot)()) {
        auto *a = new QAction(text, this);
        connect(a, &QAction::triggered, this, slot);
        addRowAction(a);
        return a;
    };
    action(tr("Logs"), &ServicesView::showLogsOfSelected)->setShortcut(QKeySequence(Qt::Key_L));
    action(tr("Scale…"), &ServicesView::scaleSelected)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_S));
    action(tr("Restart"), &ServicesView::restartSelected)->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    action(tr("Roll back"), &ServicesView::rollbackSelected);
    addSeparator();
    action(tr("Remove"), &ServicesView::removeSelected)->setShortcut(QKeySequence::Delete);

    // A followed action's notice moves with the service (its record and
    // replica counts change in place), at most a few times a second.
    m_progressTimer.setSingleShot(true);
    m_progressTimer.setInterval(100);
    connect(&m_progressTimer, &QTimer::timeout, this, &ServicesView::updateProgress);
    const auto schedule = [this] {
        if (m_followed && !m_progressTimer.isActive())
            m_progressTimer.start();
    };
    connect(store->services(), &QAbstractItemModel::dataChanged, this, schedule);
    connect(store->services(), &QAbstractItemModel::rowsRemoved, this, schedule);
}

void ServicesView::showLogsOfSelected()
{
    for (const QString &id : selectedIds()) {
        if (const ServiceRecord *service = m_store->services()->find(id)) {
            const bool tty = json::object(service->spec(), {"TaskTemplate", "ContainerSpec"})
                                 .value(QLatin1String("TTY"))
                                 .toBool();
            emit logsRequested({LogFeed::Kind::Service, id, service->name, {}, tty});
        }
    }
}

ResourceView::Detail ServicesView::detailOf(const QString &id) const
{
    const ServiceRecord *service = m_store->services()->find(id);
    if (!service)
        return {};
    const QJsonObject spec = service->spec();
    const QJsonObject container = json::object(spec, {"TaskTemplate", "ContainerSpec"});
    const auto replicas = m_store->services()->replicas(id);
    DetailHtml html(service->name, m_store->services()->healthOf(*service));
    html.section(tr("Service"))
        .row(tr("ID"), service->id)
        .row(tr("Stack"), service->stack)
        .row(tr("Image"), container.value(QLatin1String("Image")).toString())
        .row(tr("Mode"), service->mode)
        .row(tr("Replicas"), tr("%1 running of %2").arg(replicas.running).arg(replicas.desired))
        .list(tr("Ports"), service->ports)
        .row(tr("Command"), (strings(container.value(QLatin1String("Command"))) +
                             strings(container.value(QLatin1String("Args"))))
                                .join(u' '))
        .list(tr("Environment"), strings(container.value(QLatin1String("Env"))))
        .list(tr("Labels"), keyValues(spec.value(QLatin1String("Labels")).toObject()));
    QStringList networks;
    for (const QJsonValue &n : json::at(spec, {"TaskTemplate", "Networks"}).toArray()) {
        const QString target = n.toObject().value(QLatin1String("Target")).toString();
        const ObjectRecord *network = m_store->networks()->find(target);
        networks << (network ? network->name : target.left(12));
    }
    html.list(tr("Networks"), networks);
    html.section(tr("Placement"))
        .list(tr("Constraints"), strings(json::at(spec, {"TaskTemplate", "Placement", "Constraints"})));
    const QJsonObject limits = json::object(spec, {"TaskTemplate", "Resources", "Limits"});
    if (!limits.isEmpty())
        html.row(tr("Limits"),
                 tr("%1 CPU, %2 MiB")
                     .arg(double(limits.value(QLatin1String("NanoCPUs")).toInteger()) / 1e9)
                     .arg(limits.value(QLatin1String("MemoryBytes")).toInteger() / (1024 * 1024)));
    const QJsonObject update = spec.value(QLatin1String("UpdateConfig")).toObject();
    html.section(tr("Updates"))
        .rawRow(tr("State"), service->updateState.isEmpty() ? tr("never updated")
                                                            : DetailHtml::badge(service->updateState))
        .row(tr("Message"), service->updateMessage)
        .row(tr("Parallelism"), update.isEmpty()
                                    ? QString()
                                    : QString::number(update.value(QLatin1String("Parallelism")).toInt()))
        .row(tr("Order"), update.value(QLatin1String("Order")).toString())
        .row(tr("Delay"), nanos(update.value(QLatin1String("Delay")).toInteger()))
        .row(tr("On failure"), update.value(QLatin1String("FailureAction")).toString());
    return {html.toHtml(), QString::fromUtf8(QJsonDocument(service->raw).toJson(QJsonDocument::Indented))};
}

void ServicesView::openEditor(const QString &id)
{
    auto *editor = new ServiceEditor(m_store, id, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    connect(editor, &ServiceEditor::submitted, this,
            [this](const QString &message) { messageLabel()->showInfo(message, MessageLabel::NewsMs); });
    editor->open();
}

void ServicesView::scaleSelected()
{
    const QString id = currentId();
    const ServiceRecord *service = m_store->services()->find(id);
    if (!service)
        return;
    if (service->isGlobal()) {
        showError(tr("%1 is a global service: it runs one task per eligible node and cannot be scaled.")
                      .arg(service->name));
        return;
    }
    bool ok = false;
    const int replicas = QInputDialog::getInt(this, tr("Scale %1").arg(service->name), tr("Replicas:"),
                                              std::max(service->specReplicas, 0), 0, 10000, 1, &ok);
    if (ok)
        scale(id, replicas);
}

void ServicesView::scale(const QString &id, int replicas)
{
    const QString name = m_store->services()->nameOf(id);
    act(m_store->client()->scaleService(id, replicas), id, ServiceProgress::Operation::Scale,
        tr("Scaling %1 to %2…").arg(name).arg(replicas), replicas);
}

void ServicesView::restartSelected()
{
    for (const QString &id : selectedIds()) {
        const QString name = m_store->services()->nameOf(id);
        act(m_store->client()->forceUpdateService(id), id, ServiceProgress::Operation::Restart,
            tr("Restarting %1…").arg(name));
    }
}

void ServicesView::rollbackSelected()
{
    const QString id = currentId();
    const QString name = m_store->services()->nameOf(id);
    if (id.isEmpty() ||
        !confirm(tr("Roll %1 back to its previous specification?").arg(name), tr("Roll back")))
        return;
    act(m_store->client()->rollbackService(id), id, ServiceProgress::Operation::Rollback,
        tr("Rolling %1 back…").arg(name));
}

void ServicesView::act(DockerReply *reply, const QString &id, ServiceProgress::Operation operation,
                       const QString &doing, int scaleTo)
{
    const ServiceRecord *service = m_store->services()->find(id);
    if (!service)
        return;
    // The status as it was: the action's own update is the next one.
    Followed followed{id, service->name, operation, ServiceProgress::Before::of(*service, scaleTo)};
    m_followed.reset();
    showInfo(doing);
    reply->then(this, [this, followed](DockerReply *r) {
        if (r->error()) {
            showEngineError(r->error());
            return;
        }
        m_followed = followed;
        updateProgress();
    });
}

void ServicesView::updateProgress()
{
    if (!m_followed)
        return;
    const ServiceRecord *service = m_store->services()->find(m_followed->id);
    const ServiceProgress progress =
        ServiceProgress::of(m_followed->operation, m_followed->before, m_followed->name, service,
                            m_store->services()->replicas(m_followed->id));
    if (progress.phase == ServiceProgress::Phase::Running) {
        showInfo(progress.text);
        return;
    }
    m_followed.reset();
    if (progress.phase == ServiceProgress::Phase::Failed)
        messageLabel()->showError(progress.text, service ? service->updateMessage : QString());
    else
        messageLabel()->showInfo(progress.text, MessageLabel::NewsMs);
}

void ServicesView::removeSelected()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QStringList names;
    for (const QString &id : ids)
        names << m_store->services()->nameOf(id);
    if (!confirm(tr("Remove %1? Its tasks are stopped and removed.").arg(names.join(QLatin1String(", "))),
                 tr("Remove")))
        return;
    for (const QString &id : ids)
        track(m_store->client()->removeService(id), tr("Removing %1…").arg(m_store->services()->nameOf(id)),
              tr("Service removed."));
}

} // namespace cape
