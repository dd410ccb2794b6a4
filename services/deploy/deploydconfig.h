#pragma once

#include "gitrepository.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace cape {

// cape-deployd's configuration file (JSON; docs/deployd.md): where it
// listens, the engine and Redis it talks to, and the repositories it
// deploys. Secrets (webhook secret, API token, git token) can be given as
// files (…File: a swarm secret's path) so the file itself holds none.
struct DeploydConfig
{
    struct Repository
    {
        QString name;
        QString url;
        QString branch = QStringLiteral("main");           // or a glob: "release/*"
        QString templates = QStringLiteral("deploy/*.js"); // glob of template paths
        QByteArray webhookSecret;
        int pollIntervalSeconds = 60; // 0: webhooks only
        QJsonObject env;              // handed to templates as context.env
        bool prune = false;           // remove services it deployed and no longer describes
        GitRepository::Credentials credentials;
    };

    QString listen = QStringLiteral("0.0.0.0:9470");
    QString docker = QStringLiteral("unix:///var/run/docker.sock");
    QString redis;     // host:port; empty: history in memory only
    QStringList nodes; // engines images built here are copied onto (a swarm without a registry)
    QString cacheDirectory = QStringLiteral("/var/cache/cape-deployd");
    QByteArray apiToken; // Bearer token for /deployments and /repositories; empty: open
    int templateTimeoutMs = 5000;
    qint64 templateMemoryBytes = qint64(1024) * 1024 * 1024;
    int fetchTimeoutMs = 60000;
    QList<Repository> repositories;

    static std::optional<DeploydConfig> fromJson(const QByteArray &json, QStringList *errors);
    static std::optional<DeploydConfig> load(const QString &path, QStringList *errors);
    const Repository *repository(const QString &name) const;
};

} // namespace cape
