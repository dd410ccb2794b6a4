#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace cape {

// What deploying a stack creates, as Engine API request bodies, named and
// labelled as `docker stack deploy` names and labels them. ComposeFile makes
// one; StackDeployer carries it out.
struct StackPlan
{
    static constexpr auto NamespaceLabel = "com.docker.stack.namespace";
    static constexpr auto ImageLabel = "com.docker.stack.image";

    QString stack;
    QList<QJsonObject> networks; // NetworkCreate bodies ("Name" included)
    QList<QJsonObject> secrets;  // SecretSpec: Name, Labels, Data (base64)
    QList<QJsonObject> configs;  // ConfigSpec: Name, Labels, Data (base64)
    // ServiceSpec. Secret and config references carry SecretName/ConfigName;
    // the deployer adds SecretID/ConfigID once it knows them.
    QList<QJsonObject> services;
    // Referenced by name, never created: they must exist.
    QStringList externalNetworks;
    QStringList externalSecrets;
    QStringList externalConfigs;

    bool isEmpty() const
    {
        return networks.isEmpty() && secrets.isEmpty() && configs.isEmpty() && services.isEmpty();
    }

    // By the engine's name ("demo_web"); an empty object when absent.
    QJsonObject network(const QString &name) const { return find(networks, name); }
    QJsonObject secret(const QString &name) const { return find(secrets, name); }
    QJsonObject config(const QString &name) const { return find(configs, name); }
    QJsonObject service(const QString &name) const { return find(services, name); }

    static QJsonObject find(const QList<QJsonObject> &objects, const QString &name);
    // {"com.docker.stack.namespace": stack} merged over extra.
    static QJsonObject labelled(const QString &stack, const QJsonObject &extra);
};

} // namespace cape
