#include "x509text.h"

#include "memorybio.h"

#include <QHostAddress>

#include <openssl/evp.h>
#include <openssl/x509v3.h>

namespace cape {

QString x509NameText(const X509_NAME *name)
{
    return QString::fromUtf8(writeToMemory(
        [name](BIO *bio) { X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB); }));
}

QString x509NameEntry(const X509_NAME *name, int nid)
{
    char text[256] = {};
    if (!name || X509_NAME_get_text_by_NID(name, nid, text, sizeof text) <= 0)
        return {};
    return QString::fromUtf8(text);
}

QStringList generalNamesOfType(const GENERAL_NAMES *names, int type)
{
    QStringList found;
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME *name = sk_GENERAL_NAME_value(names, i);
        if (name->type != type)
            continue;
        if (type == GEN_DNS) {
            const ASN1_IA5STRING *text = name->d.dNSName;
            found << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(text)),
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
                found << address.toString();
        }
    }
    return found;
}

QString keyDescription(const EVP_PKEY *key)
{
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

} // namespace cape
