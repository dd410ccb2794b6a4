#pragma once

#include <QTcpServer>
#include <QTcpSocket>

namespace cape::test {

// A loopback port nobody listens on (yet).
inline quint16 freePort()
{
    QTcpServer probe;
    probe.listen(QHostAddress::LocalHost, 0);
    return probe.serverPort();
}

// Whether something accepts connections on a loopback port now.
inline bool isListening(quint16 port)
{
    QTcpSocket probe;
    probe.connectToHost(QHostAddress::LocalHost, port);
    return probe.waitForConnected(200);
}

} // namespace cape::test
