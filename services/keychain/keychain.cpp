#include "keychain.h"

#include <QDBusConnection>
#include <QTimer>

#include <qt6keychain/keychain.h>

#include <memory>
#include <utility>

namespace cape {

namespace {

// What went wrong, in words a user can act on.
QString problemOf(QKeychain::Error error, const QString &reason)
{
    switch (error) {
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return QStringLiteral("no keychain is available: %1").arg(reason);
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return QStringLiteral("the keychain refused access: %1").arg(reason);
    case QKeychain::EntryNotFound:
        return QStringLiteral("the keychain holds no key for it");
    default:
        break;
    }
    // libsecret reports a missing session bus or Secret Service as a plain
    // error; to a user both mean there is no keychain. (sessionBus() connects
    // once per process, to a local socket; this runs only after a failure.)
#if defined(Q_OS_UNIX) && !defined(Q_OS_MACOS)
    if (!QDBusConnection::sessionBus().isConnected())
        return QStringLiteral("no keychain is available: no D-Bus session bus (%1)").arg(reason);
    if (reason.contains(QLatin1String("org.freedesktop.secrets")))
        return QStringLiteral("no keychain is available: %1").arg(reason);
#endif
    return QStringLiteral("the keychain failed: %1")
        .arg(reason.isEmpty() ? QStringLiteral("unknown error") : reason);
}

// Runs one job and answers exactly once: when it finishes, or after
// timeoutMs. The job is not parented: QtKeychain's backends call back into
// it, so it deletes itself when it finishes, whatever became of context.
void run(QKeychain::Job *job, QObject *context, int timeoutMs, bool missingIsFine, Keychain::Done done)
{
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never QtKeychain's plaintext QSettings store
    auto *timer = new QTimer(context);
    timer->setSingleShot(true);
    auto settled = std::make_shared<bool>(false);
    QObject::connect(job, &QKeychain::Job::finished, context,
                     [timer, settled, done, missingIsFine](QKeychain::Job *finished) {
                         if (std::exchange(*settled, true))
                             return;
                         timer->deleteLater();
                         const QKeychain::Error error = finished->error();
                         if (error == QKeychain::NoError ||
                             (missingIsFine && error == QKeychain::EntryNotFound)) {
                             const auto *read = qobject_cast<QKeychain::ReadPasswordJob *>(finished);
                             done(true, read ? read->binaryData() : QByteArray(), QString());
                             return;
                         }
                         done(false, {}, problemOf(error, finished->errorString()));
                     });
    QObject::connect(timer, &QTimer::timeout, context, [timer, settled, done, timeoutMs] {
        if (std::exchange(*settled, true))
            return;
        timer->deleteLater();
        done(false, {}, QStringLiteral("the keychain did not answer within %1 s").arg(timeoutMs / 1000.0));
    });
    timer->start(timeoutMs);
    job->start();
}

} // namespace

void Keychain::write(const QString &key, const QByteArray &data, QObject *context, Done done) const
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    job->setKey(key);
    job->setBinaryData(data);
    run(job, context, m_timeoutMs, false, std::move(done));
}

void Keychain::read(const QString &key, QObject *context, Done done) const
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    job->setKey(key);
    run(job, context, m_timeoutMs, false, std::move(done));
}

void Keychain::remove(const QString &key, QObject *context, Done done) const
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    job->setKey(key);
    run(job, context, m_timeoutMs, true, std::move(done));
}

} // namespace cape
