#include "routeeditorview.h"

#include "listenerscommand.h"
#include "listenersdialog.h"
#include "models/clusterstore.h"
#include "models/objecttablemodel.h"
#include "models/routediff.h"
#include "models/routedocument.h"
#include "models/servicetablemodel.h"
#include "routecommand.h"
#include "services/certificates/certificatestore.h"
#include "services/swarm/certificatepublisher.h"
#include "services/swarm/routepublisher.h"
#include "ui/style/messagelabel.h"

#include <QAction>
#include <QCheckBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHeaderView>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMessageBox>
#include <QPushButton>
#include <QSaveFile>
#include <QSpinBox>
#include <QSplitter>
#include <QTableWidget>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace cape {

RouteEditorView::RouteEditorView(ClusterStore *cluster, CertificateStore *certificates, QWidget *parent)
    : QWidget(parent)
    , m_cluster(cluster)
    , m_certificateStore(certificates)
    , m_document(new RouteDocument(this))
    , m_undo(new QUndoStack(this))
    , m_canvas(new RouteCanvas(m_document, this))
    , m_table(new QTableWidget(0, 4, this))
    , m_problems(new QListWidget(this))
    , m_message(new MessageLabel(this))
    , m_path(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_strip(new QCheckBox(tr("Strip the path prefix"), this))
    , m_redirect(new QCheckBox(tr("Redirect plain HTTP to HTTPS"), this))
    , m_certificate(new QLineEdit(this))
    , m_health(new QLineEdit(this))
{
    auto *toolbar = new QToolBar(this);
    toolbar->addAction(tr("New entry point…"), this, [this] {
        bool ok = false;
        const QString host =
            QInputDialog::getText(this, tr("New entry point"), tr("Host (app.example.com or *.example.com):"),
                                  QLineEdit::Normal, QString(), &ok);
        if (!ok || host.trimmed().isEmpty())
            return;
        const QString path = QInputDialog::getText(this, tr("New entry point"), tr("Path prefix:"),
                                                   QLineEdit::Normal, QStringLiteral("/"), &ok);
        if (ok)
            addEntryPoint(host.trimmed().toLower(),
                          path.trimmed().isEmpty() ? QStringLiteral("/") : path.trimmed());
    });
    toolbar->addAction(tr("Open…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a proxy configuration"), QString(),
                                                          tr("JSON (*.json);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    toolbar->addAction(tr("Save…"), this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the proxy configuration"),
                                                          QStringLiteral("proxy.json"), tr("JSON (*.json)"));
        if (!path.isEmpty())
            saveFile(path);
    });
    toolbar->addAction(tr("Listeners and certificates…"), this, [this] {
        ListenersDialog dialog(m_document->config(), m_certificateStore, this);
        if (dialog.exec() == QDialog::Accepted)
            setListenersAndCertificates(dialog.listeners(), dialog.certificates());
    });
    if (m_cluster) {
        toolbar->addSeparator();
        toolbar->addAction(tr("Import from the swarm"), this, &RouteEditorView::importRunning);
        toolbar->addAction(tr("Publish…"), this, &RouteEditorView::publish);
        toolbar->addAction(tr("Roll back"), this, &RouteEditorView::rollBack);
    }
    toolbar->addSeparator();
    QAction *undo = m_undo->createUndoAction(this, tr("Undo"));
    undo->setShortcut(QKeySequence::Undo);
    QAction *redo = m_undo->createRedoAction(this, tr("Redo"));
    redo->setShortcut(QKeySequence::Redo);
    toolbar->addAction(undo);
    toolbar->addAction(redo);
    auto *remove = toolbar->addAction(tr("Remove route"), this, &RouteEditorView::removeSelectedRoute);
    remove->setShortcut(QKeySequence::Delete);
    remove->setShortcutContext(Qt::WidgetWithChildrenShortcut);

    m_table->setHorizontalHeaderLabels({tr("Entry point"), tr("Service"), tr("Port"), tr("Certificate")});
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_problems->setWordWrap(true);
    m_port->setRange(1, 65535);
    m_certificate->setPlaceholderText(tr("a certificate's name, for HTTPS"));
    m_health->setPlaceholderText(tr("e.g. /health: checked on every replica"));

    auto *inspector = new QGroupBox(tr("Selected route"), this);
    auto *form = new QFormLayout(inspector);
    form->addRow(tr("Path prefix"), m_path);
    form->addRow(tr("Service port"), m_port);
    form->addRow(m_strip);
    form->addRow(m_redirect);
    form->addRow(tr("Certificate"), m_certificate);
    form->addRow(tr("Health path"), m_health);
    auto *apply = new QPushButton(tr("Apply"), inspector);
    form->addRow(apply);
    connect(apply, &QPushButton::clicked, this, &RouteEditorView::applyInspector);
    inspector->setEnabled(false);

    auto *side = new QWidget(this);
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(new QLabel(tr("Routes"), side));
    sideLayout->addWidget(m_table, 2);
    sideLayout->addWidget(inspector);
    sideLayout->addWidget(new QLabel(tr("Problems"), side));
    sideLayout->addWidget(m_problems, 1);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_canvas);
    splitter->addWidget(side);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(toolbar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);

    connect(m_canvas, &RouteCanvas::routeRequested, this, &RouteEditorView::routeTo);
    connect(m_canvas, &RouteCanvas::selectionChangedToRoute, this, [this, inspector](int index) {
        inspector->setEnabled(index >= 0);
        showRoute(index);
        const QSignalBlocker quiet(m_table);
        if (index >= 0)
            m_table->selectRow(index);
    });
    connect(m_table, &QTableWidget::itemSelectionChanged, this, [this] {
        const QList<QTableWidgetItem *> selected = m_table->selectedItems();
        if (!selected.isEmpty())
            m_canvas->selectRoute(selected.first()->row());
    });
    connect(m_document, &RouteDocument::changed, this, [this] {
        refreshTable();
        validate();
    });
    if (m_certificateStore) {
        connect(m_certificateStore, &CertificateStore::added, this, &RouteEditorView::validate);
        connect(m_certificateStore, &CertificateStore::removed, this, &RouteEditorView::validate);
    }
    if (m_cluster) {
        connect(m_cluster, &ClusterStore::loaded, this, &RouteEditorView::factsFromCluster);
        connect(m_cluster->services(), &QAbstractItemModel::modelReset, this,
                &RouteEditorView::factsFromCluster);
        factsFromCluster();
    }
    refreshTable();
    validate();
}

