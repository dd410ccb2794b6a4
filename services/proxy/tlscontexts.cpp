#include "tlscontexts.h"

#include "services/tls/certificate.h"
#include "services/tls/opensslerrors.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace cape {

std::shared_ptr<TlsContexts> TlsContexts::load(const ProxyConfig &config, QStringList *errors)
{
    std::shared_ptr<TlsContexts> contexts(new TlsContexts);
    for (qsizetype i = 0; i < config.certificates.size(); ++i) {
        const ProxyConfig::Certificate &certificate = config.certificates.at(i);
        const QString where = QStringLiteral("certificates[%1]").arg(i);
        ERR_clear_error();
        SSL_CTX *context = SSL_CTX_new(TLS_server_method());
        if (!context) {
            errors->append(QStringLiteral("%1: OpenSSL: %2").arg(where, opensslErrors()));
            continue;
        }
        contexts->m_entries.append({certificate.name, context, {}});
        SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION);
        SSL_CTX_set_options(context, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
        SSL_CTX_set_mode(context, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER |
                                      SSL_MODE_RELEASE_BUFFERS);
        // Resumption: tickets (OpenSSL's default) and a server-side cache.
        SSL_CTX_set_session_cache_mode(context, SSL_SESS_CACHE_SERVER);
        static const unsigned char sessionContext[] = "cape-proxyd";
        SSL_CTX_set_session_id_context(context, sessionContext, sizeof sessionContext - 1);
        if (SSL_CTX_use_certificate_chain_file(context,
                                               QFile::encodeName(certificate.certFile).constData()) != 1) {
            errors->append(QStringLiteral("%1.cert: %2 cannot be used: %3")
                               .arg(where, certificate.certFile, opensslErrors()));
            continue;
        }
        if (SSL_CTX_use_PrivateKey_file(context, QFile::encodeName(certificate.keyFile).constData(),
                                        SSL_FILETYPE_PEM) != 1) {
            if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
                ERR_clear_error();
                errors->append(QStringLiteral("%1: the key %2 does not belong to the certificate %3")
                                   .arg(where, certificate.keyFile, certificate.certFile));
            } else {
                errors->append(QStringLiteral("%1.key: %2 cannot be used: %3")
                                   .arg(where, certificate.keyFile, opensslErrors()));
            }
            continue;
        }
        if (SSL_CTX_check_private_key(context) != 1) {
            errors->append(QStringLiteral("%1: the key %2 does not belong to the certificate %3")
                               .arg(where, certificate.keyFile, certificate.certFile));
            continue;
        }
        SSL_CTX_set_tlsext_servername_callback(context, &TlsContexts::onServerName);
        SSL_CTX_set_tlsext_servername_arg(context, contexts.get());
        contexts->m_entries.last().names = Certificate(SSL_CTX_get0_certificate(context)).names();
    }
    for (const ProxyConfig::Route &route : config.routes) {
        if (route.certificate.isEmpty())
            continue;
        for (int e = 0; e < contexts->m_entries.size(); ++e) {
            if (contexts->m_entries.at(e).name != route.certificate)
                continue;
            if (route.host.startsWith(QLatin1String("*.")))
                contexts->m_byRouteWildcard.append({route.host.mid(1), e});
            else
                contexts->m_byRouteHost.insert(route.host, e);
        }
    }
    if (!errors->isEmpty())
        return nullptr;
    return contexts;
}

TlsContexts::~TlsContexts()
{
    for (const Entry &entry : std::as_const(m_entries))
        SSL_CTX_free(entry.context);
}

QStringList TlsContexts::namesOf(const QString &certificate) const
{
    for (const Entry &entry : m_entries) {
        if (entry.name == certificate)
            return entry.names;
    }
    return {};
}

SSL_CTX *TlsContexts::contextFor(const QString &host) const
{
    if (m_entries.isEmpty())
        return nullptr;
    if (const auto it = m_byRouteHost.constFind(host); it != m_byRouteHost.cend())
        return m_entries.at(*it).context;
    for (const auto &[suffix, entry] : m_byRouteWildcard) {
        if (host.size() > suffix.size() && host.endsWith(suffix))
            return m_entries.at(entry).context;
    }
    for (const Entry &entry : m_entries) {
        for (const QString &name : entry.names) {
            if (hostNameMatches(name, host))
                return entry.context;
        }
    }
    return m_entries.first().context;
}

SSL *TlsContexts::newConnection(int fd) const
{
    if (m_entries.isEmpty())
        return nullptr;
    SSL *ssl = SSL_new(m_entries.first().context);
    if (!ssl)
        return nullptr;
    SSL_set_fd(ssl, fd);
    SSL_set_accept_state(ssl);
    return ssl;
}

int TlsContexts::onServerName(SSL *ssl, int *, void *self)
{
    const char *name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    if (!name)
        return SSL_TLSEXT_ERR_NOACK; // no SNI: the first certificate
    SSL_CTX *context =
        static_cast<const TlsContexts *>(self)->contextFor(QString::fromLatin1(name).toLower());
    if (context && context != SSL_get_SSL_CTX(ssl))
        SSL_set_SSL_CTX(ssl, context);
    return SSL_TLSEXT_ERR_OK;
}

} // namespace cape
