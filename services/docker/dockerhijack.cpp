#include "dockerhijack.h"

namespace cape {

DockerHijack::DockerHijack(DockerRequest request, QString endpoint, QObject *parent)
    : DockerStream(std::move(request), std::move(endpoint), parent)
{
    setIdleTimeout(0); // a shell waiting for input says nothing for hours
    connect(this, &DockerStream::live, this, [this] {
        m_upgraded = statusCode() == 101;
        if (m_upgraded)
            emit upgraded();
    });
}

bool DockerHijack::write(const QByteArray &bytes)
{
    return m_upgraded && !isFinished() && writeToConnection(bytes);
}

void DockerHijack::decode(const QByteArray &bytes)
{
    emit data(bytes);
}

DockerError DockerHijack::decodeEnd()
{
    return {};
}

} // namespace cape
