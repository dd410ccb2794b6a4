#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

#include <functional>

namespace cape {

// One service's entries in the OS keychain (QtKeychain: the Secret Service
// on Linux), for the private keys the app must never write to disk.
// Asynchronous: each call answers once, in the context's thread, with
// whether it worked and, if not, why in words a user can act on ("no
// keychain is available: …"). A keychain that does not answer in time
// (an unlock prompt nobody answers) fails the call, never hangs it.
class Keychain
{
public:
    // ok, the data read (read only), the problem when not ok.
    using Done = std::function<void(bool ok, const QByteArray &data, const QString &problem)>;
    static constexpr int DefaultTimeoutMs = 120000; // long enough to answer an unlock prompt

    explicit Keychain(QString service)
        : m_service(std::move(service))
    {}

    void write(const QString &key, const QByteArray &data, QObject *context, Done done) const;
    void read(const QString &key, QObject *context, Done done) const;
    // Gone already counts as removed.
    void remove(const QString &key, QObject *context, Done done) const;

    int timeout() const { return m_timeoutMs; }
    void setTimeout(int ms) { m_timeoutMs = ms; }
    const QString &service() const { return m_service; }

private:
    QString m_service;
    int m_timeoutMs = DefaultTimeoutMs;
};

} // namespace cape
