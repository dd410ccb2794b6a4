#pragma once

#include <QList>
#include <QLocalServer>
#include <QLocalSocket>
#include <QObject>
#include <QPointer>

namespace cape::test {

// A socket in front of a real engine that a test can cut and restore: the
// engine stays up, the client loses it, as with a network outage.
class EngineRelay : public QObject
{
public:
    EngineRelay(QString engineSocket, QString path)
        : m_engine(std::move(engineSocket))
        , m_path(std::move(path))
    {
        connect(&m_server, &QLocalServer::newConnection, this, [this] {
            while (QLocalSocket *client = m_server.nextPendingConnection()) {
                auto *engine = new QLocalSocket(client);
                connect(client, &QLocalSocket::readyRead, engine,
                        [client, engine] { engine->write(client->readAll()); });
                connect(engine, &QLocalSocket::readyRead, client,
                        [client, engine] { client->write(engine->readAll()); });
                connect(engine, &QLocalSocket::disconnected, client, &QLocalSocket::disconnectFromServer);
                connect(client, &QLocalSocket::disconnected, client, &QObject::deleteLater);
                engine->connectToServer(m_engine);
                m_clients.append(client);
            }
        });
    }
    bool listen() { return m_server.listen(m_path); }
    void cut()
    {
        m_server.close();
        for (const QPointer<QLocalSocket> &client : std::as_const(m_clients)) {
            if (client)
                client->abort();
        }
        m_clients.clear();
    }
    QString endpoint() const { return QStringLiteral("unix://") + m_path; }

    // The socket path of a unix:// endpoint.
    static QString socketPath(const QString &endpoint)
    {
        return endpoint.mid(QStringLiteral("unix://").size());
    }

private:
    QString m_engine;
    QString m_path;
    QLocalServer m_server;
    QList<QPointer<QLocalSocket>> m_clients;
};

} // namespace cape::test
