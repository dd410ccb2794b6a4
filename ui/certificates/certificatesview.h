#pragma once

#include "newcertificatedialog.h"
#include "ui/views/resourceview.h"

namespace cape {

class CertificateStore;
class CertificateTableModel;
class ClusterStore;

// The workstation's TLS certificates: what each serves, who issued it,
// its key, and how near its end it is (green, amber within 30 days, red
// within 7). Makes self-signed ones, a local CA and certificates it
// signs, or a key and a signing request for an external CA (the CA's
// certificate, imported, is matched to the key); imports PEM and PKCS#12; exports the public chain; publishes
// one to the swarm for cape-proxyd (secrets mounted into its service). Keys go to the OS keychain only. Key
// generation runs off the GUI thread.
class CertificatesView : public ResourceView
{
    Q_OBJECT

public:
    // cluster: where Publish sends certificates (none: no Publish).
    explicit CertificatesView(CertificateStore *store, ClusterStore *cluster = nullptr,
                              QWidget *parent = nullptr);

    CertificateTableModel *model() const { return m_model; }
    // What the New… dialog does once accepted; outcome on the message line
    // and as finished().
    void create(const NewCertificateDialog::Request &request);
    // Imports files a user picked: PEM (certificate, chain, key in any of
    // them) or one PKCS#12; the passphrase for an encrypted key or .p12.
    void importFiles(const QString &name, const QStringList &paths, const QByteArray &passphrase);
    // Its chain and key as swarm secrets, mounted into the service as
    // /run/secrets/<name>.crt and .key (name: as cape-proxyd's
    // configuration calls it).
    void publish(const QString &id, const QString &serviceId, const QString &name);
    // A pending signing request's PEM into a file (what Export… does for one).
    bool exportRequest(const QString &id, const QString &path);

signals:
    // After create() or importFiles(): ok, and the message shown.
    void finished(bool ok, const QString &message);

private:
    Detail detailOf(const QString &id) const;
    void openNewDialog();
    void openImportDialog();
    void openPublishDialog();
    void exportSelected();
    void removeSelected();
    void store(const QString &name, const CertificateBundle &bundle);
    // The certificates published on the swarm, from the cluster's secrets.
    void refreshSwarm();
    // The selected workstation certificate, or nullptr (with why on the message line).
    const CertificateStore::Entry *selectedEntry();
    void fail(const QString &message);

    CertificateStore *m_store;
    ClusterStore *m_cluster;
    CertificateTableModel *m_model;
    QString m_pendingName; // the one being added, for the outcome message
};

} // namespace cape
