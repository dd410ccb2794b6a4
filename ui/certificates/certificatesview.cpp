#include "certificatesview.h"

#include "models/certificatetablemodel.h"
#include "models/clusterstore.h"
#include "models/modelroles.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "models/tablefilterproxymodel.h"
#include "services/certificates/certificatestore.h"
#include "services/swarm/certificatepublisher.h"
#include "services/tls/certificatefactory.h"
#include "services/tls/signingrequest.h"
#include "ui/views/detailhtml.h"

#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QInputDialog>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QSaveFile>
#include <QTableView>
#include <QtConcurrent>

namespace cape {

namespace {

struct Made
{
    CertificateBundle bundle;
    SigningRequest request; // Kind::SigningRequest: instead of a certificate
    QString error;
};

// Key generation and signing: an RSA 4096 key takes a second or more.
Made make(const NewCertificateDialog::Request &request, const CertificateStore::Entry &authority,
          const PrivateKey &authorityKey)
{
    Made made;
    made.bundle.key = PrivateKey::generate(request.keyType, &made.error);
    if (made.bundle.key.isNull())
        return made;
    Certificate certificate;
    switch (request.kind) {
    case NewCertificateDialog::Kind::SigningRequest: {
        const QByteArray pem =
            CertificateFactory::signingRequest(request.subject, made.bundle.key, &made.error);
        if (!pem.isEmpty())
            made.request = SigningRequest::fromPem(pem, &made.error);
        return made;
    }
    case NewCertificateDialog::Kind::SelfSigned:
        certificate = CertificateFactory::selfSigned(request.subject, made.bundle.key, &made.error);
        break;
    case NewCertificateDialog::Kind::Authority:
        certificate = CertificateFactory::createAuthority(request.subject, made.bundle.key, &made.error);
        break;
    case NewCertificateDialog::Kind::SignedByAuthority:
        certificate = CertificateFactory::issue(request.subject, made.bundle.key, authority.leaf(),
                                                authorityKey, &made.error);
        break;
    }
    if (certificate.isNull())
        return made;
    made.bundle.chain << certificate;
    if (request.kind == NewCertificateDialog::Kind::SignedByAuthority)
        made.bundle.chain << authority.chain; // served with its chain
    return made;
}

} // namespace

CertificatesView::CertificatesView(CertificateStore *store, ClusterStore *cluster, QWidget *parent)
    : ResourceView(tr("Certificates"), new CertificateTableModel(store), parent)
    , m_store(store)
    , m_cluster(cluster)
    , m_model(static_cast<CertificateTableModel *>(proxy()->sourceModel()))
{
    m_model->setParent(this);
    setStateColumns({CertificateTableModel::Status});
    table()->sortByColumn(CertificateTableModel::Expires, Qt::AscendingOrder);
    setPlaceholder(
        tr("No certificates yet. New… makes a key and a certificate (or a signing request for your CA); "
           "Import… takes a PEM certificate and its key. Keys stay in the system keychain."));
    setDetailProvider([this](const QString &id) { return detailOf(id); });

    auto *create = new QAction(tr("New…"), this);
    create->setShortcut(QKeySequence::New);
    connect(create, &QAction::triggered, this, &CertificatesView::openNewDialog);
    addViewAction(create);
    auto *import = new QAction(tr("Import…"), this);
    import->setShortcut(QKeySequence::Open);
    connect(import, &QAction::triggered, this, &CertificatesView::openImportDialog);
    addViewAction(import);
    auto *exportChain = new QAction(tr("Export…"), this);
    connect(exportChain, &QAction::triggered, this, &CertificatesView::exportSelected);
    addRowAction(exportChain);
    if (m_cluster) {
        connect(m_cluster, &ClusterStore::loaded, this, &CertificatesView::refreshSwarm);
        for (QAbstractItemModel *source : {static_cast<QAbstractItemModel *>(m_cluster->secrets()),
                                           static_cast<QAbstractItemModel *>(m_cluster->services())}) {
            connect(source, &QAbstractItemModel::modelReset, this, &CertificatesView::refreshSwarm);
            connect(source, &QAbstractItemModel::rowsInserted, this, &CertificatesView::refreshSwarm);
            connect(source, &QAbstractItemModel::rowsRemoved, this, &CertificatesView::refreshSwarm);
        }
        auto *publishAction = new QAction(tr("Publish to the swarm…"), this);
        connect(publishAction, &QAction::triggered, this, &CertificatesView::openPublishDialog);
        addRowAction(publishAction);
    }
    auto *remove = new QAction(tr("Remove"), this);
    remove->setShortcut(QKeySequence::Delete);
    connect(remove, &QAction::triggered, this, &CertificatesView::removeSelected);
    addRowAction(remove);

    connect(store, &CertificateStore::added, this, [this](const QString &id) {
        selectId(id);
        const QString message =
            tr("\"%1\" is stored; its private key is in the keychain.").arg(m_pendingName);
        const CertificateStore::Entry *entry = m_store->entry(id);
        const QString shown = entry && !entry->hasKey
                                  ? tr("\"%1\" is stored (a certificate without its key).").arg(entry->name)
                                  : message;
        showInfo(shown);
        emit finished(true, shown);
    });
    connect(store, &CertificateStore::requestAdded, this, [this](const QString &id) {
        selectId(id);
        const QString message =
            tr("The key of \"%1\" is in the keychain. Export its signing request, send it to your CA, and "
               "import the certificate the CA returns: it is matched to this key.")
                .arg(m_pendingName);
        showInfo(message);
        emit finished(true, message);
    });
    connect(store, &CertificateStore::failed, this, &CertificatesView::fail);
}

void CertificatesView::fail(const QString &message)
{
    showError(message);
    emit finished(false, message);
}

ResourceView::Detail CertificatesView::detailOf(const QString &id) const
{
    if (const CertificateTableModel::SwarmCertificate *swarm = m_model->swarmCertificate(id)) {
        const int row = m_model->rowOf(id);
        DetailHtml html(swarm->name, m_model->index(row, 0).data(StateRole).toString());
        html.section(tr("On the swarm"))
            .row(tr("Status"), m_model->index(row, CertificateTableModel::Status).data().toString())
            .list(tr("Serves"), swarm->names)
            .row(tr("Valid until"), swarm->notAfter.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))
            .row(tr("Secret"), swarm->secretName)
            .list(tr("Mounted in"),
                  swarm->services.isEmpty() ? QStringList{tr("no service")} : swarm->services)
            .note(tr("A secret's data cannot be read back: what is shown comes from its labels."));
        return {html.toHtml(), {}};
    }
    if (const CertificateStore::PendingRequest *pending = m_store->request(id)) {
        const SigningRequest &request = pending->request;
        DetailHtml html(pending->name, QStringLiteral("pending"));
        html.section(tr("Signing request"))
            .row(tr("Status"), tr("Awaiting the CA's certificate"))
            .row(tr("Subject"), request.subject())
            .list(tr("DNS names"), request.dnsNames())
            .list(tr("IP addresses"), request.ipAddresses())
            .row(tr("Made"), pending->created.toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))
            .row(tr("Signature"), request.isSignatureValid() ? tr("valid") : tr("invalid"));
        html.section(tr("Key"))
            .row(tr("Type"), request.keyDescription())
            .row(tr("Private key"), tr("in the OS keychain"))
            .note(tr("Export the request (.csr) and send it to your CA. Import the certificate it returns "
                     "(and its chain): Cape matches it to this key."));
        return {html.toHtml(), QString::fromLatin1(request.toPem())};
    }
    const CertificateStore::Entry *entry = m_store->entry(id);
    if (!entry)
        return {};
    const Certificate &leaf = entry->leaf();
    const int row = m_model->rowOf(id);
    const QString state = m_model->index(row, 0).data(StateRole).toString();
    DetailHtml html(entry->name, state);
    html.section(tr("Certificate"))
        .row(tr("Status"), m_model->index(row, CertificateTableModel::Status).data().toString())
        .row(tr("Subject"), leaf.subject())
        .list(tr("DNS names"), leaf.dnsNames())
        .list(tr("IP addresses"), leaf.ipAddresses())
        .row(tr("Issuer"), leaf.isSelfIssued() ? tr("%1 (self-signed)").arg(leaf.issuer()) : leaf.issuer())
        .row(tr("Authority"), leaf.isAuthority() ? tr("yes: it can sign certificates") : tr("no"))
        .row(tr("Valid from"), leaf.notBefore().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))
        .row(tr("Valid until"), leaf.notAfter().toString(QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))
        .row(tr("Serial"), leaf.serialNumber())
        .row(tr("SHA-256"), leaf.sha256Fingerprint());
    html.section(tr("Key"))
        .row(tr("Type"), leaf.keyDescription())
        .row(tr("Private key"), entry->hasKey ? tr("in the OS keychain") : tr("not stored here"));
    QStringList chain;
    for (const Certificate &certificate : entry->chain)
        chain << certificate.subject();
    const QString problem = m_store->verify(id);
    html.section(tr("Chain"))
        .list(tr("Certificates"), chain)
        .row(tr("Verification"), problem.isEmpty() ? tr("verifies for TLS servers") : problem);
    QString pem;
    for (const Certificate &certificate : entry->chain)
        pem += QString::fromLatin1(certificate.toPem());
    return {html.toHtml(), pem};
}

