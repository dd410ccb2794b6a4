#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include <memory>

typedef struct x509_st X509;

namespace cape {

// An X.509 certificate, read with OpenSSL: what the certificates view shows
// and the route editor checks (does it cover this host? when does it
// expire?). Cheap to copy (shared, immutable).
class Certificate
{
public:
    // How near its end a certificate is; the view colours by it.
    enum class Expiry { NotYetValid, Valid, Within30Days, Within7Days, Expired };

    Certificate() = default;
    // Takes a reference of its own.
    explicit Certificate(X509 *certificate);

    // Every certificate in PEM text, in order (a leaf, then its chain);
    // empty with the reason when there is none or one is broken.
    static QList<Certificate> fromPem(const QByteArray &pem, QString *error);

    bool isNull() const { return !m_x509; }
    X509 *handle() const { return m_x509.get(); }
    QByteArray toPem() const;

    QString subject() const; // RFC 2253: "CN=app.example.com,O=Example"
    QString commonName() const;
    QString issuer() const;
    QString issuerCommonName() const;  // its CN, else the whole issuer
    QStringList dnsNames() const;      // subjectAltName DNS entries, lower case
    QStringList ipAddresses() const;   // subjectAltName IP entries
    QString serialNumber() const;      // hex
    QDateTime notBefore() const;       // UTC
    QDateTime notAfter() const;        // UTC
    QString keyDescription() const;    // "EC P-256", "RSA 2048", "Ed25519"
    QString sha256Fingerprint() const; // "AB:CD:…"
    bool isAuthority() const;          // basicConstraints CA:TRUE
    bool isSelfIssued() const;         // issuer == subject

    // The host names it serves: its DNS names, else (an old certificate
    // without them) its common name.
    QStringList names() const;
    // Whether a TLS client connecting to host accepts it by name: exact, or
    // a "*.example.com" covering exactly one label in front; IP addresses
    // against its IP entries.
    bool covers(const QString &host) const;
    Expiry expiry(const QDateTime &now = QDateTime::currentDateTimeUtc()) const;
    // The same for a validity known only by its dates (a swarm secret's labels).
    static Expiry expiryOf(const QDateTime &notBefore, const QDateTime &notAfter, const QDateTime &now);

    bool operator==(const Certificate &other) const;

private:
    std::shared_ptr<X509> m_x509;
};

// The rule TLS clients apply (RFC 6125): one label for "*.", none deeper.
bool hostNameMatches(const QString &pattern, const QString &host);

} // namespace cape
