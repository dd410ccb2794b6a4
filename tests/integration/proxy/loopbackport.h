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

// Connects a socket to a loopback port; false if nobody accepts in time.
inline bool connectTo(QTcpSocket &socket, quint16 port, int timeoutMs = 5000)
{
    socket.connectToHost(QHostAddress::LocalHost, port);
    return socket.waitForConnected(timeoutMs);
}

// Whether something accepts connections on a loopback port now.
inline bool isListening(quint16 port)
{
    QTcpSocket probe;
    return connectTo(probe, port, 200);
}

} // namespace cape::test