void CertificatesView::openNewDialog()
{
    NewCertificateDialog dialog(m_store->authorities(), this);
    if (dialog.exec() == QDialog::Accepted)
        create(dialog.request());
}

void CertificatesView::create(const NewCertificateDialog::Request &request)
{
    m_pendingName = request.name;
    showInfo(tr("Making \"%1\"…").arg(request.name));
    const auto run = [this, request](const CertificateStore::Entry &authority,
                                     const PrivateKey &authorityKey) {
        auto *watcher = new QFutureWatcher<Made>(this);
        connect(watcher, &QFutureWatcher<Made>::finished, this, [this, watcher, name = request.name] {
            const Made made = watcher->result();
            watcher->deleteLater();
            if (!made.error.isEmpty()) {
                fail(tr("Cannot make \"%1\": %2").arg(name, made.error));
                return;
            }
            if (!made.request.isNull()) {
                QString error;
                if (!m_store->addRequest(name, made.bundle.key, made.request, &error))
                    fail(tr("Cannot keep \"%1\": %2").arg(name, error));
                return;
            }
            store(name, made.bundle);
        });
        watcher->setFuture(QtConcurrent::run(make, request, authority, authorityKey));
    };
    if (request.kind != NewCertificateDialog::Kind::SignedByAuthority) {
        run({}, {});
        return;
    }
    const CertificateStore::Entry *authority = m_store->entry(request.authorityId);
    if (!authority) {
        fail(tr("Cannot make \"%1\": the certificate authority is gone").arg(request.name));
        return;
    }
    // The authority's key from the keychain first.
    m_store->readKey(request.authorityId, [this, run, entry = *authority, name = request.name](
                                              const PrivateKey &key, const QString &problem) {
        if (key.isNull()) {
            fail(tr("Cannot make \"%1\": %2").arg(name, problem));
            return;
        }
        run(entry, key);
    });
}

