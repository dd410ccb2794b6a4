#pragma once

#include <QByteArray>
#include <QString>

#include <memory>

typedef struct evp_pkey_st EVP_PKEY;

namespace cape {

class Certificate;

// A private key, generated or read with OpenSSL. The app keeps it in the
// OS keychain and the cluster in a swarm secret; toPem() is for handing it
// to those, never for a file on disk. Cheap to copy (shared, immutable).
class PrivateKey
{
public:
    enum class Type { EcP256, EcP384, Rsa2048, Rsa4096, Ed25519 };

    PrivateKey() = default;
    // Takes a reference of its own.
    explicit PrivateKey(EVP_PKEY *key);

    static PrivateKey generate(Type type, QString *error);
    // PEM, PKCS#8 or traditional; encrypted ones with the passphrase.
    static PrivateKey fromPem(const QByteArray &pem, const QByteArray &passphrase, QString *error);

    bool isNull() const { return !m_key; }
    EVP_PKEY *handle() const { return m_key.get(); }
    QByteArray toPem() const;    // unencrypted PKCS#8
    QString description() const; // "EC P-256", "RSA 2048", "Ed25519"
    // Whether it is the private half of the certificate's public key.
    bool matches(const Certificate &certificate) const;

private:
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace cape
