#pragma once

#include "connectionprofile.h"
#include "dockercontextimporter.h"
#include "resolvedconnection.h"

#include "services/keychain/keychain.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>

#include <functional>
#include <memory>

class QSettings;

namespace cape {

// The connection manager's list of clusters. Profiles are saved in QSettings
// (group "connections"); the private key of a TLS profile only ever goes to
// the OS keychain through QtKeychain (service "Cape", key: the profile's id),
// never to settings or any file. Keychain work is asynchronous: it reports
// through keySaved/keyLoaded/keyDeleted or keyFailed with a message that says
// what went wrong (for example "no keychain is available: ...").
class ConnectionStore : public QObject
{
    Q_OBJECT

public:
    static constexpr auto KeychainService = "Cape";
    static constexpr auto SettingsGroup = "connections";
    static constexpr int DefaultKeychainTimeoutMs = Keychain::DefaultTimeoutMs;

    using ResolveHandler = std::function<void(const ResolvedConnection &)>;

    // Profiles in the application's settings (organization and application name).
    explicit ConnectionStore(QObject *parent = nullptr);
    // Profiles in an INI file of their own.
    explicit ConnectionStore(const QString &iniFile, QObject *parent = nullptr);
    ~ConnectionStore() override;

    QList<ConnectionProfile> profiles() const { return m_profiles; }
    bool contains(const QString &id) const { return indexOf(id) >= 0; }
    ConnectionProfile profile(const QString &id) const; // a default profile if unknown

    // Saves a new profile (its id must be new; hasKey is the store's to set).
    // With a key, the key goes to the keychain afterwards and hasKey turns
    // true when it is there (profileChanged, keySaved) or keyFailed says why
    // not. False and *error when the profile or key is not acceptable.
    bool add(const ConnectionProfile &profile, QString *error);
    bool add(const ConnectionProfile &profile, const QByteArray &keyPem, QString *error);
    // Replaces a profile and keeps its stored key (dropped if TLS is off).
    bool update(const ConnectionProfile &profile, QString *error);
    // Replaces a profile and its key; an empty keyPem deletes the stored key.
    bool update(const ConnectionProfile &profile, const QByteArray &keyPem, QString *error);
    // Forgets a profile, and deletes its key from the keychain.
    void remove(const QString &id);
    // Adds the imported connections whose names are not here yet (keys to
    // the keychain); returns how many, and why any could not be added.
    int addMissing(const QList<DockerContextImporter::Imported> &imported, QStringList *problems);
    // What the docker CLI would use (DOCKER_HOST and the like, its contexts
    // under DOCKER_CONFIG or ~/.docker), added where missing.
    int importFromDocker(const QProcessEnvironment &env, QStringList *problems);

    // The cluster chosen last (the sidebar's selection), empty for none.
    QString currentId() const { return m_currentId; }
    void setCurrentId(const QString &id);

    // Reads the key of a profile: keyLoaded or keyFailed.
    void loadKey(const QString &id);
    // Builds the profile's endpoint, with its key from the keychain, and calls
    // handler (later, never from within this call) unless context is gone
    // (a null context: always).
    void resolveEndpoint(const QString &id, QObject *context, ResolveHandler handler);

    int keychainTimeout() const { return m_keychain.timeout(); }
    void setKeychainTimeout(int ms) { m_keychain.setTimeout(ms); }

    // Reads the profiles again from settings (another instance changed them).
    void reload();

signals:
    void profileAdded(const QString &id);
    void profileChanged(const QString &id);
    void profileRemoved(const QString &id);
    void currentChanged(const QString &id);

    void keySaved(const QString &id);
    void keyLoaded(const QString &id, const QByteArray &pem);
    void keyDeleted(const QString &id);
    void keyFailed(const QString &id, const QString &message);

private:
    using KeyHandler = std::function<void(bool ok, const QByteArray &pem, const QString &message)>;

    int indexOf(const QString &id) const;
    bool checkKey(const ConnectionProfile &profile, const QByteArray &keyPem, QString *error) const;
    bool replace(const ConnectionProfile &profile, const QByteArray *keyPem, QString *error);
    bool persist(QString *error);
    void storeKey(const QString &id, const QByteArray &keyPem);
    void deleteKey(const QString &id, const QString &name);
    void readKey(const QString &id, KeyHandler handler);

    std::unique_ptr<QSettings> m_settings;
    QList<ConnectionProfile> m_profiles;
    QString m_currentId;
    Keychain m_keychain{QString::fromLatin1(KeychainService)};
};

} // namespace cape
