#pragma once

#include "composenode.h"
#include "composestack.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QStringList>

namespace cape {

// One entry of a compose file's `services`, converted into the ServiceSpec
// that `docker stack deploy` would send. Problems go to the node's context.
class ComposeService
{
public:
    ComposeService(const ComposeStack &stack, const ComposeNode &node);

    QJsonObject spec() const { return m_spec; }
    // Compose keys of the networks the service joins ("default" if it names none).
    QStringList networks() const { return m_networks; }

private:
    void convert();
    QJsonObject containerSpec();
    QJsonArray environment();
    void readEnvFile(const ComposeNode &where, const QString &file, bool required,
                     QMap<QString, QString> *env);
    QJsonArray mounts();
    QJsonObject mount(const ComposeNode &item);
    QJsonObject namedVolume(const ComposeNode &where, const QString &key, QJsonObject mount, bool noCopy);
    QString hostPath(const ComposeNode &where, const QString &path);
    QJsonArray fileReferences(const ComposeNode &list, const QMap<QString, ComposeStack::Object> &declared,
                              bool secret);
    QJsonObject healthcheck(const ComposeNode &node);
    QJsonArray taskNetworks();
    QJsonObject endpointSpec(const ComposeNode &deploy);
    QJsonObject mode(const ComposeNode &deploy);
    QJsonObject resources(const ComposeNode &node);
    QJsonObject restartPolicy(const ComposeNode &deploy);
    QJsonObject updateConfig(const ComposeNode &node, bool rollback);
    QJsonObject placement(const ComposeNode &node);
    QJsonObject logDriver(const ComposeNode &node);

    const ComposeStack &m_stack;
    ComposeNode m_node;
    QString m_name;
    QJsonObject m_spec;
    QStringList m_networks;
};

} // namespace cape
