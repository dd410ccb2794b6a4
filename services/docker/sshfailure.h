#pragma once

#include <QByteArray>
#include <QString>

namespace cape {

// What went wrong when the OpenSSH client ended before the engine answered,
// from its exit code and its own words on stderr: each kind with ssh's
// lines and what to do about it.
struct SshFailure
{
    enum class Kind {
        HostKeyUnknown, // not in known_hosts: BatchMode does not ask
        HostKeyChanged, // someone may be in the middle, or the host was rebuilt
        AuthRefused,    // no key, or not an authorized one
        DockerMissing,  // no docker CLI on the host, or it cannot reach its engine
        Unreachable,    // no route, refused, timed out, unknown name
        NoClient,       // no ssh program here
        Other,
    };

    Kind kind = Kind::Other;
    QString said;   // ssh's (or the remote command's) own last lines
    QString advice; // what to do, for the user

    // "ssh: Host key verification failed. — the host key of manager is not known: …"
    QString toString() const;

    static SshFailure classify(const QByteArray &stderrText, int exitCode, const QString &host);
    static SshFailure noClient(const QString &why);
};

} // namespace cape