void CertificatesView::openImportDialog()
{
    const QStringList paths = QFileDialog::getOpenFileNames(
        this, tr("Import a certificate"), QString(),
        tr("Certificates and keys (*.pem *.crt *.cer *.key *.p12 *.pfx);;All files (*)"));
    if (paths.isEmpty())
        return;
    bool ok = false;
    const QString name =
        QInputDialog::getText(this, tr("Import a certificate"), tr("Name in the list:"), QLineEdit::Normal,
                              QFileInfo(paths.first()).completeBaseName(), &ok);
    if (!ok)
        return;
    QByteArray passphrase;
    const bool p12 = paths.first().endsWith(QLatin1String(".p12"), Qt::CaseInsensitive) ||
                     paths.first().endsWith(QLatin1String(".pfx"), Qt::CaseInsensitive);
    bool encrypted = p12;
    for (const QString &path : paths) {
        QFile file(path);
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains("ENCRYPTED"))
            encrypted = true;
    }
    if (encrypted) {
        passphrase =
            QInputDialog::getText(this, tr("Import a certificate"),
                                  p12 ? tr("Password of the PKCS#12 file:") : tr("Passphrase of the key:"),
                                  QLineEdit::Password, QString(), &ok)
                .toUtf8();
        if (!ok)
            return;
    }
    importFiles(name, paths, passphrase);
}

