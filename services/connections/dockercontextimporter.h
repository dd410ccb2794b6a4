#pragma once

#include "connectionprofile.h"

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace cape {

// Turns what the docker CLI knows into connection profiles: its contexts
// (<config>/contexts/meta/<sha256(name)>/meta.json, TLS material in
// <config>/contexts/tls/<sha256(name)>/docker/{ca,cert,key}.pem) and the
// environment's DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (the
// CLI's "default" context). Private keys come back apart from the profiles,
// to be handed to ConnectionStore, which puts them in the keychain.
class DockerContextImporter
{
public:
    struct Imported
    {
        ConnectionProfile profile; // with a fresh id
        QByteArray keyPem;         // empty when the context has no client key
        QString context;           // the docker context's name
        bool current = false;      // the one the docker CLI would use now
    };

    struct Result
    {
        QList<Imported> connections; // "default" first, then contexts by name
        QStringList errors;          // one per context that could not be imported
        QString currentContext;      // as the CLI resolves it
    };

    static constexpr auto DefaultContext = "default";

    // $DOCKER_CONFIG, else ~/.docker.
    static QString configDirectory(const QProcessEnvironment &env);
    // The CLI's context directory name for a context: sha256 of its name.
    static QString contextDirectoryName(const QString &name);

    // The environment's default context and every context in configDir.
    static Result importAll(const QString &configDir, const QProcessEnvironment &env);
    // Only the contexts in configDir (none is current).
    static Result importContexts(const QString &configDir);
    // The CLI's "default" context: DOCKER_HOST (else the local socket) with
    // the TLS material of DOCKER_CERT_PATH when DOCKER_TLS_VERIFY is set.
    static bool importEnvironment(const QProcessEnvironment &env, Imported *imported, QString *error);
    // As the CLI picks it: "default" if DOCKER_HOST is set, else
    // DOCKER_CONTEXT, else config.json's currentContext, else "default".
    static QString currentContext(const QString &configDir, const QProcessEnvironment &env, QString *error);
};

} // namespace cape
