#include "specreferences.h"

namespace cape {

namespace {

bool anyContainerList(const QList<QJsonObject> &specs, const char *key)
{
    for (const QJsonObject &spec : specs) {
        if (!spec[QLatin1String("TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String(key)]
                 .toArray()
                 .isEmpty())
            return true;
    }
    return false;
}

} // namespace

void SpecReferences::addSecrets(const QJsonArray &secrets)
{
    for (const QJsonValue &secret : secrets)
        m_ids.insert(QStringLiteral("secret:") +
                         secret[QLatin1String("Spec")][QLatin1String("Name")].toString(),
                     secret[QLatin1String("ID")].toString());
}

void SpecReferences::addConfigs(const QJsonArray &configs)
{
    for (const QJsonValue &config : configs)
        m_ids.insert(QStringLiteral("config:") +
                         config[QLatin1String("Spec")][QLatin1String("Name")].toString(),
                     config[QLatin1String("ID")].toString());
}

void SpecReferences::addNetworks(const QJsonArray &networks)
{
    for (const QJsonValue &network : networks) {
        const QString name = network[QLatin1String("Name")].toString();
        const QString key = QStringLiteral("network:") + name;
        if (m_ids.contains(key)) // two networks of one name: which one is meant cannot be known
            m_ambiguous << name;
        m_ids.insert(key, network[QLatin1String("Id")].toString());
        m_networkIds.insert(network[QLatin1String("Id")].toString());
    }
}

bool SpecReferences::usesSecrets(const QList<QJsonObject> &specs)
{
    return anyContainerList(specs, "Secrets");
}

bool SpecReferences::usesConfigs(const QList<QJsonObject> &specs)
{
    return anyContainerList(specs, "Configs");
}

bool SpecReferences::usesNetworks(const QList<QJsonObject> &specs)
{
    for (const QJsonObject &spec : specs) {
        if (!spec[QLatin1String("TaskTemplate")][QLatin1String("Networks")].toArray().isEmpty())
            return true;
    }
    return false;
}

QList<QJsonObject> SpecReferences::resolve(const QList<QJsonObject> &specs, QStringList *errors) const
{
    QList<QJsonObject> resolved = specs;
    for (QJsonObject &spec : resolved) {
        const QString service = spec[QLatin1String("Name")].toString();
        QJsonObject task = spec[QLatin1String("TaskTemplate")].toObject();
        QJsonObject container = task[QLatin1String("ContainerSpec")].toObject();
        for (const auto &[key, nameKey, idKey, kind] :
             {std::tuple{"Secrets", "SecretName", "SecretID", "secret"},
              std::tuple{"Configs", "ConfigName", "ConfigID", "config"}}) {
            QJsonArray references = container[QLatin1String(key)].toArray();
            for (qsizetype i = 0; i < references.size(); ++i) {
                QJsonObject reference = references.at(i).toObject();
                const QString name = reference[QLatin1String(nameKey)].toString();
                const QString id = m_ids.value(QLatin1String(kind) + u':' + name);
                if (id.isEmpty())
                    *errors << QStringLiteral("service \"%1\" uses %2 \"%3\", which the swarm does not have")
                                   .arg(service, QLatin1String(kind), name);
                reference.insert(QLatin1String(idKey), id);
                references[i] = reference;
            }
            container[QLatin1String(key)] = references;
        }
        task[QLatin1String("ContainerSpec")] = container;
        QJsonArray attachments = task[QLatin1String("Networks")].toArray();
        for (qsizetype i = 0; i < attachments.size(); ++i) {
            QJsonObject attachment = attachments.at(i).toObject();
            const QString target = attachment[QLatin1String("Target")].toString();
            if (m_ambiguous.contains(target))
                *errors << QStringLiteral(
                               "service \"%1\": network name \"%2\" is ambiguous: several networks have it")
                               .arg(service, target);
            else if (const QString id = m_ids.value(QStringLiteral("network:") + target); !id.isEmpty())
                attachment[QLatin1String("Target")] = id;
            else if (!m_networkIds.contains(target)) // an ID already (a rollback's recorded spec)
                *errors << QStringLiteral("service \"%1\" uses network \"%2\", which the swarm does not have")
                               .arg(service, target);
            attachments[i] = attachment;
        }
        task[QLatin1String("Networks")] = attachments;
        spec[QLatin1String("TaskTemplate")] = task;
    }
    return resolved;
}

} // namespace cape
