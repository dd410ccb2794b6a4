#include "certificate.h"

#include "memorybio.h"
#include "opensslerrors.h"

#include <QHostAddress>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

namespace cape {

namespace {

QString nameText(const X509_NAME *name)
{
    return QString::fromUtf8(writeToMemory(
        [name](BIO *bio) { X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB); }));
}

QDateTime timeOf(const ASN1_TIME *time)
{
    tm parts{};
    if (!time || ASN1_TIME_to_tm(time, &parts) != 1)
        return {};
    return QDateTime(QDate(parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday),
                     QTime(parts.tm_hour, parts.tm_min, parts.tm_sec), Qt::UTC);
}

// Every subjectAltName entry of one type, as text.
QStringList alternativeNames(X509 *certificate, int type)
{
    QStringList names;
    auto *alternatives =
        static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; alternatives && i < sk_GENERAL_NAME_num(alternatives); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(alternatives, i);
        if (name->type != type)
            continue;
        if (type == GEN_DNS) {
            const ASN1_IA5STRING *text = name->d.dNSName;
            names << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(text)),
                                         ASN1_STRING_length(text))
                         .toLower();
        } else if (type == GEN_IPADD) {
            const ASN1_OCTET_STRING *bytes = name->d.iPAddress;
            const auto *data = ASN1_STRING_get0_data(bytes);
            QHostAddress address;
            if (ASN1_STRING_length(bytes) == 4)
                address.setAddress(quint32(data[0]) << 24 | quint32(data[1]) << 16 | quint32(data[2]) << 8 |
                                   quint32(data[3]));
            else if (ASN1_STRING_length(bytes) == 16)
                address.setAddress(data);
            if (!address.isNull())
                names << address.toString();
        }
    }
    GENERAL_NAMES_free(alternatives);
    return names;
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
    return m_x509 ? nameText(X509_get_subject_name(m_x509.get())) : QString();
}

QString Certificate::commonName() const
{
    if (!m_x509)
        return {};
    char common[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_subject_name(m_x509.get()), NID_commonName, common,
                                  sizeof common) <= 0)
        return {};
    return QString::fromUtf8(common);
}

QString Certificate::issuer() const
{
    return m_x509 ? nameText(X509_get_issuer_name(m_x509.get())) : QString();
}

QString Certificate::issuerCommonName() const
{
    if (!m_x509)
        return {};
    char common[256] = {};
    if (X509_NAME_get_text_by_NID(X509_get_issuer_name(m_x509.get()), NID_commonName, common,
                                  sizeof common) <= 0)
        return issuer();
    return QString::fromUtf8(common);
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
    EVP_PKEY *key = m_x509 ? X509_get0_pubkey(m_x509.get()) : nullptr;
    if (!key)
        return {};
    switch (EVP_PKEY_get_base_id(key)) {
    case EVP_PKEY_RSA:
        return QStringLiteral("RSA %1").arg(EVP_PKEY_get_bits(key));
    case EVP_PKEY_EC: {
        char group[80] = {};
        size_t length = 0;
        EVP_PKEY_get_group_name(key, group, sizeof group, &length);
        const QString curve = QString::fromLatin1(group, qsizetype(length));
        return QStringLiteral("EC %1").arg(curve == QLatin1String("prime256v1")  ? QStringLiteral("P-256")
                                           : curve == QLatin1String("secp384r1") ? QStringLiteral("P-384")
                                                                                 : curve);
    }
    case EVP_PKEY_ED25519:
        return QStringLiteral("Ed25519");
    default:
        return QString::fromLatin1(OBJ_nid2sn(EVP_PKEY_get_base_id(key)));
    }
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
