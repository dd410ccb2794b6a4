#include "objectsview.h"

#include "detailhtml.h"

#include "models/clusterstore.h"
#include "models/jsonpath.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "services/docker/dockerclient.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHeaderView>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QTableView>

namespace cape {

ObjectsView::ObjectsView(Kind kind, ClusterStore *store, QWidget *parent)
    : ResourceView(kind == Kind::Network  ? tr("Networks")
                   : kind == Kind::Config ? tr("Configs")
                                          : tr("Secrets"),
                   kind == Kind::Network  ? store->networks()
                   : kind == Kind::Config ? store->configs()
                                          : store->secrets(),
                   parent)
    , m_kind(kind)
    , m_store(store)
{
    setPlaceholder(
        kind == Kind::Network ? tr("No networks.")
        : kind == Kind::Config
            ? tr("No configs yet. A config is a file the swarm hands to the services that name it, "
                 "read-only. Create… makes one.")
            : tr("No secrets yet. A secret is kept encrypted by the managers and handed only to the "
                 "services that name it. Create… makes one."));
    setDetailProvider([this](const QString &id) { return detailOf(id); });
    auto *create = new QAction(tr("Create…"), this);
    create->setShortcut(QKeySequence::New);
    connect(create, &QAction::triggered, this, &ObjectsView::createObject);
    addViewAction(create);
    auto *remove = new QAction(tr("Remove"), this);
    remove->setShortcut(QKeySequence::Delete);
    connect(remove, &QAction::triggered, this, &ObjectsView::removeSelected);
    addRowAction(remove);
}

ObjectTableModel *ObjectsView::model() const
{
    return m_kind == Kind::Network  ? m_store->networks()
           : m_kind == Kind::Config ? m_store->configs()
                                    : m_store->secrets();
}

QString ObjectsView::noun() const
{
    return m_kind == Kind::Network ? tr("network") : m_kind == Kind::Config ? tr("config") : tr("secret");
}

ResourceView::Detail ObjectsView::detailOf(const QString &id) const
{
    const ObjectRecord *object = model()->find(id);
    if (!object)
        return {};
    DetailHtml html(object->name);
    const QJsonObject &raw = object->raw;
    html.section(tr("Details")).row(tr("ID"), object->id);
    if (m_kind == Kind::Network) {
        html.row(tr("Driver"), raw.value(QLatin1String("Driver")).toString())
            .row(tr("Scope"), raw.value(QLatin1String("Scope")).toString())
            .row(tr("Attachable"), raw.value(QLatin1String("Attachable")).toBool() ? tr("yes") : tr("no"))
            .row(tr("Internal"), raw.value(QLatin1String("Internal")).toBool() ? tr("yes") : tr("no"));
        QStringList subnets;
        for (const QJsonValue &c : json::at(raw, {"IPAM", "Config"}).toArray()) {
            const QString gateway = c.toObject().value(QLatin1String("Gateway")).toString();
            const QString subnet = c.toObject().value(QLatin1String("Subnet")).toString();
            subnets << (gateway.isEmpty() ? subnet : tr("%1 via %2").arg(subnet, gateway));
        }
        html.list(tr("Subnets"), subnets);
    } else {
        QStringList labels;
        const QJsonObject l = json::object(raw, {"Spec", "Labels"});
        for (auto it = l.begin(); it != l.end(); ++it)
            labels << it.key() + u'=' + it.value().toString();
        html.list(tr("Labels"), labels);
        if (m_kind == Kind::Config) {
            const QByteArray content = QByteArray::fromBase64(json::string(raw, {"Spec", "Data"}).toLatin1());
            html.section(tr("Content"));
            html.rawRow(
                tr("Data"),
                QStringLiteral("<pre>%1</pre>").arg(QString::fromUtf8(content.left(16384)).toHtmlEscaped()));
        } else {
            html.note(tr("A secret's value is never shown: the engine does not return it."));
        }
    }
    // Where a spec refers to this kind of object, by ID.
    const auto refersTo = [this, &object](const QJsonObject &spec) {
        const QJsonObject task = spec.value(QLatin1String("TaskTemplate")).toObject();
        const auto listed = [&object](const QJsonValue &list, const char *key) {
            for (const QJsonValue &entry : list.toArray()) {
                if (entry.toObject().value(QLatin1StringView(key)).toString() == object->id)
                    return true;
            }
            return false;
        };
        switch (m_kind) {
        case Kind::Network:
            return listed(task.value(QLatin1String("Networks")), "Target");
        case Kind::Config:
            return listed(json::at(task, {"ContainerSpec", "Configs"}), "ConfigID");
        case Kind::Secret:
            return listed(json::at(task, {"ContainerSpec", "Secrets"}), "SecretID");
        }
        return false;
    };
    int users = 0;
    for (const ServiceRecord &service : m_store->services()->records())
        users += refersTo(service.spec());
    html.section(tr("Usage")).row(tr("Services"), QString::number(users));
    return {html.toHtml(), QString::fromUtf8(QJsonDocument(raw).toJson(QJsonDocument::Indented))};
}

void ObjectsView::createObject()
{
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Create %1").arg(noun()));
    auto *form = new QFormLayout(&dialog);
    auto *name = new QLineEdit(&dialog);
    form->addRow(tr("Name"), name);
    QComboBox *driver = nullptr;
    QCheckBox *attachable = nullptr;
    QCheckBox *internal = nullptr;
    QLineEdit *subnet = nullptr;
    QPlainTextEdit *contentEdit = nullptr;
    if (m_kind == Kind::Network) {
        driver = new QComboBox(&dialog);
        driver->addItems({QStringLiteral("overlay"), QStringLiteral("bridge")});
        attachable = new QCheckBox(tr("Standalone containers may attach"), &dialog);
        attachable->setChecked(true);
        internal = new QCheckBox(tr("No external access"), &dialog);
        subnet = new QLineEdit(&dialog);
        subnet->setPlaceholderText(tr("automatic, or e.g. 10.20.0.0/24"));
        form->addRow(tr("Driver"), driver);
        form->addRow(tr("Attachable"), attachable);
        form->addRow(tr("Internal"), internal);
        form->addRow(tr("Subnet"), subnet);
    } else {
        contentEdit = new QPlainTextEdit(&dialog);
        contentEdit->setMinimumSize(420, 160);
        form->addRow(m_kind == Kind::Secret ? tr("Value") : tr("Content"), contentEdit);
        if (m_kind == Kind::Secret)
            form->addRow(QString(), new QLabel(tr("The value cannot be read back once created."), &dialog));
    }
    auto *error = new QLabel(&dialog);
    error->setObjectName(QStringLiteral("message"));
    error->setProperty("severity", QStringLiteral("error"));
    error->hide();
    form->addRow(error);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create"));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    // Checked before anything is sent: the engine's own errors are less clear.
    connect(buttons, &QDialogButtonBox::accepted, &dialog, [&] {
        static const QRegularExpression valid(QStringLiteral("^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}$"));
        QString problem;
        if (!valid.match(name->text()).hasMatch())
            problem =
                tr("A name is 1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit.");
        else if (subnet && !subnet->text().isEmpty() && QHostAddress::parseSubnet(subnet->text()).second < 0)
            problem = tr("“%1” is not a subnet in CIDR notation.").arg(subnet->text());
        else if (contentEdit && contentEdit->toPlainText().isEmpty())
            problem = tr("The content may not be empty.");
        if (!problem.isEmpty()) {
            error->setText(problem);
            error->show();
            return;
        }
        dialog.accept();
    });
    if (dialog.exec() != QDialog::Accepted)
        return;
    DockerReply *reply = nullptr;
    if (m_kind == Kind::Network) {
        QJsonObject request{{QStringLiteral("Name"), name->text()},
                            {QStringLiteral("Driver"), driver->currentText()},
                            {QStringLiteral("Attachable"), attachable->isChecked()},
                            {QStringLiteral("Internal"), internal->isChecked()},
                            {QStringLiteral("CheckDuplicate"), true}};
        if (!subnet->text().isEmpty())
            request.insert(
                QStringLiteral("IPAM"),
                QJsonObject{{QStringLiteral("Config"),
                             QJsonArray{QJsonObject{{QStringLiteral("Subnet"), subnet->text()}}}}});
        reply = m_store->client()->createNetwork(request);
    } else if (m_kind == Kind::Config) {
        reply = m_store->client()->createConfig(name->text(), contentEdit->toPlainText().toUtf8());
    } else {
        reply = m_store->client()->createSecret(name->text(), contentEdit->toPlainText().toUtf8());
    }
    track(reply, tr("Creating %1 %2…").arg(noun(), name->text()),
          tr("Created %1 %2.").arg(noun(), name->text()));
}

void ObjectsView::removeSelected()
{
    const QStringList ids = selectedIds();
    if (ids.isEmpty())
        return;
    QStringList names;
    for (const QString &id : ids)
        names << model()->find(id)->name;
    if (!confirm(tr("Remove the %1 %2?").arg(noun(), names.join(QLatin1String(", "))), tr("Remove")))
        return;
    for (const QString &id : ids) {
        DockerClient *client = m_store->client();
        DockerReply *reply = m_kind == Kind::Network  ? client->removeNetwork(id)
                             : m_kind == Kind::Config ? client->removeConfig(id)
                                                      : client->removeSecret(id);
        track(reply, tr("Removing…"), tr("Removed."));
    }
}

} // namespace cape
