#include "certificatestore.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUuid>

#include <optional>

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
        if (object.contains(QLatin1String("signingRequest"))) {
            const PendingRequest request{
                entry.id, entry.name,
                SigningRequest::fromPem(object[QLatin1String("signingRequest")].toString().toLatin1(),
                                        &error),
                entry.added};
            if (!request.id.isEmpty() && !request.request.isNull())
                m_requests << request;
            continue;
        }
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
    for (const PendingRequest &request : m_requests) {
        array << QJsonObject{
            {QStringLiteral("id"), request.id},
            {QStringLiteral("name"), request.name},
            {QStringLiteral("hasKey"), true},
            {QStringLiteral("added"), request.created.toString(Qt::ISODate)},
            {QStringLiteral("signingRequest"), QString::fromLatin1(request.request.toPem())}};
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

int CertificateStore::requestIndexOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_requests.size(); ++i) {
        if (m_requests.at(i).id == id)
            return int(i);
    }
    return -1;
}

const CertificateStore::PendingRequest *CertificateStore::request(const QString &id) const
{
    const int index = requestIndexOf(id);
    return index < 0 ? nullptr : &m_requests.at(index);
}

QString CertificateStore::nameTaken(const QString &name, const QString &except) const
{
    const auto same = [&name](const QString &other) { return other.compare(name, Qt::CaseInsensitive) == 0; };
    for (const Entry &entry : m_entries) {
        if (same(entry.name))
            return QStringLiteral("there is a certificate named \"%1\" already").arg(entry.name);
    }
    for (const PendingRequest &request : m_requests) {
        if (request.id != except && same(request.name))
            return QStringLiteral("there is a signing request named \"%1\" already").arg(request.name);
    }
    return {};
}

void CertificateStore::writeKey(const QString &id, const QString &name, const PrivateKey &key,
                                std::function<void()> stored)
{
    m_keychain.write(
        id, key.toPem(), this, [this, stored, name](bool ok, const QByteArray &, const QString &problem) {
            if (!ok) {
                emit failed(QStringLiteral("cannot store the private key of \"%1\" in the keychain: %2")
                                .arg(name, problem));
                return;
            }
            stored();
        });
}

void CertificateStore::deleteKey(const QString &id, const QString &name)
{
    m_keychain.remove(id, this, [this, name](bool ok, const QByteArray &, const QString &why) {
        if (!ok)
            emit failed(QStringLiteral("cannot delete the private key of \"%1\" from the keychain: %2")
                            .arg(name, why));
    });
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
    if (bundle.chain.isEmpty()) {
        *error = QStringLiteral("no certificate to store");
        return false;
    }
    if (!bundle.key.isNull() && !bundle.keyMatches()) {
        *error = QStringLiteral("the private key does not belong to the certificate");
        return false;
    }
    // The answer of an external CA to a request made here: its key is stored already.
    const PendingRequest *answered = nullptr;
    for (const PendingRequest &request : std::as_const(m_requests)) {
        if (bundle.key.isNull() && request.request.isAnsweredBy(bundle.chain.first()))
            answered = &request;
    }
    if (const QString taken = nameTaken(trimmed, answered ? answered->id : QString()); !taken.isEmpty()) {
        *error = taken;
        return false;
    }
    Entry entry{answered ? answered->id : QUuid::createUuid().toString(QUuid::WithoutBraces), trimmed,
                bundle.chain, false, QDateTime::currentDateTimeUtc()};
    const auto store = [this, entry](bool hasKey) {
        Entry stored = entry;
        stored.hasKey = hasKey;
        const int requestIndex = requestIndexOf(stored.id);
        const std::optional<PendingRequest> request =
            requestIndex < 0 ? std::nullopt : std::optional(m_requests.takeAt(requestIndex));
        m_entries << stored;
        QString problem;
        if (!save(&problem)) {
            m_entries.removeLast();
            if (request)
                m_requests.insert(requestIndex, *request);
            emit failed(QStringLiteral("cannot save \"%1\": %2").arg(stored.name, problem));
            return;
        }
        if (request)
            emit requestRemoved(stored.id);
        emit added(stored.id);
    };
    if (bundle.key.isNull()) {
        QMetaObject::invokeMethod(
            this, [store, hasKey = answered != nullptr] { store(hasKey); }, Qt::QueuedConnection);
        return true;
    }
    writeKey(entry.id, entry.name, bundle.key, [store] { store(true); });
    return true;
}

bool CertificateStore::addRequest(const QString &name, const PrivateKey &key, const SigningRequest &request,
                                  QString *error)
{
    const QString trimmed = name.trimmed();
    if (trimmed.isEmpty()) {
        *error = QStringLiteral("a signing request needs a name");
        return false;
    }
    if (key.isNull() || request.isNull()) {
        *error = QStringLiteral("no key or no request to keep");
        return false;
    }
    if (const QString taken = nameTaken(trimmed); !taken.isEmpty()) {
        *error = taken;
        return false;
    }
    const PendingRequest pending{QUuid::createUuid().toString(QUuid::WithoutBraces), trimmed, request,
                                 QDateTime::currentDateTimeUtc()};
    writeKey(pending.id, pending.name, key, [this, pending] {
        m_requests << pending;
        QString problem;
        if (!save(&problem)) {
            m_requests.removeLast();
            emit failed(QStringLiteral("cannot save \"%1\": %2").arg(pending.name, problem));
            return;
        }
        emit requestAdded(pending.id);
    });
    return true;
}

void CertificateStore::remove(const QString &id)
{
    if (const int index = requestIndexOf(id); index >= 0) {
        const PendingRequest request = m_requests.takeAt(index);
        QString problem;
        if (!save(&problem)) {
            m_requests.insert(index, request);
            emit failed(QStringLiteral("cannot forget \"%1\": %2").arg(request.name, problem));
            return;
        }
        emit requestRemoved(id);
        deleteKey(id, request.name);
        return;
    }
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
    if (entry.hasKey)
        deleteKey(id, entry.name);
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
