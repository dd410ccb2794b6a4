#include "dockerconnectionpool.h"

#include "dockerexchange.h"

#include <QTimer>

namespace cape {

DockerConnectionPool::DockerConnectionPool(const DockerConnection::Settings &settings, QObject *parent)
    : QObject(parent)
    , m_settings(settings)
{
}

int DockerConnectionPool::idleConnections() const
{
    return int(std::count_if(m_connections.begin(), m_connections.end(),
                             [](const DockerConnection *c) { return c->isIdle(); }));
}

DockerConnection *DockerConnectionPool::newConnection()
{
    auto *connection = new DockerConnection(m_settings, this);
    connect(connection, &DockerConnection::closed, this, &DockerConnectionPool::onClosed);
    connect(connection, &DockerConnection::stale, this, &DockerConnectionPool::onStale);
    return connection;
}

void DockerConnectionPool::submit(DockerExchange *exchange, const QString &apiVersion)
{
    if (exchange->request().stream) {
        // A stream may hold its connection for days: never from the pool.
        newConnection()->execute(exchange, apiVersion);
        return;
    }
    m_queue.enqueue({exchange, apiVersion});
    dispatch();
}

void DockerConnectionPool::dispatch()
{
    while (!m_queue.isEmpty()) {
        if (!m_queue.head().exchange || m_queue.head().exchange->isFinished()) {
            m_queue.dequeue(); // aborted or deleted while waiting
            continue;
        }
        DockerConnection *connection = nullptr;
        for (DockerConnection *candidate : std::as_const(m_connections)) {
            if (candidate->isIdle()) {
                connection = candidate;
                break;
            }
        }
        if (!connection && m_connections.size() < m_maxConnections) {
            connection = newConnection();
            connect(connection, &DockerConnection::released, this, &DockerConnectionPool::onReleased);
            m_connections.append(connection);
        }
        if (!connection)
            return;
        const Pending next = m_queue.dequeue();
        connection->execute(next.exchange, next.apiVersion);
    }
}

void DockerConnectionPool::onReleased(DockerConnection *connection)
{
    if (!m_queue.isEmpty()) {
        dispatch();
        return;
    }
    // Close connections that stay idle, so that an engine restart or a
    // load balancer's idle cut never meets a stale one later.
    QTimer::singleShot(m_idleLifetimeMs, connection, [connection] {
        if (connection->isIdle())
            connection->close();
    });
}

void DockerConnectionPool::onClosed(DockerConnection *connection)
{
    m_connections.removeOne(connection);
    connection->deleteLater();
    // A slot has freed up for whatever waits.
    QMetaObject::invokeMethod(this, &DockerConnectionPool::dispatch, Qt::QueuedConnection);
}

void DockerConnectionPool::onStale(DockerConnection *, DockerExchange *exchange)
{
    // Send it once more, on a fresh connection, ahead of the queue.
    auto *fresh = newConnection();
    if (!exchange->request().stream) {
        connect(fresh, &DockerConnection::released, this, &DockerConnectionPool::onReleased);
        m_connections.append(fresh);
    }
    fresh->execute(exchange, exchange->apiVersion());
}

} // namespace cape
