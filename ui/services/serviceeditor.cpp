#include "serviceeditor.h"

#include "editabletable.h"

#include "ui/style/messagelabel.h"

#include "models/clusterstore.h"
#include "models/errortext.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "services/docker/dockerclient.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QTabWidget>
#include <QVBoxLayout>

namespace cape {

namespace {

QList<QStringList> pairRows(const QList<ServiceDraft::KeyValue> &pairs)
{
    QList<QStringList> rows;
    for (const auto &[key, value] : pairs)
        rows << QStringList{key, value};
    return rows;
}

QList<ServiceDraft::KeyValue> pairsFrom(const QList<QStringList> &rows)
{
    QList<ServiceDraft::KeyValue> pairs;
    for (const QStringList &row : rows)
        pairs.append({row.value(0), row.value(1)});
    return pairs;
}

QStringList column(const QList<QStringList> &rows)
{
    QStringList out;
    for (const QStringList &row : rows)
        out << row.value(0);
    return out;
}

QList<QStringList> rowsOf(const QStringList &values)
{
    QList<QStringList> rows;
    for (const QString &value : values)
        rows << QStringList{value};
    return rows;
}

// The form's one-line fields, by object name, and the draft member each holds.
struct TextField
{
    const char *name;
    QString ServiceDraft::*member;
};
const TextField TextFields[] = {
    {"name", &ServiceDraft::name},
    {"image", &ServiceDraft::image},
    {"mode", &ServiceDraft::mode},
    {"replicas", &ServiceDraft::replicas},
    {"command", &ServiceDraft::command},
    {"args", &ServiceDraft::args},
    {"workingDir", &ServiceDraft::workingDir},
    {"user", &ServiceDraft::user},
    {"hostname", &ServiceDraft::hostname},
    {"maxReplicasPerNode", &ServiceDraft::maxReplicasPerNode},
    {"limitCpus", &ServiceDraft::limitCpus},
    {"limitMemory", &ServiceDraft::limitMemory},
    {"reserveCpus", &ServiceDraft::reserveCpus},
    {"reserveMemory", &ServiceDraft::reserveMemory},
    {"restartCondition", &ServiceDraft::restartCondition},
    {"restartDelay", &ServiceDraft::restartDelay},
    {"restartMaxAttempts", &ServiceDraft::restartMaxAttempts},
    {"restartWindow", &ServiceDraft::restartWindow},
    {"healthTest", &ServiceDraft::healthTest},
    {"healthInterval", &ServiceDraft::healthInterval},
    {"healthTimeout", &ServiceDraft::healthTimeout},
    {"healthRetries", &ServiceDraft::healthRetries},
    {"healthStartPeriod", &ServiceDraft::healthStartPeriod},
};
// The update and rollback groups: "update.delay", "rollback.order", ...
struct PolicyField
{
    const char *name;
    QString ServiceDraft::UpdatePolicy::*member;
};
const PolicyField PolicyFields[] = {
    {"parallelism", &ServiceDraft::UpdatePolicy::parallelism},
    {"delay", &ServiceDraft::UpdatePolicy::delay},
    {"order", &ServiceDraft::UpdatePolicy::order},
    {"failureAction", &ServiceDraft::UpdatePolicy::failureAction},
    {"monitor", &ServiceDraft::UpdatePolicy::monitor},
    {"maxFailureRatio", &ServiceDraft::UpdatePolicy::maxFailureRatio},
};
const std::pair<const char *, ServiceDraft::UpdatePolicy ServiceDraft::*> Policies[] = {
    {"update", &ServiceDraft::update},
    {"rollback", &ServiceDraft::rollback},
};

QString policyFieldName(const char *policy, const char *field)
{
    return QLatin1StringView(policy) + u'.' + QLatin1StringView(field);
}

} // namespace

ServiceEditor::ServiceEditor(ClusterStore *store, const QString &serviceId, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_serviceId(serviceId)
    , m_tabs(new QTabWidget(this))
    , m_problems(new MessageLabel(this))
{
    setObjectName(QStringLiteral("serviceEditor"));
    const ServiceRecord *service = store->services()->find(serviceId);
    setWindowTitle(service ? tr("Edit %1").arg(service->name) : tr("Create a service"));

    m_tabs->addTab(generalTab(), tr("General"));
    m_tabs->addTab(environmentTab(), tr("Environment"));
    m_tabs->addTab(networkTab(), tr("Network"));
    m_tabs->addTab(storageTab(), tr("Storage"));
    m_tabs->addTab(placementTab(), tr("Placement"));
    m_tabs->addTab(policyTab(), tr("Policies"));
    m_tabs->addTab(healthTab(), tr("Health"));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_submit = buttons->button(QDialogButtonBox::Ok);
    m_submit->setText(service ? tr("Update") : tr("Create"));
    m_submit->setObjectName(QStringLiteral("submit"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ServiceEditor::submit);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_problems);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(buttons);
    resize(820, 620);

    ServiceDraft initial;
    if (service) {
        initial = ServiceDraft::fromSpec(service->spec(), [this](const QString &kind, const QString &id) { return nameOf(kind, id); });
        m_fields.value(QStringLiteral("name"))->setEnabled(false); // the engine cannot rename a service
    } else {
        // start-first: a new service rolls out without downtime by default.
        initial.update.order = QStringLiteral("start-first");
        initial.update.failureAction = QStringLiteral("rollback");
    }
    setDraft(initial);
}

QLineEdit *ServiceEditor::line(const QString &objectName, const QString &placeholder)
{
    auto *edit = new QLineEdit(this);
    edit->setObjectName(objectName);
    edit->setPlaceholderText(placeholder);
    m_fields.insert(objectName, edit);
    m_tabOf.insert(objectName, m_tabs->count());
    return edit;
}

QComboBox *ServiceEditor::combo(const QString &objectName, const QStringList &choices)
{
    auto *box = new QComboBox(this);
    box->setObjectName(objectName);
    box->addItems(choices);
    m_fields.insert(objectName, box);
    m_tabOf.insert(objectName, m_tabs->count());
    return box;
}

QWidget *ServiceEditor::generalTab()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    form->addRow(tr("Name"), line(QStringLiteral("name"), tr("web")));
    form->addRow(tr("Image"), line(QStringLiteral("image"), tr("nginx:1.27")));
    auto *mode = combo(QStringLiteral("mode"), {QStringLiteral("replicated"), QStringLiteral("global")});
    form->addRow(tr("Mode"), mode);
    QLineEdit *replicas = line(QStringLiteral("replicas"), QStringLiteral("1"));
    form->addRow(tr("Replicas"), replicas);
    connect(mode, &QComboBox::currentTextChanged, replicas,
            [replicas](const QString &text) { replicas->setEnabled(text == QLatin1String("replicated")); });
    form->addRow(tr("Command"), line(QStringLiteral("command"), tr("overrides the image's entrypoint, e.g. /bin/server --port 80")));
    form->addRow(tr("Arguments"), line(QStringLiteral("args"), tr("overrides the image's CMD")));
    form->addRow(tr("Working directory"), line(QStringLiteral("workingDir")));
    form->addRow(tr("User"), line(QStringLiteral("user"), tr("uid[:gid] or name")));
    form->addRow(tr("Hostname"), line(QStringLiteral("hostname")));
    return page;
}

QWidget *ServiceEditor::environmentTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_env = new EditableTable({tr("Variable"), tr("Value")}, page);
    m_env->setObjectName(QStringLiteral("env"));
    m_labels = new EditableTable({tr("Label"), tr("Value")}, page);
    m_labels->setObjectName(QStringLiteral("labels"));
    m_containerLabels = new EditableTable({tr("Label"), tr("Value")}, page);
    for (const QString &field : {QStringLiteral("env"), QStringLiteral("labels")})
        m_tabOf.insert(field, m_tabs->count());
    m_fields.insert(QStringLiteral("env"), m_env);
    m_fields.insert(QStringLiteral("labels"), m_labels);
    layout->addWidget(new QLabel(tr("Environment"), page));
    layout->addWidget(m_env);
    layout->addWidget(new QLabel(tr("Service labels"), page));
    layout->addWidget(m_labels);
    layout->addWidget(new QLabel(tr("Container labels"), page));
    layout->addWidget(m_containerLabels);
    return page;
}

