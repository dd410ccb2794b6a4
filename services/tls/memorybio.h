#pragma once

#include <QByteArray>

#include <openssl/bio.h>

namespace cape {

// What an OpenSSL writer (PEM_write_bio_*, X509_NAME_print_ex, …) puts
// into a memory BIO, as bytes.
template<typename Writer> QByteArray writeToMemory(Writer write)
{
    BIO *bio = BIO_new(BIO_s_mem());
    if (!bio)
        return {};
    write(bio);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray bytes(data, qsizetype(size));
    BIO_free(bio);
    return bytes;
}

} // namespace cape