void CertificatesView::importFiles(const QString &name, const QStringList &paths,
                                   const QByteArray &passphrase)
{
    m_pendingName = name;
    QByteArray pem;
    for (const QString &path : paths) {
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly)) {
            fail(tr("Cannot read %1: %2").arg(path, file.errorString()));
            return;
        }
        const QByteArray bytes = file.readAll();
        if (path.endsWith(QLatin1String(".p12"), Qt::CaseInsensitive) ||
            path.endsWith(QLatin1String(".pfx"), Qt::CaseInsensitive)) {
            QString error;
            const auto bundle = CertificateBundle::fromPkcs12(bytes, passphrase, &error);
            if (!bundle) {
                fail(tr("Cannot import %1: %2").arg(QFileInfo(path).fileName(), error));
                return;
            }
            store(name, *bundle);
            return;
        }
        pem += bytes + '\n';
    }
    QString error;
    const auto bundle = CertificateBundle::fromPem(pem, passphrase, &error);
    if (!bundle) {
        fail(tr("Cannot import \"%1\": %2").arg(name, error));
        return;
    }
    store(name, *bundle);
}

void CertificatesView::store(const QString &name, const CertificateBundle &bundle)
{
    QString error;
    if (!m_store->add(name, bundle, &error))
        fail(tr("Cannot store \"%1\": %2").arg(name, error));
}

const CertificateStore::Entry *CertificatesView::selectedEntry()
{
    const QString id = currentId();
    if (const CertificateTableModel::SwarmCertificate *swarm = m_model->swarmCertificate(id)) {
        showError(tr("\"%1\" is on the swarm only: its secrets are in the Secrets view.").arg(swarm->name));
        return nullptr;
    }
    if (const CertificateStore::PendingRequest *pending = m_store->request(id)) {
        showError(tr("\"%1\" is awaiting its certificate from the CA: import it first.").arg(pending->name));
        return nullptr;
    }
    return m_store->entry(id);
}

void CertificatesView::refreshSwarm()
{
    QHash<QString, QStringList> mountedBy; // secret id -> services
    for (const ServiceRecord &service : m_cluster->services()->records()) {
        for (const QJsonValue &secret : service
                                            .spec()[QLatin1String("TaskTemplate")]
                                                   [QLatin1String("ContainerSpec")][QLatin1String("Secrets")]
                                            .toArray())
            mountedBy[secret[QLatin1String("SecretID")].toString()] << service.name;
    }
    QList<CertificateTableModel::SwarmCertificate> published;
    for (const ObjectRecord &secret : m_cluster->secrets()->records()) {
        const QJsonObject labels = secret.raw[QLatin1String("Spec")][QLatin1String("Labels")].toObject();
        const QString name = labels[QLatin1String(CertificatePublisher::NameLabel)].toString();
        if (name.isEmpty() || !secret.name.endsWith(QLatin1String(".crt")))
            continue; // not a certificate, or its key's secret
        published << CertificateTableModel::SwarmCertificate{
            secret.id,
            secret.name,
            name,
            labels[QLatin1String(CertificatePublisher::NamesLabel)].toString().split(u',',
                                                                                     Qt::SkipEmptyParts),
            QDateTime::fromString(labels[QLatin1String(CertificatePublisher::NotAfterLabel)].toString(),
                                  Qt::ISODate),
            mountedBy.value(secret.id)};
    }
    m_model->setSwarmCertificates(published);
}

void CertificatesView::openPublishDialog()
{
    const CertificateStore::Entry *entry = selectedEntry();
    if (!entry || !m_cluster)
        return;
    if (!entry->hasKey) {
        showError(
            tr("\"%1\" has no private key here: import it with its key to publish it.").arg(entry->name));
        return;
    }
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Publish \"%1\" to the swarm").arg(entry->name));
    auto *service = new QComboBox(&dialog);
    // cape-proxyd's services first.
    for (const bool proxies : {true, false}) {
        for (const ServiceRecord &record : m_cluster->services()->records()) {
            if (record.image.contains(QLatin1String("cape-daemons")) == proxies)
                service->addItem(record.name, record.id);
        }
    }
    auto *name = new QLineEdit(CertificatePublisher::defaultName(entry->name), &dialog);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    auto *form = new QFormLayout(&dialog);
    form->addRow(tr("Service"), service);
    form->addRow(tr("Name in the proxy's configuration"), name);
    form->addRow(new QLabel(tr("Its chain and key become swarm secrets, mounted into the service as "
                               "/run/secrets/<name>.crt and .key; the service rolls to new tasks."),
                            &dialog));
    form->addRow(buttons);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    if (service->count() == 0) {
        showError(tr("The swarm has no service to publish to."));
        return;
    }
    if (dialog.exec() == QDialog::Accepted)
        publish(entry->id, service->currentData().toString(), name->text().trimmed());
}