void RouteEditorView::setFacts(const RouteValidator::Facts &facts,
                               const QList<RouteCanvas::ServiceInfo> &services)
{
    m_facts = facts;
    m_services = services;
    m_canvas->setServices(services);
    validate();
}

void RouteEditorView::factsFromCluster()
{
    RouteValidator::Facts facts;
    QList<RouteCanvas::ServiceInfo> services;
    QHash<QString, QString> networkNames;
    for (const ObjectRecord &network : m_cluster->networks()->records())
        networkNames.insert(network.id, network.name);
    for (const ServiceRecord &record : m_cluster->services()->records()) {
        RouteValidator::Facts::Service service;
        const QJsonObject spec = record.spec();
        for (const QJsonValue &port : spec[QLatin1String("EndpointSpec")][QLatin1String("Ports")].toArray())
            service.ports << quint16(port[QLatin1String("TargetPort")].toInt());
        for (const QJsonValue &network :
             spec[QLatin1String("TaskTemplate")][QLatin1String("Networks")].toArray()) {
            const QString target = network[QLatin1String("Target")].toString();
            service.networks << networkNames.value(target, target);
        }
        facts.services.insert(record.name, service);
        if (record.image.contains(QLatin1String("cape-daemons")))
            facts.proxyNetworks.unite(service.networks);
        const QString replicas =
            record.statusDesired >= 0
                ? QStringLiteral("%1/%2").arg(record.statusRunning).arg(record.statusDesired)
                : QString();
        services << RouteCanvas::ServiceInfo{record.name, service.ports, replicas};
    }
    facts.certificates = m_facts.certificates;
    setFacts(facts, services);
}

void RouteEditorView::routeTo(const QString &host, const QString &path, const QString &service)
{
    QList<quint16> ports;
    for (const RouteCanvas::ServiceInfo &info : std::as_const(m_services)) {
        if (info.name == service)
            ports = info.ports;
    }
    // A service that publishes no port: the one other routes reach it on.
    for (const ProxyConfig::Route &other : m_document->routes()) {
        if (ports.isEmpty() && other.service == service)
            ports << other.port;
    }
    const int index = m_document->indexOf(host, path);
    if (index >= 0) {
        ProxyConfig::Route route = m_document->routes().at(index);
        if (route.service == service)
            return;
        const ProxyConfig::Route before = route;
        route.service = service;
        route.endpoints.clear();
        if (!ports.isEmpty() && !ports.contains(route.port))
            route.port = ports.first();
        m_undo->push(new RouteCommand(
            m_document, index, before, route,
            tr("Route %1 to %2").arg(path == QLatin1String("/") ? host : host + path, service)));
        return;
    }
    ProxyConfig::Route route;
    route.host = host;
    route.path = path;
    route.service = service;
    route.port = ports.isEmpty() ? 80 : ports.first();
    m_undo->push(
        new RouteCommand(m_document, int(m_document->routes().size()), std::nullopt, route,
                         tr("Route %1 to %2").arg(path == QLatin1String("/") ? host : host + path, service)));
}

