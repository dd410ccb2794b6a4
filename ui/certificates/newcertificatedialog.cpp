#include "newcertificatedialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>

namespace cape {

namespace {

QStringList splitList(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\s]+"));
    return text.split(separators, Qt::SkipEmptyParts);
}

} // namespace

NewCertificateDialog::NewCertificateDialog(const QList<CertificateStore::Entry> &authorities, QWidget *parent)
    : QDialog(parent)
    , m_authorities(authorities)
    , m_kind(new QComboBox(this))
    , m_authority(new QComboBox(this))
    , m_name(new QLineEdit(this))
    , m_commonName(new QLineEdit(this))
    , m_dnsNames(new QLineEdit(this))
    , m_ipAddresses(new QLineEdit(this))
    , m_organization(new QLineEdit(this))
    , m_days(new QSpinBox(this))
    , m_keyType(new QComboBox(this))
    , m_problem(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setWindowTitle(tr("New certificate"));
    m_kind->addItem(tr("Self-signed certificate"), int(Kind::SelfSigned));
    m_kind->addItem(tr("Certificate authority (to sign others)"), int(Kind::Authority));
    m_kind->addItem(tr("Certificate signed by an authority"), int(Kind::SignedByAuthority));
    m_kind->addItem(tr("Key and signing request (CSR) for an external CA"), int(Kind::SigningRequest));
    for (const CertificateStore::Entry &authority : authorities)
        m_authority->addItem(authority.name, authority.id);
    m_name->setPlaceholderText(tr("how the list names it, e.g. shop"));
    m_commonName->setPlaceholderText(tr("shop.example.com"));
    m_dnsNames->setPlaceholderText(tr("shop.example.com, *.shop.example.com"));
    m_ipAddresses->setPlaceholderText(tr("optional: 10.0.0.5"));
    m_days->setRange(1, 3650);
    m_days->setValue(397);
    m_days->setSuffix(tr(" days"));
    m_keyType->addItem(tr("EC P-256 (recommended)"), int(PrivateKey::Type::EcP256));
    m_keyType->addItem(tr("EC P-384"), int(PrivateKey::Type::EcP384));
    m_keyType->addItem(tr("RSA 2048"), int(PrivateKey::Type::Rsa2048));
    m_keyType->addItem(tr("RSA 4096"), int(PrivateKey::Type::Rsa4096));
    m_keyType->addItem(tr("Ed25519"), int(PrivateKey::Type::Ed25519));
    m_problem->setObjectName(QStringLiteral("problem"));
    m_problem->setWordWrap(true);

    auto *form = new QFormLayout(this);
    form->addRow(tr("Kind"), m_kind);
    form->addRow(tr("Signed by"), m_authority);
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Common name"), m_commonName);
    form->addRow(tr("DNS names"), m_dnsNames);
    form->addRow(tr("IP addresses"), m_ipAddresses);
    form->addRow(tr("Organization"), m_organization);
    form->addRow(tr("Valid for"), m_days);
    form->addRow(tr("Key"), m_keyType);
    form->addRow(m_problem);
    form->addRow(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    for (QLineEdit *edit : {m_name, m_commonName, m_dnsNames, m_ipAddresses})
        connect(edit, &QLineEdit::textChanged, this, &NewCertificateDialog::validate);
    connect(m_kind, &QComboBox::currentIndexChanged, this, [this, form] {
        const Kind kind = Kind(m_kind->currentData().toInt());
        form->setRowVisible(m_authority, kind == Kind::SignedByAuthority);
        form->setRowVisible(m_days, kind != Kind::SigningRequest); // the CA decides
        if (Kind(m_kind->currentData().toInt()) == Kind::Authority && m_days->value() == 397)
            m_days->setValue(3650); // an authority outlives what it signs
        validate();
    });
    form->setRowVisible(m_authority, false);
    validate();
    resize(520, sizeHint().height());
}

NewCertificateDialog::Request NewCertificateDialog::request() const
{
    Request request;
    request.kind = Kind(m_kind->currentData().toInt());
    request.name = m_name->text().trimmed();
    request.subject.commonName = m_commonName->text().trimmed();
    request.subject.dnsNames = splitList(m_dnsNames->text());
    request.subject.ipAddresses = splitList(m_ipAddresses->text());
    request.subject.organization = m_organization->text().trimmed();
    request.subject.days = m_days->value();
    request.keyType = PrivateKey::Type(m_keyType->currentData().toInt());
    request.authorityId = m_authority->currentData().toString();
    return request;
}

void NewCertificateDialog::setRequest(const Request &request)
{
    m_kind->setCurrentIndex(m_kind->findData(int(request.kind)));
    m_name->setText(request.name);
    m_commonName->setText(request.subject.commonName);
    m_dnsNames->setText(request.subject.dnsNames.join(QStringLiteral(", ")));
    m_ipAddresses->setText(request.subject.ipAddresses.join(QStringLiteral(", ")));
    m_organization->setText(request.subject.organization);
    m_days->setValue(request.subject.days);
    m_keyType->setCurrentIndex(m_keyType->findData(int(request.keyType)));
    if (const int index = m_authority->findData(request.authorityId); index >= 0)
        m_authority->setCurrentIndex(index);
    validate();
}

void NewCertificateDialog::validate()
{
    const Request wanted = request();
    QString problem;
    if (wanted.name.isEmpty())
        problem = tr("Give it a name.");
    else if (wanted.subject.commonName.isEmpty() && wanted.subject.dnsNames.isEmpty())
        problem = tr("Give it a common name or a DNS name.");
    else if (wanted.kind == Kind::SignedByAuthority && m_authorities.isEmpty())
        problem = tr("No certificate authority with its key is stored yet: make one first.");
    for (const QString &ip : wanted.subject.ipAddresses) {
        if (problem.isEmpty() && QHostAddress(ip).isNull())
            problem = tr("\"%1\" is no IP address.").arg(ip);
    }
    m_problem->setText(problem);
    m_problem->setVisible(!problem.isEmpty());
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty());
}

} // namespace cape