void CertificatesView::publish(const QString &id, const QString &serviceId, const QString &name)
{
    const CertificateStore::Entry *entry = m_store->entry(id);
    if (!entry || !m_cluster || !m_cluster->client()) {
        fail(tr("Cannot publish: no certificate or no cluster"));
        return;
    }
    showInfo(tr("Publishing \"%1\"…").arg(entry->name));
    m_store->readKey(
        id, [this, chain = entry->chain, serviceId, name](const PrivateKey &key, const QString &problem) {
            if (key.isNull()) {
                fail(tr("Cannot publish \"%1\": %2").arg(name, problem));
                return;
            }
            auto *publisher = new CertificatePublisher(m_cluster->client(), this);
            connect(publisher, &CertificatePublisher::progress, this, &CertificatesView::showInfo);
            connect(publisher, &CertificatePublisher::finished, this,
                    [this, publisher](bool ok, const QString &message) {
                        publisher->deleteLater();
                        if (ok) {
                            showInfo(message);
                            emit finished(true, message);
                        } else {
                            fail(message);
                        }
                    });
            publisher->publish(name, chain, key, serviceId);
        });
}

void CertificatesView::exportSelected()
{
    if (const CertificateStore::PendingRequest *pending = m_store->request(currentId())) {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export the signing request"),
                                                          pending->name + QStringLiteral(".csr"),
                                                          tr("Signing requests (*.csr *.pem)"));
        if (!path.isEmpty())
            exportRequest(pending->id, path);
        return;
    }
    const CertificateStore::Entry *entry = selectedEntry();
    if (!entry)
        return;
    const QString path =
        QFileDialog::getSaveFileName(this, tr("Export the certificate and its chain"),
                                     entry->name + QStringLiteral(".pem"), tr("PEM (*.pem *.crt)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    QByteArray pem;
    for (const Certificate &certificate : entry->chain)
        pem += certificate.toPem();
    if (!file.open(QIODevice::WriteOnly) || file.write(pem) != pem.size()) {
        showError(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return;
    }
    showInfo(
        tr("The certificate and its chain are in %1 (the private key stays in the keychain).").arg(path));
}

bool CertificatesView::exportRequest(const QString &id, const QString &path)
{
    const CertificateStore::PendingRequest *pending = m_store->request(id);
    if (!pending)
        return false;
    const QByteArray pem = pending->request.toPem();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(pem) != pem.size() || !file.commit()) {
        showError(tr("Cannot write %1: %2").arg(path, file.errorString()));
        return false;
    }
    showInfo(tr("The signing request of \"%1\" is in %2: send it to your CA.").arg(pending->name, path));
    return true;
}

void CertificatesView::removeSelected()
{
    if (const CertificateStore::PendingRequest *pending = m_store->request(currentId())) {
        if (!confirm(tr("Remove the signing request \"%1\"? Its private key is deleted from the keychain, "
                        "so the certificate the CA returns for it can no longer be used.")
                         .arg(pending->name),
                     tr("Remove")))
            return;
        const QString name = pending->name;
        m_store->remove(pending->id);
        showInfo(tr("\"%1\" is removed.").arg(name));
        return;
    }
    const CertificateStore::Entry *entry = selectedEntry();
    if (!entry)
        return;
    if (!confirm(tr("Remove \"%1\"? Its private key is deleted from the keychain.").arg(entry->name),
                 tr("Remove")))
        return;
    const QString name = entry->name;
    m_store->remove(entry->id);
    showInfo(tr("\"%1\" is removed.").arg(name));
}

} // namespace cape