void RouteEditorView::addEntryPoint(const QString &host, const QString &path)
{
    m_canvas->addEntryPoint(host, path);
}

void RouteEditorView::setListenersAndCertificates(const QList<ProxyConfig::Listener> &listen,
                                                  const QList<ProxyConfig::Certificate> &certificates)
{
    if (listen == m_document->config().listen && certificates == m_document->config().certificates)
        return;
    m_undo->push(new ListenersCommand(m_document, listen, certificates));
}

void RouteEditorView::removeSelectedRoute()
{
    const int index = m_canvas->selectedRoute();
    if (index < 0)
        return;
    const ProxyConfig::Route route = m_document->routes().at(index);
    m_undo->push(new RouteCommand(m_document, index, route, std::nullopt,
                                  tr("Remove the route of %1").arg(route.host + route.path)));
}

void RouteEditorView::showRoute(int index)
{
    m_inspected = index;
    if (index < 0 || index >= m_document->routes().size())
        return;
    const ProxyConfig::Route &route = m_document->routes().at(index);
    m_path->setText(route.path);
    m_port->setValue(route.port > 0 ? route.port : 80);
    m_strip->setChecked(route.stripPrefix);
    m_redirect->setChecked(route.redirectToHttps);
    m_certificate->setText(route.certificate);
    m_health->setText(route.healthPath);
}

void RouteEditorView::applyInspector()
{
    if (m_inspected < 0 || m_inspected >= m_document->routes().size())
        return;
    const ProxyConfig::Route before = m_document->routes().at(m_inspected);
    ProxyConfig::Route after = before;
    after.path = m_path->text().trimmed().isEmpty() ? QStringLiteral("/") : m_path->text().trimmed();
    after.port = quint16(m_port->value());
    after.stripPrefix = m_strip->isChecked();
    after.redirectToHttps = m_redirect->isChecked();
    after.certificate = m_certificate->text().trimmed();
    after.healthPath = m_health->text().trimmed();
    if (after == before)
        return;
    m_undo->push(new RouteCommand(m_document, m_inspected, before, after,
                                  tr("Edit %1").arg(before.host + before.path)));
}

void RouteEditorView::refreshTable()
{
    const QList<ProxyConfig::Route> &routes = m_document->routes();
    const QSignalBlocker quiet(m_table);
    m_table->setRowCount(int(routes.size()));
    for (int i = 0; i < routes.size(); ++i) {
        const ProxyConfig::Route &route = routes.at(i);
        QStringList endpoints;
        for (const HostPort &endpoint : route.endpoints)
            endpoints << endpoint.toString();
        const QStringList cells{route.path == QLatin1String("/") ? route.host : route.host + route.path,
                                route.service.isEmpty() ? endpoints.join(u", ") : route.service,
                                route.service.isEmpty() ? QString() : QString::number(route.port),
                                route.certificate};
        for (int column = 0; column < cells.size(); ++column)
            m_table->setItem(i, column, new QTableWidgetItem(cells.at(column)));
    }
    m_table->resizeColumnsToContents();
}

QList<RouteValidator::Problem> RouteEditorView::currentProblems() const
{
    // The certificates view's certificates, by the name publishing gives them.
    RouteValidator::Facts facts = m_facts;
    if (m_certificateStore) {
        for (const CertificateStore::Entry &entry : m_certificateStore->entries()) {
            const QString name = CertificatePublisher::defaultName(entry.name);
            if (!facts.certificates.contains(name))
                facts.certificates.insert(name, entry.leaf());
        }
    }
    return RouteValidator::check(m_document->config(), facts);
}

void RouteEditorView::validate()
{
    const QList<RouteValidator::Problem> problems = currentProblems();
    m_problems->clear();
    for (const RouteValidator::Problem &problem : problems)
        m_problems->addItem(problem.message);
    if (problems.isEmpty())
        m_problems->addItem(tr("No problems."));
    m_canvas->setProblems(problems);
}

bool RouteEditorView::openFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_message->showError(tr("Cannot open %1: %2").arg(path, file.errorString()));
        return false;
    }
    QStringList errors;
    if (!m_document->load(file.readAll(), &errors)) {
        m_message->showError(
            tr("%1 is no cape-proxyd configuration: %2").arg(path, errors.join(QStringLiteral("; "))));
        return false;
    }
    m_undo->clear();
    const int count = int(m_document->routes().size());
    m_message->showInfo(count == 1 ? tr("Opened %1: one route.").arg(path)
                                   : tr("Opened %1: %2 routes.").arg(path).arg(count));
    return true;
}

