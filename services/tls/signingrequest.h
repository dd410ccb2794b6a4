#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>

#include <memory>

typedef struct X509_req_st X509_REQ;

namespace cape {

class Certificate;

// A certificate signing request (PKCS#10), read with OpenSSL: what was
// asked of an external CA, and whether the certificate it sent back is the
// answer (the same public key). Cheap to copy (shared, immutable).
class SigningRequest
{
public:
    SigningRequest() = default;

    // Null with the reason when the text holds no request or a broken one.
    static SigningRequest fromPem(const QByteArray &pem, QString *error);

    bool isNull() const { return !m_request; }
    QByteArray toPem() const;

    QString subject() const; // RFC 2253
    QString commonName() const;
    QStringList dnsNames() const; // its requested subjectAltName DNS entries
    QStringList ipAddresses() const;
    QString keyDescription() const; // "EC P-256", …
    // Whether the request's signature is good (it was signed by its key).
    bool isSignatureValid() const;
    // Whether the certificate was issued for this request's key.
    bool isAnsweredBy(const Certificate &certificate) const;

private:
    QStringList alternativeNames(int type) const;

    std::shared_ptr<X509_REQ> m_request;
};

} // namespace cape
