#pragma once

#include "proxyconfig.h"

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace cape {

// The TLS side of a configuration: one OpenSSL context per certificate
// (chain and key from files, checked to belong together), TLS 1.2 and 1.3
// only, session resumption by ticket and cache. The certificate for a
// connection is chosen by its SNI name: the certificate its route names,
// else one whose names cover it, else the first.
class TlsContexts
{
public:
    // nullptr with every problem (file, key, chain) named.
    static std::shared_ptr<TlsContexts> load(const ProxyConfig &config, QStringList *errors);
    ~TlsContexts();
    TlsContexts(const TlsContexts &) = delete;
    TlsContexts &operator=(const TlsContexts &) = delete;

    // A server-side SSL for an accepted connection (nullptr if OpenSSL
    // cannot make one).
    SSL *newConnection(int fd) const;
    // The names a certificate covers (its DNS subjectAltNames, else its CN).
    QStringList namesOf(const QString &certificate) const;

private:
    TlsContexts() = default;
    static int onServerName(SSL *ssl, int *alert, void *self);
    SSL_CTX *contextFor(const QString &host) const;

    struct Entry
    {
        QString name;
        SSL_CTX *context = nullptr;
        QStringList names;
    };
    QList<Entry> m_entries;
    QHash<QString, int> m_byRouteHost;                // exact route hosts -> entry
    QList<std::pair<QString, int>> m_byRouteWildcard; // ".example.com" -> entry
};

} // namespace cape