QString RouteEditorView::proxyServiceId()
{
    QStringList names;
    QStringList ids;
    for (const ServiceRecord &record : m_cluster->services()->records()) {
        const QJsonArray command = record
                                       .spec()[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")]
                                              [QLatin1String("Command")]
                                       .toArray();
        if (command.contains(QStringLiteral("cape-proxyd"))) {
            names << record.name;
            ids << record.id;
        }
    }
    if (ids.isEmpty()) {
        finish(false, tr("No service in the swarm runs cape-proxyd."));
        return {};
    }
    if (ids.size() == 1)
        return ids.first();
    bool ok = false;
    const QString name =
        QInputDialog::getItem(this, tr("Which proxy?"), tr("cape-proxyd service:"), names, 0, false, &ok);
    return ok ? ids.value(names.indexOf(name)) : QString();
}

void RouteEditorView::runPublisher(const std::function<void(RoutePublisher *)> &start)
{
    auto *publisher = new RoutePublisher(m_cluster->client(), this);
    connect(publisher, &RoutePublisher::progress, m_message,
            [this](const QString &text) { m_message->showInfo(text); });
    connect(publisher, &RoutePublisher::finished, this, [this, publisher](bool ok, const QString &message) {
        publisher->deleteLater();
        finish(ok, message);
    });
    start(publisher);
}

void RouteEditorView::finish(bool ok, const QString &message)
{
    if (ok)
        m_message->showInfo(message);
    else
        m_message->showError(message);
    emit operationFinished(ok, message);
}

void RouteEditorView::importRunning()
{
    const QString service = m_cluster ? proxyServiceId() : QString();
    if (service.isEmpty())
        return;
    auto *publisher = new RoutePublisher(m_cluster->client(), this);
    publisher->readRunning(service, [this, publisher](const QByteArray &json, const QString &problem) {
        publisher->deleteLater();
        QStringList errors;
        if (!problem.isEmpty() || !m_document->load(json, &errors)) {
            finish(false, tr("Cannot import the running configuration: %1")
                              .arg(problem.isEmpty() ? errors.join(QStringLiteral("; ")) : problem));
            return;
        }
        m_undo->clear();
        finish(true, tr("Imported the configuration cape-proxyd runs."));
    });
}

void RouteEditorView::publish()
{
    const QString service = m_cluster ? proxyServiceId() : QString();
    if (service.isEmpty())
        return;
    auto *reader = new RoutePublisher(m_cluster->client(), this);
    reader->readRunning(service, [this, reader, service](const QByteArray &json, const QString &) {
        reader->deleteLater();
        QStringList errors;
        const ProxyConfig running = ProxyConfig::fromJson(json, &errors).value_or(ProxyConfig{});
        const QStringList diff = RouteDiff::between(running, m_document->config());
        const int problems = int(currentProblems().size());
        if (diff.isEmpty()) {
            finish(true, tr("Nothing to publish: the document is what cape-proxyd runs already."));
            return;
        }
        QMessageBox box(QMessageBox::Question, tr("Publish the routes"),
                        tr("Publishing changes what cape-proxyd serves:"), QMessageBox::Cancel, this);
        box.setDetailedText(diff.join(u'\n'));
        if (problems > 0)
            box.setInformativeText(tr("The document has %1 problem(s): see the list.").arg(problems));
        const QAbstractButton *accept = box.addButton(tr("Publish"), QMessageBox::AcceptRole);
        box.exec();
        if (box.clickedButton() != accept)
            return;
        runPublisher(
            [this, service](RoutePublisher *publisher) { publisher->publish(service, m_document->save()); });
    });
}

void RouteEditorView::rollBack()
{
    const QString service = m_cluster ? proxyServiceId() : QString();
    if (service.isEmpty())
        return;
    if (QMessageBox::question(this, tr("Roll back"),
                              tr("Roll cape-proxyd back to the configuration it ran before?")) !=
        QMessageBox::Yes)
        return;
    runPublisher([service](RoutePublisher *publisher) { publisher->rollback(service); });
}

bool RouteEditorView::saveFile(const QString &path)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(m_document->save()) < 0 || !file.commit()) {
        m_message->showError(tr("Cannot save %1: %2").arg(path, file.errorString()));
        return false;
    }
    m_undo->setClean();
    m_message->showInfo(tr("Saved %1.").arg(path));
    return true;
}

} // namespace cape
