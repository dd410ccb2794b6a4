#include "connectionstore.h"

#include <QPointer>
#include <QSettings>
#include <QSslKey>

#include <memory>
#include <utility>

namespace cape {

namespace {

bool isPrivateKey(const QByteArray &pem)
{
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Rsa, QSsl::Ec, QSsl::Dsa}) {
        if (!QSslKey(pem, algorithm, QSsl::Pem, QSsl::PrivateKey).isNull())
            return true;
    }
    return false;
}

QString unknownId(const QString &id)
{
    return QStringLiteral("there is no connection with id %1").arg(id);
}

} // namespace

ConnectionStore::ConnectionStore(QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>())
{
    reload();
}

ConnectionStore::ConnectionStore(const QString &iniFile, QObject *parent)
    : QObject(parent)
    , m_settings(std::make_unique<QSettings>(iniFile, QSettings::IniFormat))
{
    reload();
}

ConnectionStore::~ConnectionStore() = default;

void ConnectionStore::reload()
{
    m_settings->sync();
    m_profiles.clear();
    m_settings->beginGroup(QLatin1String(SettingsGroup));
    const int count = m_settings->beginReadArray(QStringLiteral("profiles"));
    for (int i = 0; i < count; ++i) {
        m_settings->setArrayIndex(i);
        ConnectionProfile profile = ConnectionProfile::load(*m_settings);
        if (!profile.id.isEmpty() && !contains(profile.id))
            m_profiles.append(profile);
    }
    m_settings->endArray();
    m_currentId = m_settings->value(QStringLiteral("current")).toString();
    m_settings->endGroup();
    if (!contains(m_currentId))
        m_currentId.clear();
}

bool ConnectionStore::persist(QString *error)
{
    m_settings->beginGroup(QLatin1String(SettingsGroup));
    m_settings->remove(QStringLiteral("profiles"));
    m_settings->beginWriteArray(QStringLiteral("profiles"), int(m_profiles.size()));
    for (int i = 0; i < m_profiles.size(); ++i) {
        m_settings->setArrayIndex(i);
        m_profiles.at(i).save(*m_settings);
    }
    m_settings->endArray();
    m_settings->setValue(QStringLiteral("current"), m_currentId);
    m_settings->endGroup();
    m_settings->sync();
    if (m_settings->status() != QSettings::NoError) {
        if (error)
            *error = QStringLiteral("cannot write the settings %1").arg(m_settings->fileName());
        return false;
    }
    return true;
}

int ConnectionStore::indexOf(const QString &id) const
{
    for (int i = 0; i < m_profiles.size(); ++i) {
        if (m_profiles.at(i).id == id)
            return i;
    }
    return -1;
}

ConnectionProfile ConnectionStore::profile(const QString &id) const
{
    const int index = indexOf(id);
    return index < 0 ? ConnectionProfile() : m_profiles.at(index);
}

bool ConnectionStore::checkKey(const ConnectionProfile &profile, const QByteArray &keyPem,
                               QString *error) const
{
    const auto fail = [&](const QString &message) {
        *error = QStringLiteral("connection \"%1\": %2").arg(profile.name, message);
        return false;
    };
    if (!profile.tls)
        return fail(QStringLiteral("a private key goes with TLS only"));
    if (profile.certPem.isEmpty())
        return fail(QStringLiteral("a private key needs a client certificate"));
    if (!isPrivateKey(keyPem))
        return fail(QStringLiteral("the private key is not an unencrypted PEM private key"));
    return true;
}

bool ConnectionStore::add(const ConnectionProfile &profile, QString *error)
{
    return add(profile, QByteArray(), error);
}

bool ConnectionStore::add(const ConnectionProfile &profile, const QByteArray &keyPem, QString *error)
{
    if (contains(profile.id)) {
        *error = QStringLiteral("a connection with id %1 exists already").arg(profile.id);
        return false;
    }
    ConnectionProfile added = profile;
    added.hasKey = false; // until the keychain has it
    if (!added.validate(error) || (!keyPem.isEmpty() && !checkKey(added, keyPem, error)))
        return false;
    m_profiles.append(added);
    if (!persist(error)) {
        m_profiles.removeLast();
        return false;
    }
    emit profileAdded(added.id);
    if (!keyPem.isEmpty())
        storeKey(added.id, keyPem);
    return true;
}

bool ConnectionStore::update(const ConnectionProfile &profile, QString *error)
{
    return replace(profile, nullptr, error);
}

bool ConnectionStore::update(const ConnectionProfile &profile, const QByteArray &keyPem, QString *error)
{
    return replace(profile, &keyPem, error);
}

bool ConnectionStore::replace(const ConnectionProfile &profile, const QByteArray *keyPem, QString *error)
{
    const int index = indexOf(profile.id);
    if (index < 0) {
        *error = unknownId(profile.id);
        return false;
    }
    const ConnectionProfile previous = m_profiles.at(index);
    const bool newKey = keyPem && !keyPem->isEmpty();
    const bool dropKey = previous.hasKey && (!profile.tls || (keyPem && keyPem->isEmpty()));
    ConnectionProfile updated = profile;
    // The old key stays usable until a new one replaces it.
    updated.hasKey = previous.hasKey && !dropKey;
    if (!updated.validate(error) || (newKey && !checkKey(updated, *keyPem, error)))
        return false;
    m_profiles[index] = updated;
    if (!persist(error)) {
        m_profiles[index] = previous;
        return false;
    }
    emit profileChanged(updated.id);
    if (newKey)
        storeKey(updated.id, *keyPem);
    else if (dropKey)
        deleteKey(updated.id, updated.name);
    return true;
}

