#pragma once

#include "services/certificates/certificatestore.h"
#include "services/tls/certificatefactory.h"
#include "services/tls/privatekey.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace cape {

// Asks what certificate to make: self-signed, a local certificate
// authority, one signed by an authority in the store, or a key and a
// signing request for an external CA; its names, validity and key type. Says what is missing before OK is
// enabled.
class NewCertificateDialog : public QDialog
{
    Q_OBJECT

public:
    enum class Kind { SelfSigned, Authority, SignedByAuthority, SigningRequest };
    struct Request
    {
        Kind kind = Kind::SelfSigned;
        QString name;
        CertificateFactory::Subject subject;
        PrivateKey::Type keyType = PrivateKey::Type::EcP256;
        QString authorityId; // SignedByAuthority: the store's entry
    };

    NewCertificateDialog(const QList<CertificateStore::Entry> &authorities, QWidget *parent = nullptr);

    Request request() const;
    // Filled in (tests, "issue another like this").
    void setRequest(const Request &request);

private:
    void validate();

    QList<CertificateStore::Entry> m_authorities;
    QComboBox *m_kind;
    QComboBox *m_authority;
    QLineEdit *m_name;
    QLineEdit *m_commonName;
    QLineEdit *m_dnsNames;
    QLineEdit *m_ipAddresses;
    QLineEdit *m_organization;
    QSpinBox *m_days;
    QComboBox *m_keyType;
    QLabel *m_problem;
    QDialogButtonBox *m_buttons;
};

} // namespace cape
