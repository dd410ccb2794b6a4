#pragma once

#include "certificate.h"
#include "privatekey.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace cape {

// Makes certificates with OpenSSL, for the certificates view: a
// self-signed one, a local certificate authority and certificates it
// signs, or a signing request (CSR) for an external CA. Server
// certificates carry serverAuth and their names as subjectAltNames, as
// browsers require; keys are the caller's (PrivateKey::generate).
class CertificateFactory
{
public:
    // Named members with defaults: written with designated initializers,
    // {.commonName = …, .days = 90}.
    struct Subject
    {
        QString commonName{};
        QStringList dnsNames{};    // "app.example.com", "*.example.com"
        QStringList ipAddresses{}; // "10.0.0.5"
        QString organization{};
        int days = 397; // the longest a browser accepts for a server certificate
    };

    static Certificate selfSigned(const Subject &subject, const PrivateKey &key, QString *error);
    // A CA for signing server certificates (CA:TRUE, keyCertSign).
    static Certificate createAuthority(const Subject &subject, const PrivateKey &key, QString *error);
    static Certificate issue(const Subject &subject, const PrivateKey &subjectKey,
                             const Certificate &authority, const PrivateKey &authorityKey, QString *error);
    // PEM "CERTIFICATE REQUEST" with the names as subjectAltNames.
    static QByteArray signingRequest(const Subject &subject, const PrivateKey &key, QString *error);

private:
    static Certificate build(const Subject &subject, const PrivateKey &key, const Certificate *issuer,
                             const PrivateKey &issuerKey, bool authority, QString *error);
};

} // namespace cape
