#pragma once

#include <QJsonObject>
#include <QMap>
#include <QProcessEnvironment>
#include <QString>

namespace cape {

// What a compose file declares at its top level (networks, volumes, secrets,
// configs), as the services that reference them need to know it.
struct ComposeStack
{
    struct Object
    {
        QString name; // the engine's name: <stack>_<key>, `name:`, or the external name
        bool external = false;
        QJsonObject labels; // volumes: labels of the volume a task creates
        QString driver;     // volumes
        QJsonObject driverOptions;
    };

    QString stack;
    QProcessEnvironment environment;
    QString baseDirectory; // relative files (env_file, secrets, bind mounts); empty: refused
    QMap<QString, Object> networks;
    QMap<QString, Object> volumes;
    QMap<QString, Object> secrets;
    QMap<QString, Object> configs;

    QString scoped(const QString &name) const { return stack + QLatin1Char('_') + name; }
};

} // namespace cape