int ConnectionStore::addMissing(const QList<DockerContextImporter::Imported> &imported, QStringList *problems)
{
    QStringList known;
    for (const ConnectionProfile &profile : std::as_const(m_profiles))
        known << profile.name;
    int added = 0;
    for (const DockerContextImporter::Imported &connection : imported) {
        if (known.contains(connection.profile.name))
            continue;
        QString error;
        const bool ok = connection.keyPem.isEmpty() ? add(connection.profile, &error)
                                                    : add(connection.profile, connection.keyPem, &error);
        if (ok) {
            ++added;
            known << connection.profile.name;
            if (connection.current && m_currentId.isEmpty())
                setCurrentId(connection.profile.id);
        } else {
            problems->append(error);
        }
    }
    return added;
}

int ConnectionStore::importFromDocker(const QProcessEnvironment &env, QStringList *problems)
{
    const auto result = DockerContextImporter::importAll(DockerContextImporter::configDirectory(env), env);
    problems->append(result.errors);
    return addMissing(result.connections, problems);
}

void ConnectionStore::remove(const QString &id)
{
    const int index = indexOf(id);
    if (index < 0)
        return;
    const ConnectionProfile removed = m_profiles.takeAt(index);
    const bool wasCurrent = m_currentId == id;
    if (wasCurrent)
        m_currentId.clear();
    persist(nullptr);
    emit profileRemoved(id);
    if (wasCurrent)
        emit currentChanged(QString());
    // A TLS profile may have a key even when hasKey is false: a write that
    // timed out here may still have landed.
    if (removed.hasKey || removed.tls)
        deleteKey(id, removed.name);
}

void ConnectionStore::setCurrentId(const QString &id)
{
    if (id == m_currentId || (!id.isEmpty() && !contains(id)))
        return;
    m_currentId = id;
    persist(nullptr);
    emit currentChanged(id);
}

void ConnectionStore::storeKey(const QString &id, const QByteArray &keyPem)
{
    m_keychain.write(id, keyPem, this, [this, id](bool ok, const QByteArray &, const QString &problem) {
        const int index = indexOf(id);
        if (!ok) {
            emit keyFailed(id, QStringLiteral("cannot store the private key of \"%1\" in the keychain: %2")
                                   .arg(index < 0 ? id : m_profiles.at(index).name, problem));
            return;
        }
        if (index >= 0 && !m_profiles.at(index).hasKey) {
            m_profiles[index].hasKey = true;
            persist(nullptr);
            emit profileChanged(id);
        }
        emit keySaved(id);
    });
}

void ConnectionStore::deleteKey(const QString &id, const QString &name)
{
    m_keychain.remove(id, this, [this, id, name](bool ok, const QByteArray &, const QString &problem) {
        if (ok)
            emit keyDeleted(id);
        else
            emit keyFailed(id, QStringLiteral("cannot delete the private key of \"%1\" from the keychain: %2")
                                   .arg(name, problem));
    });
}

void ConnectionStore::readKey(const QString &id, KeyHandler handler)
{
    const int index = indexOf(id);
    if (index < 0 || !m_profiles.at(index).hasKey) {
        const QString message = index < 0 ? unknownId(id)
                                          : QStringLiteral("connection \"%1\" has no private key stored")
                                                .arg(m_profiles.at(index).name);
        QMetaObject::invokeMethod(
            this, [handler, message] { handler(false, {}, message); }, Qt::QueuedConnection);
        return;
    }
    m_keychain.read(
        id, this,
        [handler, name = m_profiles.at(index).name](bool ok, const QByteArray &data, const QString &problem) {
            if (!ok)
                handler(false, {},
                        QStringLiteral("cannot read the private key of \"%1\" from the keychain: %2")
                            .arg(name, problem));
            else
                handler(true, data, QString());
        });
}

void ConnectionStore::loadKey(const QString &id)
{
    readKey(id, [this, id](bool ok, const QByteArray &pem, const QString &message) {
        if (ok)
            emit keyLoaded(id, pem);
        else
            emit keyFailed(id, message);
    });
}

void ConnectionStore::resolveEndpoint(const QString &id, QObject *context, ResolveHandler handler)
{
    QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    const auto deliver = [guard, guarded, handler](const ResolvedConnection &resolved) {
        if (!guarded || guard)
            handler(resolved);
    };
    const auto build = [id](const ConnectionProfile &profile, const QByteArray &keyPem) {
        ResolvedConnection resolved;
        resolved.id = id;
        resolved.profile = profile;
        profile.toEndpoint(keyPem, &resolved.endpoint, &resolved.error);
        return resolved;
    };
    const int index = indexOf(id);
    if (index < 0 || !m_profiles.at(index).tls || !m_profiles.at(index).hasKey) {
        ResolvedConnection resolved;
        if (index < 0) {
            resolved.id = id;
            resolved.error = unknownId(id);
        } else {
            resolved = build(m_profiles.at(index), {});
        }
        QMetaObject::invokeMethod(
            this, [deliver, resolved] { deliver(resolved); }, Qt::QueuedConnection);
        return;
    }
    readKey(id, [this, id, deliver, build](bool ok, const QByteArray &pem, const QString &message) {
        const int current = indexOf(id); // the profile may have changed meanwhile
        ResolvedConnection resolved;
        if (current < 0) {
            resolved.id = id;
            resolved.error = unknownId(id);
        } else if (!ok) {
            resolved.id = id;
            resolved.profile = m_profiles.at(current);
            resolved.error = message;
        } else {
            resolved = build(m_profiles.at(current), pem);
        }
        deliver(resolved);
    });
}

} // namespace cape
