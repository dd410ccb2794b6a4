#include "certificatestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

namespace cape {

CertificateStore::CertificateStore(QObject *parent)
    : CertificateStore(QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
                           QStringLiteral("/certificates"),
                       parent)
{}

CertificateStore::CertificateStore(const QString &directory, QObject *parent)
    : QObject(parent)
    , m_directory(directory)
{
    load();
}

QString CertificateStore::filePath() const
{
    return m_directory + QStringLiteral("/certificates.json");
}

void CertificateStore::load()
{
    QFile file(filePath());
    if (!file.open(QIODevice::ReadOnly))
        return; // none yet
    const QJsonArray array = QJsonDocument::fromJson(file.readAll()).array();
    for (const QJsonValue &value : array) {
        const QJsonObject object = value.toObject();
        Entry entry;
        entry.id = object[QLatin1String("id")].toString();
        entry.name = object[QLatin1String("name")].toString();
        entry.hasKey = object[QLatin1String("hasKey")].toBool();
        entry.added = QDateTime::fromString(object[QLatin1String("added")].toString(), Qt::ISODate);
        QString error;
        entry.chain = Certificate::fromPem(object[QLatin1String("chain")].toString().toLatin1(), &error);
        if (!entry.id.isEmpty() && !entry.chain.isEmpty())
            m_entries << entry;
    }
}

bool CertificateStore::save(QString *error) const
{
    QJsonArray array;
    for (const Entry &entry : m_entries) {
        QByteArray chain;
        for (const Certificate &certificate : entry.chain)
            chain += certificate.toPem();
        array << QJsonObject{{QStringLiteral("id"), entry.id},
                             {QStringLiteral("name"), entry.name},
                             {QStringLiteral("hasKey"), entry.hasKey},
                             {QStringLiteral("added"), entry.added.toString(Qt::ISODate)},
                             {QStringLiteral("chain"), QString::fromLatin1(chain)}};
    }
    if (!QDir().mkpath(m_directory)) {
        *error = QStringLiteral("cannot create %1").arg(m_directory);
        return false;
    }
    // Written whole or not at all: an interrupted save keeps the last list.
    QSaveFile file(filePath());
    if (!file.open(QIODevice::WriteOnly) || file.write(QJsonDocument(array).toJson()) < 0 || !file.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(filePath(), file.errorString());
        return false;
    }
    return true;
}

int CertificateStore::indexOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_entries.size(); ++i) {
        if (m_entries.at(i).id == id)
            return int(i);
    }
    return -1;
}

const CertificateStore::Entry *CertificateStore::entry(const QString &id) const
{
    const int index = indexOf(id);
    return index < 0 ? nullptr : &m_entries.at(index);
}

QList<CertificateStore::Entry> CertificateStore::authorities() const
{
    QList<Entry> found;
    for (const Entry &entry : m_entries) {
        if (entry.hasKey && entry.leaf().isAuthority())
            found << entry;
    }
    return found;
}

bool CertificateStore::add(const QString &name, const CertificateBundle &bundle, QString *error)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("a certificate needs a name");
        return false;
    }
    for (const Entry &entry : std::as_const(m_entries)) {
        if (entry.name.compare(trimmed, Qt::CaseInsensitive) == 0) {
            *error = QStringLiteral("there is a certificate named \"%1\" already").arg(entry.name);
            return false;
        }
    }
    if (bundle.chain.isEmpty()) {
        *error = QStringLiteral("no certificate to store");
        return false;
    }
    if (!bundle.key.isNull() && !bundle.keyMatches()) {
        *error = QStringLiteral("the private key does not belong to the certificate");
        return false;
    }
    Entry entry{QUuid::createUuid().toString(QUuid::WithoutBraces), trimmed, bundle.chain, false,
                QDateTime::currentDateTimeUtc()};
    const auto store = [this, entry](bool hasKey) {
        Entry stored = entry;
        stored.hasKey = hasKey;
        m_entries << stored;
        QString problem;
        if (!save(&problem)) {
            m_entries.removeLast();
            emit failed(QStringLiteral("cannot save \"%1\": %2").arg(stored.name, problem));
            return;
        }
        emit added(stored.id);
    };
    if (bundle.key.isNull()) {
        QMetaObject::invokeMethod(
            this, [store] { store(false); }, Qt::QueuedConnection);
        return true;
    }
    m_keychain.write(entry.id, bundle.key.toPem(), this,
                     [this, store, name = entry.name](bool ok, const QByteArray &, const QString &problem) {
                         if (!ok) {
                             emit failed(
                                 QStringLiteral("cannot store the private key of \"%1\" in the keychain: %2")
                                     .arg(name, problem));
                             return;
                         }
                         store(true);
                     });
    return true;
}

void CertificateStore::remove(const QString &id)
{
    const int index = indexOf(id);
    if (index < 0)
        return;
    const Entry entry = m_entries.takeAt(index);
    QString problem;
    if (!save(&problem)) {
        m_entries.insert(index, entry);
        emit failed(QStringLiteral("cannot forget \"%1\": %2").arg(entry.name, problem));
        return;
    }
    emit removed(id);
    if (entry.hasKey) {
        m_keychain.remove(
            id, this, [this, name = entry.name](bool ok, const QByteArray &, const QString &why) {
                if (!ok)
                    emit failed(
                        QStringLiteral("cannot delete the private key of \"%1\" from the keychain: %2")
                            .arg(name, why));
            });
    }
}

void CertificateStore::readKey(const QString &id,
                               std::function<void(const PrivateKey &key, const QString &problem)> done)
{
    const Entry *found = entry(id);
    if (!found || !found->hasKey) {
        const QString problem = found ? QStringLiteral("no private key of \"%1\" is stored").arg(found->name)
                                      : QStringLiteral("there is no certificate with id %1").arg(id);
        QMetaObject::invokeMethod(
            this, [done, problem] { done({}, problem); }, Qt::QueuedConnection);
        return;
    }
    m_keychain.read(
        id, this, [done, name = found->name](bool ok, const QByteArray &pem, const QString &problem) {
            if (!ok) {
                done({}, QStringLiteral("cannot read the private key of \"%1\" from the keychain: %2")
                             .arg(name, problem));
                return;
            }
            QString error;
            const PrivateKey key = PrivateKey::fromPem(pem, {}, &error);
            done(key, key.isNull()
                          ? QStringLiteral("the stored key of \"%1\" is unreadable: %2").arg(name, error)
                          : QString());
        });
}

QString CertificateStore::verify(const QString &id) const
{
    const Entry *found = entry(id);
    if (!found)
        return QStringLiteral("there is no certificate with id %1").arg(id);
    QList<Certificate> roots;
    for (const Entry &entry : m_entries) {
        if (entry.leaf().isAuthority() && entry.leaf().isSelfIssued())
            roots << entry.leaf();
    }
    const CertificateBundle bundle{found->chain, {}};
    // The store's own roots first (a local CA), then the system's.
    if (!roots.isEmpty() && bundle.verify(roots).isEmpty())
        return {};
    return bundle.verify();
}

} // namespace cape
