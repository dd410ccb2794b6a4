#pragma once

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QSet>
#include <QStringList>

namespace cape {

// The secrets, configs and networks a swarm has, by name: templates name
// them, the engine wants (and keeps) their IDs, so a spec can be compared
// with what runs only once its references carry IDs. Used by cape-deployd
// and by the desktop's dry run alike.
class SpecReferences
{
public:
    // As GET /secrets, /configs and /networks list them.
    void addSecrets(const QJsonArray &secrets);
    void addConfigs(const QJsonArray &configs);
    void addNetworks(const QJsonArray &networks);

    // Which lists a set of specs needs.
    static bool usesSecrets(const QList<QJsonObject> &specs);
    static bool usesConfigs(const QList<QJsonObject> &specs);
    static bool usesNetworks(const QList<QJsonObject> &specs);

    // The specs with SecretID, ConfigID and network IDs filled in; every
    // name the swarm does not have (or has twice) in *errors.
    QList<QJsonObject> resolve(const QList<QJsonObject> &specs, QStringList *errors) const;

private:
    QHash<QString, QString> m_ids; // "secret:<name>", "config:<name>", "network:<name>" -> ID
    QSet<QString> m_networkIds;
    QStringList m_ambiguous;
};

} // namespace cape