QWidget *ServiceEditor::networkTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_ports = new EditableTable({tr("Published"), tr("Target"), tr("Protocol"), tr("Mode")}, page);
    m_ports->setObjectName(QStringLiteral("ports"));
    m_ports->setChoices(2, {QStringLiteral("tcp"), QStringLiteral("udp"), QStringLiteral("sctp")});
    m_ports->setChoices(3, {QStringLiteral("ingress"), QStringLiteral("host")});
    m_ports->setDefaults({QString(), QString(), QStringLiteral("tcp"), QStringLiteral("ingress")});
    m_networks = new QListWidget(page);
    m_networks->setObjectName(QStringLiteral("networks"));
    // Services attach to swarm-scoped networks (overlays), not a node's bridges.
    for (const ObjectRecord &network : m_store->networks()->records()) {
        if (network.raw.value(QLatin1String("Scope")).toString() != QLatin1String("swarm")
            || network.raw.value(QLatin1String("Ingress")).toBool())
            continue;
        auto *item = new QListWidgetItem(network.name, m_networks);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(Qt::Unchecked);
    }
    m_networks->sortItems();
    for (const QString &field : {QStringLiteral("ports"), QStringLiteral("networks")})
        m_tabOf.insert(field, m_tabs->count());
    m_fields.insert(QStringLiteral("ports"), m_ports);
    m_fields.insert(QStringLiteral("networks"), m_networks);
    layout->addWidget(new QLabel(tr("Published ports (host mode binds on each node running a task; ingress balances across the swarm)"), page));
    layout->addWidget(m_ports);
    layout->addWidget(new QLabel(tr("Networks"), page));
    layout->addWidget(m_networks);
    return page;
}

