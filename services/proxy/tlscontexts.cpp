#include "tlscontexts.h"

#include <QFile>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

namespace cape {

namespace {

QString opensslError()
{
    QStringList reasons;
    while (const unsigned long code = ERR_get_error()) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        reasons << QString::fromLatin1(text);
    }
    return reasons.isEmpty() ? QStringLiteral("unknown error") : reasons.join(QStringLiteral("; "));
}

bool covers(const QString &pattern, const QString &host)
{
    if (pattern.startsWith(QLatin1String("*."))) {
        const QString suffix = pattern.mid(1); // ".example.com": one label in front, no more
        return host.endsWith(suffix) && host.size() > suffix.size() &&
               !host.left(host.size() - suffix.size()).contains(u'.');
    }
    return pattern == host;
}

QStringList certificateNames(X509 *certificate)
{
    QStringList names;
    auto *alternatives =
        static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; alternatives && i < sk_GENERAL_NAME_num(alternatives); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(alternatives, i);
        if (name->type == GEN_DNS) {
            const auto *text = name->d.dNSName;
            names << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(text)),
                                         ASN1_STRING_length(text))
                         .toLower();
        }
    }
    GENERAL_NAMES_free(alternatives);
    if (names.isEmpty()) {
        char common[256] = {};
        if (X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, common,
                                      sizeof common) > 0)
            names << QString::fromUtf8(common).toLower();
    }
    return names;
}

} // namespace

std::shared_ptr<TlsContexts> TlsContexts::load(const ProxyConfig &config, QStringList *errors)
{
    std::shared_ptr<TlsContexts> contexts(new TlsContexts);
    for (qsizetype i = 0; i < config.certificates.size(); ++i) {
        const ProxyConfig::Certificate &certificate = config.certificates.at(i);
        const QString where = QStringLiteral("certificates[%1]").arg(i);
        ERR_clear_error();
        SSL_CTX *context = SSL_CTX_new(TLS_server_method());
        if (!context) {
            errors->append(QStringLiteral("%1: OpenSSL: %2").arg(where, opensslError()));
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
                               .arg(where, certificate.certFile, opensslError()));
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
                                   .arg(where, certificate.keyFile, opensslError()));
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
        contexts->m_entries.last().names = certificateNames(SSL_CTX_get0_certificate(context));
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
            if (covers(name, host))
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
