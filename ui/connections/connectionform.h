#pragma once

#include "services/connections/connectionprofile.h"

#include <QDialog>

class QCheckBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;

namespace cape {

class EditableTable;
class MessageLabel;

// One cluster's connection: where its manager listens, its TLS material
// (the private key goes to the OS keychain, never to a file), and optional
// per-node engines for stats and logs of containers on other nodes.
class ConnectionForm : public QDialog
{
    Q_OBJECT

public:
    ConnectionForm(const ConnectionProfile &profile, QWidget *parent = nullptr);

    ConnectionProfile profile() const;
    // The key pasted or loaded in this form; empty: keep the stored one.
    QByteArray keyPem() const;
    void setKeyPem(const QByteArray &pem);
    QString problemText() const;

private:
    void check();
    void loadInto(QPlainTextEdit *edit, const QString &title);

    ConnectionProfile m_profile;
    QLineEdit *m_name;
    QLineEdit *m_endpoint;
    QCheckBox *m_tls;
    QCheckBox *m_verify;
    QPlainTextEdit *m_ca;
    QPlainTextEdit *m_cert;
    QPlainTextEdit *m_key;
    EditableTable *m_nodes;
    MessageLabel *m_problems;
};

} // namespace cape
