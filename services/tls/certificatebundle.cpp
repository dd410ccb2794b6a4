#include "certificatebundle.h"

#include "opensslerrors.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pkcs12.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace cape {

std::optional<CertificateBundle> CertificateBundle::fromPem(const QByteArray &pem,
                                                            const QByteArray &passphrase, QString *error)
{
    CertificateBundle bundle;
    bundle.chain = Certificate::fromPem(pem, error);
    if (bundle.chain.isEmpty())
        return std::nullopt;
    if (pem.contains("PRIVATE KEY-----")) {
        bundle.key = PrivateKey::fromPem(pem, passphrase, error);
        if (bundle.key.isNull())
            return std::nullopt;
    }
    return bundle;
}

std::optional<CertificateBundle> CertificateBundle::fromPkcs12(const QByteArray &der,
                                                               const QByteArray &password, QString *error)
{
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(der.constData(), int(der.size()));
    PKCS12 *archive = d2i_PKCS12_bio(bio, nullptr);
    BIO_free(bio);
    if (!archive) {
        *error = QStringLiteral("not a PKCS#12 file: %1").arg(opensslErrors());
        return std::nullopt;
    }
    EVP_PKEY *key = nullptr;
    X509 *leaf = nullptr;
    STACK_OF(X509) *others = nullptr;
    const QByteArray terminated = password; // PKCS12_parse wants a C string
    const bool parsed = PKCS12_parse(archive, terminated.constData(), &key, &leaf, &others) == 1;
    PKCS12_free(archive);
    if (!parsed) {
        const unsigned long reason = ERR_GET_REASON(ERR_peek_last_error());
        const QString details = opensslErrors();
        *error = reason == PKCS12_R_MAC_VERIFY_FAILURE
                     ? QStringLiteral("the password does not open the PKCS#12 file")
                     : QStringLiteral("the PKCS#12 file cannot be read: %1").arg(details);
        return std::nullopt;
    }
    CertificateBundle bundle;
    if (leaf)
        bundle.chain << Certificate(leaf);
    for (int i = 0; others && i < sk_X509_num(others); ++i)
        bundle.chain << Certificate(sk_X509_value(others, i));
    bundle.key = PrivateKey(key);
    X509_free(leaf);
    EVP_PKEY_free(key);
    sk_X509_pop_free(others, X509_free);
    if (bundle.chain.isEmpty()) {
        *error = QStringLiteral("the PKCS#12 file holds no certificate");
        return std::nullopt;
    }
    return bundle;
}

QString CertificateBundle::verify(const QList<Certificate> &trusted) const
{
    if (chain.isEmpty())
        return QStringLiteral("no certificate");
    ERR_clear_error();
    X509_STORE *store = X509_STORE_new();
    if (trusted.isEmpty())
        X509_STORE_set_default_paths(store);
    for (const Certificate &root : trusted)
        X509_STORE_add_cert(store, root.handle());
    STACK_OF(X509) *intermediates = sk_X509_new_null();
    for (qsizetype i = 1; i < chain.size(); ++i)
        sk_X509_push(intermediates, chain.at(i).handle());
    X509_STORE_CTX *context = X509_STORE_CTX_new();
    QString problem;
    if (X509_STORE_CTX_init(context, store, chain.first().handle(), intermediates) != 1) {
        problem = QStringLiteral("OpenSSL could not verify: %1").arg(opensslErrors());
    } else {
        X509_STORE_CTX_set_purpose(context, X509_PURPOSE_SSL_SERVER);
        if (X509_verify_cert(context) != 1) {
            const int code = X509_STORE_CTX_get_error(context);
            problem = QStringLiteral("%1 (at depth %2)")
                          .arg(QString::fromLatin1(X509_verify_cert_error_string(code)))
                          .arg(X509_STORE_CTX_get_error_depth(context));
        }
    }
    X509_STORE_CTX_free(context);
    sk_X509_free(intermediates); // the certificates stay the chain's
    X509_STORE_free(store);
    ERR_clear_error();
    return problem;
}

} // namespace cape
