#pragma once

#include "appendbytes.h"

#include <QByteArray>

typedef struct ssl_st SSL;

namespace cape {

// Bytes waiting for a non-blocking socket: written as far as the socket
// takes them, the rest kept in order for the next writable event.
class SocketOutput
{
public:
    enum class Result { Written, Pending, Failed };

    void append(const char *data, qsizetype size) { appendBytes(m_data, QByteArrayView(data, size)); }
    // Writes what it can (through TLS when ssl is set); Written when
    // nothing is left.
    Result writeTo(int fd, SSL *ssl = nullptr);
    qsizetype pending() const { return m_data.size() - m_sent; }
    bool isEmpty() const { return pending() == 0; }

private:
    static constexpr qsizetype KeptCapacity = 64 * 1024;
    QByteArray m_data;
    qsizetype m_sent = 0;
};

} // namespace cape
