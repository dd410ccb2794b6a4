#include "certificate.h"

#include "memorybio.h"
#include "opensslerrors.h"
#include "x509text.h"

#include <QHostAddress>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace cape {

namespace {

QDateTime timeOf(const ASN1_TIME *time)
{
    tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

QStringList alternativeNames(X509 *certificate, int type)
{
    auto *names =
        static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    const QStringList found = generalNamesOfType(names, type);
    GENERAL_NAMES_free(names);
    return found;
}

} // namespace

bool hostNameMatches(const QString &pattern, const QString &host)
{
    const QString name = host.toLower();
    if (pattern.startsWith(QLatin1String("*."))) {
        const QString suffix = pattern.mid(1); // ".example.com": one label in front, no more
        return name.endsWith(suffix) && name.size() > suffix.size() &&
               !name.left(name.size() - suffix.size()).contains(u'.');
    }
    return pattern == name;
}

Certificate::Certificate(X509 *certificate)
{
    if (certificate && X509_up_ref(certificate) == 1)
        m_x509.reset(certificate, X509_free);
}

QList<Certificate> Certificate::fromPem(const QByteArray &pem, QString *error)
{
    QList<Certificate> certificates;
    BIO *bio = BIO_new_mem_buf(pem.constData(), int(pem.size()));
    ERR_clear_error();
    while (X509 *certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)) {
        certificates << Certificate(certificate);
        X509_free(certificate);
    }
    // The end of the text ends the loop with "no start line"; anything else is a broken one.
    const unsigned long last = ERR_peek_last_error();
    const bool cleanEnd = ERR_GET_LIB(last) == ERR_LIB_PEM && ERR_GET_REASON(last) == PEM_R_NO_START_LINE;
    BIO_free(bio);
    if (last && !cleanEnd) {
        *error = QStringLiteral("a certificate in the PEM text is broken: %1").arg(opensslErrors());
        return {};
    }
    ERR_clear_error();
    if (certificates.isEmpty())
        *error = QStringLiteral("no certificate (\"-----BEGIN CERTIFICATE-----\") in the PEM text");
    return certificates;
}

QByteArray Certificate::toPem() const
{
    if (!m_x509)
        return {};
    return writeToMemory([this](BIO *bio) { PEM_write_bio_X509(bio, m_x509.get()); });
}

QString Certificate::subject() const
{
    return m_x509 ? x509NameText(X509_get_subject_name(m_x509.get())) : QString();
}

QString Certificate::commonName() const
{
    return m_x509 ? x509NameEntry(X509_get_subject_name(m_x509.get()), NID_commonName) : QString();
}

QString Certificate::issuer() const
{
    return m_x509 ? x509NameText(X509_get_issuer_name(m_x509.get())) : QString();
}

QString Certificate::issuerCommonName() const
{
    if (!m_x509)
        return {};
    const QString common = x509NameEntry(X509_get_issuer_name(m_x509.get()), NID_commonName);
    return common.isEmpty() ? issuer() : common;
}

QStringList Certificate::dnsNames() const
{
    return m_x509 ? alternativeNames(m_x509.get(), GEN_DNS) : QStringList();
}

QStringList Certificate::ipAddresses() const
{
    return m_x509 ? alternativeNames(m_x509.get(), GEN_IPADD) : QStringList();
}

QString Certificate::serialNumber() const
{
    if (!m_x509)
        return {};
    BIGNUM *number = ASN1_INTEGER_to_BN(X509_get0_serialNumber(m_x509.get()), nullptr);
    char *hex = number ? BN_bn2hex(number) : nullptr;
    const QString text = hex ? QString::fromLatin1(hex) : QString();
    OPENSSL_free(hex);
    BN_free(number);
    return text;
}

QDateTime Certificate::notBefore() const
{
    return m_x509 ? timeOf(X509_get0_notBefore(m_x509.get())) : QDateTime();
}

QDateTime Certificate::notAfter() const
{
    return m_x509 ? timeOf(X509_get0_notAfter(m_x509.get())) : QDateTime();
}

QString Certificate::keyDescription() const
{
    return m_x509 ? cape::keyDescription(X509_get0_pubkey(m_x509.get())) : QString();
}

QString Certificate::sha256Fingerprint() const
{
    if (!m_x509)
        return {};
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    X509_digest(m_x509.get(), EVP_sha256(), digest, &length);
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex(':').toUpper());
}

bool Certificate::isAuthority() const
{
    return m_x509 && X509_check_ca(m_x509.get()) == 1;
}

bool Certificate::isSelfIssued() const
{
    return m_x509 &&
           X509_NAME_cmp(X509_get_subject_name(m_x509.get()), X509_get_issuer_name(m_x509.get())) == 0;
}

QStringList Certificate::names() const
{
    const QStringList dns = dnsNames();
    if (!dns.isEmpty())
        return dns;
    const QString common = commonName().toLower();
    return common.isEmpty() ? QStringList() : QStringList{common};
}

bool Certificate::covers(const QString &host) const
{
    const QHostAddress address(host);
    if (!address.isNull()) {
        for (const QString &ip : ipAddresses()) {
            if (QHostAddress(ip) == address)
                return true;
        }
        return false;
    }
    for (const QString &name : names()) {
        if (hostNameMatches(name, host))
            return true;
    }
    return false;
}

Certificate::Expiry Certificate::expiry(const QDateTime &now) const
{
    return expiryOf(notBefore(), notAfter(), now);
}

Certificate::Expiry Certificate::expiryOf(const QDateTime &from, const QDateTime &until, const QDateTime &now)
{
    if (from.isValid() && now < from)
        return Expiry::NotYetValid;
    if (!until.isValid() || now >= until)
        return Expiry::Expired;
    if (now.addDays(7) >= until)
        return Expiry::Within7Days;
    if (now.addDays(30) >= until)
        return Expiry::Within30Days;
    return Expiry::Valid;
}

bool Certificate::operator==(const Certificate &other) const
{
    if (!m_x509 || !other.m_x509)
        return m_x509 == other.m_x509;
    return X509_cmp(m_x509.get(), other.m_x509.get()) == 0;
}

} // namespace cape