QWidget *ServiceEditor::storageTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_mounts = new EditableTable({tr("Type"), tr("Source"), tr("Target"), tr("Read-only")}, page);
    m_mounts->setObjectName(QStringLiteral("mounts"));
    m_mounts->setChoices(0, {QStringLiteral("volume"), QStringLiteral("bind"), QStringLiteral("tmpfs")});
    m_mounts->setChoices(3, {QStringLiteral("no"), QStringLiteral("yes")});
    m_mounts->setDefaults({QStringLiteral("volume"), QString(), QString(), QStringLiteral("no")});
    QStringList secretNames, configNames;
    for (const ObjectRecord &secret : m_store->secrets()->records())
        secretNames << secret.name;
    for (const ObjectRecord &config : m_store->configs()->records())
        configNames << config.name;
    m_secrets = new EditableTable({tr("Secret"), tr("File in the container (default /run/secrets/<name>)")}, page);
    m_secrets->setChoices(0, secretNames, true);
    m_configs = new EditableTable({tr("Config"), tr("File in the container (default /<name>)")}, page);
    m_configs->setChoices(0, configNames, true);
    for (const QString &field : {QStringLiteral("mounts"), QStringLiteral("secrets"), QStringLiteral("configs")})
        m_tabOf.insert(field, m_tabs->count());
    m_fields.insert(QStringLiteral("mounts"), m_mounts);
    m_fields.insert(QStringLiteral("secrets"), m_secrets);
    m_fields.insert(QStringLiteral("configs"), m_configs);
    layout->addWidget(new QLabel(tr("Mounts"), page));
    layout->addWidget(m_mounts);
    layout->addWidget(new QLabel(tr("Secrets"), page));
    layout->addWidget(m_secrets);
    layout->addWidget(new QLabel(tr("Configs"), page));
    layout->addWidget(m_configs);
    return page;
}

