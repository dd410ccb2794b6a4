#pragma once

#include "redisserver.h"

#include <memory>

namespace cape::test {

// A private Redis Cluster of three masters (Debian's redis-server, cluster
// mode, no replicas) on free loopback ports, gone with the object.
class RedisClusterServers
{
public:
    static constexpr int Masters = 3;

    bool start(QString *error)
    {
        QStringList addresses;
        for (int i = 0; i < Masters; ++i) {
            auto server = std::make_unique<RedisServer>();
            // The bus port named: port + 10000, the default, may be taken or
            // past 65535. Both probed at once, so that they differ.
            QTcpServer portProbe, busProbe;
            portProbe.listen(QHostAddress::LocalHost, 0);
            busProbe.listen(QHostAddress::LocalHost, 0);
            server->setPort(portProbe.serverPort());
            const QString busPort = QString::number(busProbe.serverPort());
            portProbe.close();
            busProbe.close();
            server->setExtraArguments({QStringLiteral("--cluster-enabled"), QStringLiteral("yes"),
                                       QStringLiteral("--cluster-port"), busPort,
                                       QStringLiteral("--cluster-node-timeout"), QStringLiteral("5000")});
            if (!server->start(error))
                return false;
            addresses << server->address();
            m_servers.push_back(std::move(server));
        }
        QProcess create;
        create.start(QStringLiteral("redis-cli"),
                     QStringList{QStringLiteral("--cluster"), QStringLiteral("create")} + addresses +
                         QStringList{QStringLiteral("--cluster-yes")});
        if (!create.waitForFinished(30000) || create.exitCode() != 0) {
            *error = QStringLiteral("redis-cli --cluster create failed: ") +
                     QString::fromUtf8(create.readAllStandardOutput() + create.readAllStandardError());
            return false;
        }
        // Every node must agree before keys can be served everywhere.
        for (int attempt = 0; attempt < 200; ++attempt) {
            bool ok = true;
            for (const auto &server : m_servers)
                ok = ok && server->cli({QStringLiteral("CLUSTER"), QStringLiteral("INFO")})
                               .contains("cluster_state:ok");
            if (ok)
                return true;
            QThread::msleep(100);
        }
        *error = QStringLiteral("the cluster did not reach cluster_state:ok");
        return false;
    }

    RedisServer &node(int i) { return *m_servers.at(size_t(i)); }
    QStringList addresses() const
    {
        QStringList addresses;
        for (const auto &server : m_servers)
            addresses << server->address();
        return addresses;
    }
    // redis-cli -c: follows redirects, so a check can name any key.
    QByteArray cli(const QStringList &args) const
    {
        QProcess cli;
        cli.start(QStringLiteral("redis-cli"), QStringList{QStringLiteral("-c"), QStringLiteral("-p"),
                                                           QString::number(m_servers.front()->port())} +
                                                   args);
        cli.waitForFinished(10000);
        return cli.readAllStandardOutput().trimmed();
    }
    // The node's run id, as CLUSTER SETSLOT … NODE wants it.
    QByteArray nodeId(int i) const
    {
        return m_servers.at(size_t(i))->cli({QStringLiteral("CLUSTER"), QStringLiteral("MYID")});
    }

private:
    std::vector<std::unique_ptr<RedisServer>> m_servers;
};

} // namespace cape::test
