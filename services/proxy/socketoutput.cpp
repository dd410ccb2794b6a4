#include "socketoutput.h"

#include <sys/socket.h>

#include <cerrno>

namespace cape {

SocketOutput::Result SocketOutput::writeTo(int fd)
{
    while (m_sent < m_data.size()) {
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
    m_data.clear();
    m_sent = 0;
    return Result::Written;
}

} // namespace cape