QWidget *ServiceEditor::placementTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    m_constraints = new EditableTable({tr("Constraint (node.role==worker, node.labels.zone!=b, node.hostname==node2)")}, page);
    m_preferences = new EditableTable({tr("Spread over (node.labels.zone)")}, page);
    for (const QString &field : {QStringLiteral("constraints"), QStringLiteral("preferences")})
        m_tabOf.insert(field, m_tabs->count());
    m_fields.insert(QStringLiteral("constraints"), m_constraints);
    m_fields.insert(QStringLiteral("preferences"), m_preferences);
    auto *form = new QFormLayout;
    form->addRow(tr("Max replicas per node"), line(QStringLiteral("maxReplicasPerNode"), tr("no limit")));
    form->addRow(tr("CPU limit"), line(QStringLiteral("limitCpus"), tr("e.g. 0.5")));
    form->addRow(tr("Memory limit"), line(QStringLiteral("limitMemory"), tr("e.g. 256M")));
    form->addRow(tr("CPU reservation"), line(QStringLiteral("reserveCpus")));
    form->addRow(tr("Memory reservation"), line(QStringLiteral("reserveMemory")));
    layout->addWidget(new QLabel(tr("Constraints"), page));
    layout->addWidget(m_constraints);
    layout->addWidget(new QLabel(tr("Preferences"), page));
    layout->addWidget(m_preferences);
    layout->addLayout(form);
    return page;
}

QWidget *ServiceEditor::policyTab()
{
    auto *page = new QWidget(this);
    auto *layout = new QHBoxLayout(page);
    auto *restart = new QGroupBox(tr("Restart"), page);
    auto *restartForm = new QFormLayout(restart);
    restartForm->addRow(tr("Condition"), combo(QStringLiteral("restartCondition"),
                                               {QStringLiteral("any"), QStringLiteral("on-failure"), QStringLiteral("none")}));
    restartForm->addRow(tr("Delay"), line(QStringLiteral("restartDelay"), QStringLiteral("5s")));
    restartForm->addRow(tr("Max attempts"), line(QStringLiteral("restartMaxAttempts"), tr("unlimited")));
    restartForm->addRow(tr("Window"), line(QStringLiteral("restartWindow")));
    layout->addWidget(restart);
    for (const QString &prefix : {QStringLiteral("update"), QStringLiteral("rollback")}) {
        auto *group = new QGroupBox(prefix == QLatin1String("update") ? tr("Update") : tr("Rollback"), page);
        auto *form = new QFormLayout(group);
        form->addRow(tr("Parallelism"), line(prefix + QStringLiteral(".parallelism"), QStringLiteral("1")));
        form->addRow(tr("Delay"), line(prefix + QStringLiteral(".delay"), QStringLiteral("0s")));
        form->addRow(tr("Order"), combo(prefix + QStringLiteral(".order"), {QStringLiteral("start-first"), QStringLiteral("stop-first")}));
        form->addRow(tr("On failure"), combo(prefix + QStringLiteral(".failureAction"),
                                             {QStringLiteral("pause"), QStringLiteral("continue"), QStringLiteral("rollback")}));
        form->addRow(tr("Monitor"), line(prefix + QStringLiteral(".monitor"), QStringLiteral("5s")));
        form->addRow(tr("Max failure ratio"), line(prefix + QStringLiteral(".maxFailureRatio"), QStringLiteral("0")));
        layout->addWidget(group);
    }
    return page;
}

QWidget *ServiceEditor::healthTab()
{
    auto *page = new QWidget(this);
    auto *form = new QFormLayout(page);
    m_healthDisabled = new QCheckBox(tr("Disable the image's health check"), page);
    m_healthDisabled->setObjectName(QStringLiteral("healthDisabled"));
    form->addRow(tr("Command"), line(QStringLiteral("healthTest"), tr("run by /bin/sh; exit 0 means healthy. Empty: the image's own")));
    form->addRow(QString(), m_healthDisabled);
    form->addRow(tr("Interval"), line(QStringLiteral("healthInterval"), QStringLiteral("30s")));
    form->addRow(tr("Timeout"), line(QStringLiteral("healthTimeout"), QStringLiteral("30s")));
    form->addRow(tr("Retries"), line(QStringLiteral("healthRetries"), QStringLiteral("3")));
    form->addRow(tr("Start period"), line(QStringLiteral("healthStartPeriod"), QStringLiteral("0s")));
    return page;
}

