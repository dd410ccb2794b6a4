#include "privatekey.h"

#include "certificate.h"
#include "memorybio.h"
#include "opensslerrors.h"
#include "x509text.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

namespace cape {

PrivateKey::PrivateKey(EVP_PKEY *key)
{
    if (key && EVP_PKEY_up_ref(key) == 1)
        m_key.reset(key, EVP_PKEY_free);
}

PrivateKey PrivateKey::generate(Type type, QString *error)
{
    ERR_clear_error();
    EVP_PKEY *key = nullptr;
    switch (type) {
    case Type::EcP256:
        key = EVP_EC_gen("P-256");
        break;
    case Type::EcP384:
        key = EVP_EC_gen("P-384");
        break;
    case Type::Rsa2048:
        key = EVP_RSA_gen(2048);
        break;
    case Type::Rsa4096:
        key = EVP_RSA_gen(4096);
        break;
    case Type::Ed25519:
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
        break;
    }
    if (!key) {
        *error = QStringLiteral("OpenSSL could not generate the key: %1").arg(opensslErrors());
        return {};
    }
    PrivateKey generated(key);
    EVP_PKEY_free(key);
    return generated;
}

PrivateKey PrivateKey::fromPem(const QByteArray &pem, const QByteArray &passphrase, QString *error)
{
    ERR_clear_error();
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    // A passphrase given, or none: never OpenSSL's prompt on the terminal.
    QByteArray phrase = passphrase;
    EVP_PKEY *key = PEM_read_bio_PrivateKey(
        bio, nullptr,
        [](char *buffer, int size, int, void *user) {
            const auto *given = static_cast<const QByteArray *>(user);
            const int length = std::min(size, int(given->size()));
            std::copy_n(given->constData(), length, buffer);
            return length;
        },
        &phrase);
    BIO_free(bio);
    if (!key) {
        // OpenSSL 3's decoders say little that tells these apart: the text does.
        const QString details = opensslErrors();
        const bool encrypted =
            pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || pem.contains("Proc-Type: 4,ENCRYPTED");
        if (!pem.contains("PRIVATE KEY-----"))
            *error = QStringLiteral("no private key (\"-----BEGIN PRIVATE KEY-----\") in the PEM text");
        else if (encrypted)
            *error = passphrase.isEmpty()
                         ? QStringLiteral("the private key is encrypted: give its passphrase")
                         : QStringLiteral("the passphrase does not open the private key");
        else
            *error = QStringLiteral("the private key cannot be read: %1").arg(details);
        return {};
    }
    PrivateKey read(key);
    EVP_PKEY_free(key);
    return read;
}

QByteArray PrivateKey::toPem() const
{
    if (!m_key)
        return {};
    return writeToMemory([this](BIO *bio) {
        PEM_write_bio_PrivateKey(bio, m_key.get(), nullptr, nullptr, 0, nullptr, nullptr);
    });
}

QString PrivateKey::description() const
{
    return keyDescription(m_key.get());
}

bool PrivateKey::matches(const Certificate &certificate) const
{
    if (!m_key || certificate.isNull())
        return false;
    const bool same = X509_check_private_key(certificate.handle(), m_key.get()) == 1;
    ERR_clear_error(); // a mismatch leaves its reason in the queue
    return same;
}

} // namespace cape
