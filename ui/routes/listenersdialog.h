#pragma once

#include "services/proxy/proxyconfig.h"

#include <QDialog>

class QLabel;
class QPushButton;
class QTableWidget;

namespace cape {

class CertificateStore;

// What cape-proxyd listens on (address, TLS or not) and the certificates
// its document names (their files under /run/secrets, where publishing a
// certificate mounts them); certificates can be picked from the
// certificates view. Says what is wrong before OK is enabled.
class ListenersDialog : public QDialog
{
    Q_OBJECT

public:
    ListenersDialog(const ProxyConfig &config, CertificateStore *store, QWidget *parent = nullptr);

    QList<ProxyConfig::Listener> listeners() const;
    QList<ProxyConfig::Certificate> certificates() const;

private:
    void addListener(const QString &address, bool tls);
    void addCertificate(const ProxyConfig::Certificate &certificate);
    void validate();

    QTableWidget *m_listeners;
    QTableWidget *m_certificates;
    QLabel *m_problem;
    QPushButton *m_ok = nullptr;
};

} // namespace cape
