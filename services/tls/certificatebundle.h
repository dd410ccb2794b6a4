#pragma once

#include "certificate.h"
#include "privatekey.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <optional>

namespace cape {

// A certificate as it is imported and served: the leaf, its chain, and
// (when given) its private key. Reads PEM and PKCS#12, and checks what an
// operator would otherwise check with openssl commands: that the key is
// the certificate's, and that the chain leads to a trusted root.
struct CertificateBundle
{
    QList<Certificate> chain; // the leaf first
    PrivateKey key;           // null when only certificates were given

    // Certificates (and a private key, if the text has one) from PEM text.
    static std::optional<CertificateBundle> fromPem(const QByteArray &pem, const QByteArray &passphrase,
                                                    QString *error);
    // A .p12/.pfx file's bytes with its password.
    static std::optional<CertificateBundle> fromPkcs12(const QByteArray &der, const QByteArray &password,
                                                       QString *error);

    const Certificate &leaf() const { return chain.first(); }
    bool keyMatches() const { return !chain.isEmpty() && key.matches(chain.first()); }
    // Empty when the leaf verifies through the chain to one of the trusted
    // roots (the system's when none are given) for TLS servers; else why not.
    QString verify(const QList<Certificate> &trusted = {}) const;
};

} // namespace cape