ServiceDraft ServiceEditor::draft() const
{
    const auto text = [this](const QString &field) {
        QWidget *widget = m_fields.value(field);
        if (auto *edit = qobject_cast<QLineEdit *>(widget))
            return edit->text();
        if (auto *box = qobject_cast<QComboBox *>(widget))
            return box->currentText();
        return QString();
    };
    ServiceDraft d;
    for (const TextField &field : TextFields)
        d.*field.member = text(QLatin1StringView(field.name));
    for (const auto &[policy, member] : Policies) {
        for (const PolicyField &field : PolicyFields)
            (d.*member).*field.member = text(policyFieldName(policy, field.name));
    }
    d.env = pairsFrom(m_env->rows());
    d.labels = pairsFrom(m_labels->rows());
    d.containerLabels = pairsFrom(m_containerLabels->rows());
    for (const QStringList &row : m_ports->rows())
        d.ports.append({row.value(0), row.value(1), row.value(2), row.value(3)});
    for (int i = 0; i < m_networks->count(); ++i) {
        if (m_networks->item(i)->checkState() == Qt::Checked)
            d.networks << m_networks->item(i)->text();
    }
    for (const QStringList &row : m_mounts->rows())
        d.mounts.append({row.value(0), row.value(1), row.value(2), row.value(3) == QLatin1String("yes")});
    for (const QStringList &row : m_secrets->rows())
        d.secrets.append({row.value(0), row.value(1)});
    for (const QStringList &row : m_configs->rows())
        d.configs.append({row.value(0), row.value(1)});
    d.constraints = column(m_constraints->rows());
    d.preferences = column(m_preferences->rows());
    d.healthDisabled = m_healthDisabled->isChecked();
    return d;
}

void ServiceEditor::setDraft(const ServiceDraft &d)
{
    const auto set = [this](const QString &field, const QString &value) {
        QWidget *widget = m_fields.value(field);
        if (auto *edit = qobject_cast<QLineEdit *>(widget))
            edit->setText(value);
        else if (auto *box = qobject_cast<QComboBox *>(widget))
            box->setCurrentText(value);
    };
    for (const TextField &field : TextFields)
        set(QLatin1StringView(field.name), d.*field.member);
    for (const auto &[policy, member] : Policies) {
        for (const PolicyField &field : PolicyFields)
            set(policyFieldName(policy, field.name), (d.*member).*field.member);
    }
    m_env->setRows(pairRows(d.env));
    m_labels->setRows(pairRows(d.labels));
    m_containerLabels->setRows(pairRows(d.containerLabels));
    QList<QStringList> ports;
    for (const ServiceDraft::Port &port : d.ports)
        ports << QStringList{port.published, port.target, port.protocol, port.mode};
    m_ports->setRows(ports);
    for (int i = 0; i < m_networks->count(); ++i)
        m_networks->item(i)->setCheckState(d.networks.contains(m_networks->item(i)->text()) ? Qt::Checked : Qt::Unchecked);
    QList<QStringList> mounts;
    for (const ServiceDraft::Mount &mount : d.mounts)
        mounts << QStringList{mount.type, mount.source, mount.target, mount.readOnly ? QStringLiteral("yes") : QStringLiteral("no")};
    m_mounts->setRows(mounts);
    QList<QStringList> secrets, configs;
    for (const ServiceDraft::FileReference &ref : d.secrets)
        secrets << QStringList{ref.name, ref.target};
    for (const ServiceDraft::FileReference &ref : d.configs)
        configs << QStringList{ref.name, ref.target};
    m_secrets->setRows(secrets);
    m_configs->setRows(configs);
    m_constraints->setRows(rowsOf(d.constraints));
    m_preferences->setRows(rowsOf(d.preferences));
    m_healthDisabled->setChecked(d.healthDisabled);
}

