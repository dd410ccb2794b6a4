#include "certificatefactory.h"

#include "memorybio.h"
#include "opensslerrors.h"

#include <QHostAddress>

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <memory>

namespace cape {

namespace {

template<typename T, void (*Free)(T *)> using Owned = std::unique_ptr<T, decltype([](T *p) { Free(p); })>;

Owned<X509_NAME, X509_NAME_free> makeName(const CertificateFactory::Subject &subject)
{
    Owned<X509_NAME, X509_NAME_free> name(X509_NAME_new());
    const auto add = [&name](const char *field, const QString &value) {
        const QByteArray bytes = value.toUtf8();
        X509_NAME_add_entry_by_txt(name.get(), field, MBSTRING_UTF8,
                                   reinterpret_cast<const unsigned char *>(bytes.constData()),
                                   int(bytes.size()), -1, 0);
    };
    if (!subject.organization.isEmpty())
        add("O", subject.organization);
    if (!subject.commonName.isEmpty())
        add("CN", subject.commonName);
    return name;
}

// "DNS:a.example.com,IP:10.0.0.5", or empty; nullopt when a name is not one.
std::optional<QByteArray> alternativeNames(const CertificateFactory::Subject &subject, QString *error)
{
    QStringList entries;
    for (const QString &name : subject.dnsNames) {
        if (name.isEmpty() || name.contains(u',') || name.contains(u' ')) {
            *error = QStringLiteral("\"%1\" is no DNS name").arg(name);
            return std::nullopt;
        }
        entries << QStringLiteral("DNS:") + name.toLower();
    }
    for (const QString &ip : subject.ipAddresses) {
        if (QHostAddress(ip).isNull()) {
            *error = QStringLiteral("\"%1\" is no IP address").arg(ip);
            return std::nullopt;
        }
        entries << QStringLiteral("IP:") + ip;
    }
    return entries.join(u',').toLatin1();
}

bool addExtension(X509 *certificate, X509V3_CTX *context, int nid, const char *value)
{
    X509_EXTENSION *extension = X509V3_EXT_conf_nid(nullptr, context, nid, value);
    if (!extension)
        return false;
    const bool added = X509_add_ext(certificate, extension, -1) == 1;
    X509_EXTENSION_free(extension);
    return added;
}

// SHA-256 for RSA and EC; Ed25519 signs without a separate digest.
const EVP_MD *digestFor(const PrivateKey &key)
{
    return EVP_PKEY_get_base_id(key.handle()) == EVP_PKEY_ED25519 ? nullptr : EVP_sha256();
}

} // namespace

Certificate CertificateFactory::selfSigned(const Subject &subject, const PrivateKey &key, QString *error)
{
    return build(subject, key, nullptr, key, false, error);
}

Certificate CertificateFactory::createAuthority(const Subject &subject, const PrivateKey &key, QString *error)
{
    return build(subject, key, nullptr, key, true, error);
}

Certificate CertificateFactory::issue(const Subject &subject, const PrivateKey &subjectKey,
                                      const Certificate &authority, const PrivateKey &authorityKey,
                                      QString *error)
{
    if (authority.isNull() || !authority.isAuthority()) {
        *error = QStringLiteral("the issuer is no certificate authority (CA:TRUE)");
        return {};
    }
    if (!authorityKey.matches(authority)) {
        *error = QStringLiteral("the authority's key does not belong to its certificate");
        return {};
    }
    return build(subject, subjectKey, &authority, authorityKey, false, error);
}

Certificate CertificateFactory::build(const Subject &subject, const PrivateKey &key,
                                      const Certificate *issuer, const PrivateKey &issuerKey, bool authority,
                                      QString *error)
{
    if (key.isNull() || issuerKey.isNull()) {
        *error = QStringLiteral("no key to make the certificate with");
        return {};
    }
    if (subject.commonName.isEmpty() && subject.dnsNames.isEmpty()) {
        *error = QStringLiteral("a certificate needs a common name or a DNS name");
        return {};
    }
    if (subject.days < 1) {
        *error = QStringLiteral("a certificate must be valid for at least a day");
        return {};
    }
    const auto names = alternativeNames(subject, error);
    if (!names)
        return {};
    ERR_clear_error();
    Owned<X509, X509_free> certificate(X509_new());
    X509 *x509 = certificate.get();
    X509_set_version(x509, X509_VERSION_3);
    // A random 127-bit serial: unique without a database.
    Owned<BIGNUM, BN_free> serial(BN_new());
    BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
    BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(x509));
    X509_gmtime_adj(X509_getm_notBefore(x509), -300); // five minutes back: clocks differ
    X509_time_adj_ex(X509_getm_notAfter(x509), subject.days, 0, nullptr);
    const auto name = makeName(subject);
    X509_set_subject_name(x509, name.get());
    X509_set_issuer_name(x509, issuer ? X509_get_subject_name(issuer->handle()) : name.get());
    X509_set_pubkey(x509, key.handle());

    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, issuer ? issuer->handle() : x509, x509, nullptr, nullptr, 0);
    const bool rsa = EVP_PKEY_get_base_id(key.handle()) == EVP_PKEY_RSA;
    bool ok = addExtension(x509, &context, NID_subject_key_identifier, "hash") &&
              addExtension(x509, &context, NID_authority_key_identifier, "keyid:always");
    if (authority) {
        ok = ok && addExtension(x509, &context, NID_basic_constraints, "critical,CA:TRUE") &&
             addExtension(x509, &context, NID_key_usage, "critical,keyCertSign,cRLSign,digitalSignature");
    } else {
        ok = ok && addExtension(x509, &context, NID_basic_constraints, "critical,CA:FALSE") &&
             addExtension(x509, &context, NID_key_usage,
                          rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature") &&
             addExtension(x509, &context, NID_ext_key_usage, "serverAuth");
    }
    if (ok && !names->isEmpty())
        ok = addExtension(x509, &context, NID_subject_alt_name, names->constData());
    if (!ok || X509_sign(x509, issuerKey.handle(), digestFor(issuerKey)) <= 0) {
        *error = QStringLiteral("OpenSSL could not make the certificate: %1").arg(opensslErrors());
        return {};
    }
    return Certificate(x509);
}

QByteArray CertificateFactory::signingRequest(const Subject &subject, const PrivateKey &key, QString *error)
{
    if (key.isNull()) {
        *error = QStringLiteral("no key to sign the request with");
        return {};
    }
    const auto names = alternativeNames(subject, error);
    if (!names)
        return {};
    ERR_clear_error();
    Owned<X509_REQ, X509_REQ_free> request(X509_REQ_new());
    X509_REQ_set_version(request.get(), X509_REQ_VERSION_1);
    X509_REQ_set_subject_name(request.get(), makeName(subject).get());
    X509_REQ_set_pubkey(request.get(), key.handle());
    bool ok = true;
    if (!names->isEmpty()) {
        STACK_OF(X509_EXTENSION) *extensions = sk_X509_EXTENSION_new_null();
        X509_EXTENSION *alternatives =
            X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, names->constData());
        ok = alternatives && sk_X509_EXTENSION_push(extensions, alternatives) > 0 &&
             X509_REQ_add_extensions(request.get(), extensions) == 1;
        sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    }
    if (!ok || X509_REQ_sign(request.get(), key.handle(), digestFor(key)) <= 0) {
        *error = QStringLiteral("OpenSSL could not make the request: %1").arg(opensslErrors());
        return {};
    }
    return writeToMemory([&request](BIO *bio) { PEM_write_bio_X509_REQ(bio, request.get()); });
}

} // namespace cape
