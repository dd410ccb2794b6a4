#pragma once

#include "services/keychain/keychain.h"
#include "services/tls/certificate.h"
#include "services/tls/certificatebundle.h"
#include "services/tls/privatekey.h"
#include "services/tls/signingrequest.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>

namespace cape {

// The workstation's certificates, as the certificates view lists them:
// each certificate's chain (public) in one JSON file in a directory of the
// app's, its private key only ever in the OS keychain (service "Cape
// certificates", key: the entry's id). Keychain work is asynchronous:
// add() reports added(id) or failed(message).
class CertificateStore : public QObject
{
    Q_OBJECT

public:
    static constexpr auto KeychainService = "Cape certificates";

    struct Entry
    {
        QString id;
        QString name;
        QList<Certificate> chain; // the leaf first
        bool hasKey = false;
        QDateTime added;

        const Certificate &leaf() const { return chain.first(); }
    };
    // A key made here for a request sent to an external CA: the key waits
    // in the keychain until the CA's certificate is imported, which then
    // becomes an entry under the same id with this key.
    struct PendingRequest
    {
        QString id;
        QString name;
        SigningRequest request;
        QDateTime created;
    };

    // In the app's data directory (QStandardPaths::AppDataLocation).
    explicit CertificateStore(QObject *parent = nullptr);
    // In a directory of the caller's (tests).
    explicit CertificateStore(const QString &directory, QObject *parent = nullptr);

    QList<Entry> entries() const { return m_entries; }
    const Entry *entry(const QString &id) const;
    QList<PendingRequest> requests() const { return m_requests; }
    const PendingRequest *request(const QString &id) const;
    // The certificate authorities here that can sign (their key is stored).
    QList<Entry> authorities() const;

    // Stores a certificate under a name (its key first, to the keychain):
    // added(id) once it is all there, or failed(message). False and *error
    // at once when the bundle is not acceptable (no certificate, a key that
    // is not the certificate's, a name taken). A certificate without a key
    // that answers a pending request takes the request's id and key
    // (requestRemoved, then added).
    bool add(const QString &name, const CertificateBundle &bundle, QString *error);
    // Keeps the key of a signing request for an external CA: requestAdded(id)
    // once the key is in the keychain, or failed(message).
    bool addRequest(const QString &name, const PrivateKey &key, const SigningRequest &request,
                    QString *error);
    // Forgets a certificate or a pending request and deletes its key from the keychain.
    void remove(const QString &id);
    // Its private key from the keychain.
    void readKey(const QString &id, std::function<void(const PrivateKey &key, const QString &problem)> done);
    // Whether the leaf verifies through its chain to a root: the store's own
    // authorities, then the system's. Empty when it does, else why not.
    QString verify(const QString &id) const;

    Keychain &keychain() { return m_keychain; }
    QString filePath() const;

signals:
    void added(const QString &id);
    void removed(const QString &id);
    void requestAdded(const QString &id);
    void requestRemoved(const QString &id);
    void failed(const QString &message);

private:
    void load();
    bool save(QString *error) const;
    int indexOf(const QString &id) const;
    int requestIndexOf(const QString &id) const;
    // Empty when no certificate or request but the one called `except` has the name.
    QString nameTaken(const QString &name, const QString &except = {}) const;
    // Writes the key, then runs stored() (or says failed).
    void writeKey(const QString &id, const QString &name, const PrivateKey &key,
                  std::function<void()> stored);
    void deleteKey(const QString &id, const QString &name);

    QString m_directory;
    QList<Entry> m_entries;
    QList<PendingRequest> m_requests;
    Keychain m_keychain{QString::fromLatin1(KeychainService)};
};

} // namespace cape