QString ServiceEditor::resolve(const QString &kind, const QString &name) const
{
    const ObjectTableModel *model = kind == QLatin1String("network") ? m_store->networks()
                                    : kind == QLatin1String("secret") ? m_store->secrets()
                                                                      : m_store->configs();
    for (const ObjectRecord &object : model->records()) {
        if (object.name == name || object.id == name)
            return object.id;
    }
    return {};
}

QString ServiceEditor::nameOf(const QString &kind, const QString &id) const
{
    const ObjectTableModel *model = kind == QLatin1String("network") ? m_store->networks()
                                    : kind == QLatin1String("secret") ? m_store->secrets()
                                                                      : m_store->configs();
    const ObjectRecord *object = model->find(id);
    return object ? object->name : QString();
}

QString ServiceEditor::problemText() const
{
    return m_problems->shownText();
}

void ServiceEditor::showError(const QString &text)
{
    m_problems->showHtml(MessageLabel::Severity::Error, text);
}

// A field as the form names it: "Resources › CPU limit", not "limitCpus".
QString ServiceEditor::labelOf(const QString &field) const
{
    QStringList path;
    const int tab = m_tabOf.value(field, -1);
    if (tab >= 0 && tab < m_tabs->count())
        path << m_tabs->tabText(tab).remove(u'&');
    if (QWidget *widget = m_fields.value(field)) {
        QWidget *parent = widget->parentWidget();
        if (auto *group = qobject_cast<QGroupBox *>(parent))
            path << group->title();
        // Its row in whichever form of the page holds it.
        const QList<QFormLayout *> forms =
            parent ? parent->findChildren<QFormLayout *>() : QList<QFormLayout *>();
        for (QFormLayout *form : forms) {
            if (auto *label = qobject_cast<QLabel *>(form->labelForField(widget))) {
                path << label->text().remove(u'&');
                break;
            }
        }
    }
    return path.isEmpty() ? field : path.join(QStringLiteral(" › "));
}

void ServiceEditor::showProblems(const QList<ServiceDraft::Problem> &problems)
{
    QStringList lines;
    for (const ServiceDraft::Problem &problem : problems)
        lines << QStringLiteral("<b>%1</b>: %2")
                     .arg(labelOf(problem.field).toHtmlEscaped(), problem.message.toHtmlEscaped());
    showError(lines.join(QStringLiteral("<br>")));
    // Take the user to the first field in trouble.
    const QString first = problems.first().field;
    m_tabs->setCurrentIndex(m_tabOf.value(first, 0));
    if (QWidget *field = m_fields.value(first))
        field->setFocus();
}

void ServiceEditor::submit()
{
    const ServiceDraft d = draft();
    const auto resolver = [this](const QString &kind, const QString &name) { return resolve(kind, name); };
    const QList<ServiceDraft::Problem> problems = d.validate(resolver);
    if (!problems.isEmpty()) {
        showProblems(problems);
        return;
    }
    m_problems->hide();
    m_submit->setEnabled(false);
    m_submit->setText(m_serviceId.isEmpty() ? tr("Creating…") : tr("Updating…"));
    DockerClient *client = m_store->client();
    DockerReply *reply = m_serviceId.isEmpty()
                             ? client->createService(d.toSpec({}, resolver))
                             // Applied to the spec as it is when sent: an edit elsewhere in between is kept.
                             : client->updateService(m_serviceId, [d, resolver](QJsonObject &spec) {
                                   spec = d.toSpec(spec, resolver);
                                   return QString();
                               });
    reply->then(this, [this, name = d.name](DockerReply *r) {
        m_submit->setEnabled(true);
        m_submit->setText(m_serviceId.isEmpty() ? tr("Create") : tr("Update"));
        if (r->error()) {
            // The engine's words, in place: the form keeps what was typed.
            const ErrorText text =
                ErrorText::of(r->error(), [this](const QString &id) { return m_store->nameOf(id); });
            m_problems->showError(text.summary, text.details);
            return;
        }
        emit submitted(m_serviceId.isEmpty() ? tr("Created %1.").arg(name) : tr("Updated %1.").arg(name));
        accept();
    });
}

} // namespace cape
