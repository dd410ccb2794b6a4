#include "signingrequest.h"

#include "certificate.h"
#include "memorybio.h"
#include "opensslerrors.h"
#include "x509text.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace cape {

SigningRequest SigningRequest::fromPem(const QByteArray &pem, QString *error)
{
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    X509_REQ *request = bio ? PEM_read_bio_X509_REQ(bio, nullptr, nullptr, nullptr) : nullptr;
    BIO_free(bio);
    SigningRequest read;
    if (!request) {
        *error =
            pem.contains("-----BEGIN CERTIFICATE REQUEST-----")
                ? QStringLiteral("the signing request is broken: %1").arg(opensslErrors())
                : QStringLiteral("no signing request (\"-----BEGIN CERTIFICATE REQUEST-----\") in the text");
        ERR_clear_error();
        return read;
    }
    read.m_request.reset(request, X509_REQ_free);
    return read;
}

QByteArray SigningRequest::toPem() const
{
    if (!m_request)
        return {};
    return writeToMemory([this](BIO *bio) { PEM_write_bio_X509_REQ(bio, m_request.get()); });
}

QString SigningRequest::subject() const
{
    return m_request ? x509NameText(X509_REQ_get_subject_name(m_request.get())) : QString();
}

QString SigningRequest::commonName() const
{
    return m_request ? x509NameEntry(X509_REQ_get_subject_name(m_request.get()), NID_commonName) : QString();
}

QStringList SigningRequest::alternativeNames(int type) const
{
    if (!m_request)
        return {};
    STACK_OF(X509_EXTENSION) *extensions = X509_REQ_get_extensions(m_request.get());
    auto *names =
        static_cast<GENERAL_NAMES *>(X509V3_get_d2i(extensions, NID_subject_alt_name, nullptr, nullptr));
    const QStringList found = generalNamesOfType(names, type);
    GENERAL_NAMES_free(names);
    sk_X509_EXTENSION_pop_free(extensions, X509_EXTENSION_free);
    return found;
}

QStringList SigningRequest::dnsNames() const
{
    return alternativeNames(GEN_DNS);
}

QStringList SigningRequest::ipAddresses() const
{
    return alternativeNames(GEN_IPADD);
}

QString SigningRequest::keyDescription() const
{
    return m_request ? cape::keyDescription(X509_REQ_get0_pubkey(m_request.get())) : QString();
}

bool SigningRequest::isSignatureValid() const
{
    EVP_PKEY *key = m_request ? X509_REQ_get0_pubkey(m_request.get()) : nullptr;
    const bool valid = key && X509_REQ_verify(m_request.get(), key) == 1;
    ERR_clear_error();
    return valid;
}

bool SigningRequest::isAnsweredBy(const Certificate &certificate) const
{
    if (!m_request || certificate.isNull())
        return false;
    const EVP_PKEY *requested = X509_REQ_get0_pubkey(m_request.get());
    const EVP_PKEY *issued = X509_get0_pubkey(certificate.handle());
    const bool same = requested && issued && EVP_PKEY_eq(requested, issued) == 1;
    ERR_clear_error();
    return same;
}

} // namespace cape
