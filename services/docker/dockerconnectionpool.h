#pragma once

#include "dockerconnection.h"

#include <QList>
#include <QObject>
#include <QPointer>
#include <QQueue>

namespace cape {

class DockerExchange;

// The connections to one endpoint: up to maxConnections carry ordinary
// requests, kept alive and reused; requests beyond that wait in order.
// Streams get a connection of their own, closed when they end.
class DockerConnectionPool : public QObject
{
    Q_OBJECT

public:
    DockerConnectionPool(const DockerConnection::Settings &settings, QObject *parent = nullptr);

    void setMaxConnections(int max) { m_maxConnections = qMax(1, max); }
    void setIdleLifetime(int milliseconds) { m_idleLifetimeMs = milliseconds; }

    void submit(DockerExchange *exchange, const QString &apiVersion);

    int openConnections() const { return int(m_connections.size()); }
    int idleConnections() const;
    int queuedRequests() const { return int(m_queue.size()); }

private:
    struct Pending
    {
        QPointer<DockerExchange> exchange;
        QString apiVersion;
    };

    DockerConnection *newConnection();
    void dispatch();
    void onReleased(DockerConnection *connection);
    void onClosed(DockerConnection *connection);
    void onStale(DockerConnection *connection, DockerExchange *exchange);

    DockerConnection::Settings m_settings;
    QList<DockerConnection *> m_connections; // pooled, for ordinary requests
    QQueue<Pending> m_queue;
    int m_maxConnections = 6;
    int m_idleLifetimeMs = 30000;
};

} // namespace cape
