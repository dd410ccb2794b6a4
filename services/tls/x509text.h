#pragma once

#include <QString>
#include <QStringList>

typedef struct X509_name_st X509_NAME;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct stack_st_GENERAL_NAME GENERAL_NAMES;

namespace cape {

// The words certificates, keys and signing requests are shown with, in one
// place so the three say the same.

// RFC 2253: "CN=app.example.com,O=Example".
QString x509NameText(const X509_NAME *name);
// One attribute of a name (NID_commonName, …), or empty.
QString x509NameEntry(const X509_NAME *name, int nid);
// Every subjectAltName entry of one type (GEN_DNS lower case, GEN_IPADD as addresses).
QStringList generalNamesOfType(const GENERAL_NAMES *names, int type);
// "EC P-256", "RSA 2048", "Ed25519".
QString keyDescription(const EVP_PKEY *key);

} // namespace cape
