#include "listenersdialog.h"

#include "services/certificates/certificatestore.h"
#include "services/core/hostport.h"
#include "services/swarm/certificatepublisher.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cape {

ListenersDialog::ListenersDialog(const ProxyConfig &config, CertificateStore *store, QWidget *parent)
    : QDialog(parent)
    , m_listeners(new QTableWidget(0, 2, this))
    , m_certificates(new QTableWidget(0, 3, this))
    , m_problem(new QLabel(this))
{
    setWindowTitle(tr("Listeners and certificates"));
    m_listeners->setHorizontalHeaderLabels({tr("Address"), tr("TLS")});
    m_certificates->setHorizontalHeaderLabels({tr("Name"), tr("Certificate file"), tr("Key file")});
    for (QTableWidget *table : {m_listeners, m_certificates}) {
        table->horizontalHeader()->setStretchLastSection(true);
        table->verticalHeader()->hide();
        connect(table, &QTableWidget::itemChanged, this, &ListenersDialog::validate);
    }
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);

    auto *addListenerButton = new QPushButton(tr("Add listener"), this);
    connect(addListenerButton, &QPushButton::clicked, this,
            [this] { addListener(QStringLiteral("0.0.0.0:443"), true); });
    auto *removeListener = new QPushButton(tr("Remove listener"), this);
    connect(removeListener, &QPushButton::clicked, this, [this] {
        m_listeners->removeRow(m_listeners->currentRow());
        validate();
    });
    auto *fromStore = new QComboBox(this);
    if (store) {
        for (const CertificateStore::Entry &entry : store->entries()) {
            if (!entry.leaf().isAuthority())
                fromStore->addItem(entry.name, CertificatePublisher::defaultName(entry.name));
        }
    }
    auto *addFromStore = new QPushButton(tr("Add from the certificates view"), this);
    addFromStore->setEnabled(fromStore->count() > 0);
    connect(addFromStore, &QPushButton::clicked, this, [this, fromStore] {
        const QString name = fromStore->currentData().toString();
        addCertificate({name, QStringLiteral("/run/secrets/%1.crt").arg(name),
                        QStringLiteral("/run/secrets/%1.key").arg(name)});
    });
    auto *removeCertificate = new QPushButton(tr("Remove certificate"), this);
    connect(removeCertificate, &QPushButton::clicked, this, [this] {
        m_certificates->removeRow(m_certificates->currentRow());
        validate();
    });
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_ok = buttons->button(QDialogButtonBox::Ok);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(new QLabel(tr("Listeners"), this));
    layout->addWidget(m_listeners);
    auto *listenerRow = new QHBoxLayout;
    listenerRow->addWidget(addListenerButton);
    listenerRow->addWidget(removeListener);
    listenerRow->addStretch();
    layout->addLayout(listenerRow);
    layout->addWidget(new QLabel(
        tr("Certificates (files under /run/secrets: where publishing a certificate puts them)"), this));
    layout->addWidget(m_certificates);
    auto *certificateRow = new QHBoxLayout;
    certificateRow->addWidget(fromStore, 1);
    certificateRow->addWidget(addFromStore);
    certificateRow->addWidget(removeCertificate);
    layout->addLayout(certificateRow);
    layout->addWidget(m_problem);
    layout->addWidget(buttons);

    for (const ProxyConfig::Listener &listener : config.listen)
        addListener(listener.address.toString(), listener.tls);
    for (const ProxyConfig::Certificate &certificate : config.certificates)
        addCertificate(certificate);
    validate();
    resize(720, 520);
}

void ListenersDialog::addListener(const QString &address, bool tls)
{
    const QSignalBlocker quiet(m_listeners);
    const int row = m_listeners->rowCount();
    m_listeners->insertRow(row);
    m_listeners->setItem(row, 0, new QTableWidgetItem(address));
    auto *tlsItem = new QTableWidgetItem;
    tlsItem->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    tlsItem->setCheckState(tls ? Qt::Checked : Qt::Unchecked);
    m_listeners->setItem(row, 1, tlsItem);
    validate();
}

void ListenersDialog::addCertificate(const ProxyConfig::Certificate &certificate)
{
    const QSignalBlocker quiet(m_certificates);
    const int row = m_certificates->rowCount();
    m_certificates->insertRow(row);
    m_certificates->setItem(row, 0, new QTableWidgetItem(certificate.name));
    m_certificates->setItem(row, 1, new QTableWidgetItem(certificate.certFile));
    m_certificates->setItem(row, 2, new QTableWidgetItem(certificate.keyFile));
    validate();
}

QList<ProxyConfig::Listener> ListenersDialog::listeners() const
{
    QList<ProxyConfig::Listener> listen;
    for (int row = 0; row < m_listeners->rowCount(); ++row) {
        const auto address = HostPort::parse(m_listeners->item(row, 0)->text().trimmed(), false);
        if (address)
            listen << ProxyConfig::Listener{*address, m_listeners->item(row, 1)->checkState() == Qt::Checked};
    }
    return listen;
}

QList<ProxyConfig::Certificate> ListenersDialog::certificates() const
{
    QList<ProxyConfig::Certificate> certificates;
    for (int row = 0; row < m_certificates->rowCount(); ++row)
        certificates << ProxyConfig::Certificate{m_certificates->item(row, 0)->text().trimmed(),
                                                 m_certificates->item(row, 1)->text().trimmed(),
                                                 m_certificates->item(row, 2)->text().trimmed()};
    return certificates;
}

void ListenersDialog::validate()
{
    QString problem;
    if (m_listeners->rowCount() == 0)
        problem = tr("cape-proxyd needs at least one listener.");
    for (int row = 0; row < m_listeners->rowCount() && problem.isEmpty(); ++row) {
        const QString text =
            m_listeners->item(row, 0) ? m_listeners->item(row, 0)->text().trimmed() : QString();
        if (!HostPort::parse(text, false))
            problem = tr("\"%1\" is no address: host:port or :port.").arg(text);
    }
    QStringList names;
    for (int row = 0; row < m_certificates->rowCount() && problem.isEmpty(); ++row) {
        const QString name =
            m_certificates->item(row, 0) ? m_certificates->item(row, 0)->text().trimmed() : QString();
        if (name.isEmpty() || names.contains(name))
            problem = name.isEmpty() ? tr("A certificate needs a name.")
                                     : tr("Two certificates are named %1.").arg(name);
        names << name;
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    if (m_ok)
        m_ok->setEnabled(problem.isEmpty());
}

} // namespace cape
