#include "socketoutput.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <sys/socket.h>

#include <cerrno>

namespace cape {

SocketOutput::Result SocketOutput::writeTo(int fd, SSL *ssl)
{
    while (ssl && m_sent < m_data.size()) {
        ERR_clear_error();
        const int written = SSL_write(ssl, m_data.constData() + m_sent,
                                      int(std::min<qsizetype>(m_data.size() - m_sent, 1 << 30)));
        if (written > 0) {
            m_sent += written;
            continue;
        }
        const int error = SSL_get_error(ssl, written);
        if (error == SSL_ERROR_WANT_WRITE || error == SSL_ERROR_WANT_READ)
            return Result::Pending;
        return Result::Failed;
    }
    while (!ssl && m_sent < m_data.size()) {
        const ssize_t written =
            ::send(fd, m_data.constData() + m_sent, size_t(m_data.size() - m_sent), MSG_NOSIGNAL);
        if (written < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return Result::Pending;
            if (errno == EINTR)
                continue;
            return Result::Failed;
        }
        m_sent += written;
    }
    // Its memory kept for the next answer, unless a large stream grew it.
    if (m_data.capacity() > KeptCapacity)
        m_data = QByteArray();
    else
        m_data.resize(0);
    m_sent = 0;
    return Result::Written;
}

} // namespace cape
