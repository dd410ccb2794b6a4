#pragma once

#include "services/docker/dockerendpoint.h"

#include <QByteArray>
#include <QList>
#include <QString>

class QSettings;

namespace cape {

// One cluster the connection manager knows. All of it is public and may be
// saved in settings; the client's private key is not part of it, only
// whether one is stored (the key lives in the OS keychain: ConnectionStore).
struct ConnectionProfile
{
    // A node's own engine, for what only the node running a container can
    // answer (stats, container logs). It uses the profile's TLS material.
    struct NodeEndpoint
    {
        QString node;     // the node's hostname or ID
        QString endpoint; // DOCKER_HOST spelling
        bool operator==(const NodeEndpoint &other) const = default;
    };

    QString id; // a QUuid without braces
    QString name;
    QString description;
    QString endpoint; // DOCKER_HOST spelling: unix:///path, tcp://host:port
    bool tls = false;
    bool tlsVerify = true; // check the engine against caPem (empty: the system's CAs)
    QByteArray caPem;
    QByteArray certPem;  // the client certificate
    bool hasKey = false; // the keychain holds the private key of certPem
    QList<NodeEndpoint> nodes;

    static QString newId();
    // A profile with a fresh id.
    static ConnectionProfile create(const QString &name, const QString &endpoint);

    // Whether the profile may be saved: a name, endpoints that parse, PEM
    // certificates that carry no private key. Sets *error when not.
    bool validate(QString *error) const;

    // The cluster's endpoint with this profile's TLS material and keyPem
    // (empty when there is no key). False and *error when it cannot be built.
    bool toEndpoint(const QByteArray &keyPem, DockerEndpoint *target, QString *error) const;
    // A node's own endpoint, with the same TLS material.
    bool toEndpoint(const NodeEndpoint &node, const QByteArray &keyPem, DockerEndpoint *target,
                    QString *error) const;

    // The node endpoint configured for a node known by this hostname or ID
    // (a full ID, or a prefix of it of at least 12 characters as `docker node
    // ls` prints it); null when there is none.
    const NodeEndpoint *findNode(const QString &hostname, const QString &nodeId) const;

    // Reads and writes the keys of one profile at the settings' current group
    // (or array index). Never a private key: there is none here.
    void save(QSettings &settings) const;
    static ConnectionProfile load(QSettings &settings);

    bool operator==(const ConnectionProfile &other) const = default;
};

} // namespace cape
