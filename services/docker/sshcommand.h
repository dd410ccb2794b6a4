#pragma once

#include "dockerendpoint.h"

#include <QStringList>

namespace cape {

// The OpenSSH client's command line for an ssh:// endpoint, as the docker
// CLI runs it (`ssh … host docker system dial-stdio`), with one
// multiplexed master connection per endpoint so that the connection pool
// and every stream share one handshake. Never turns host key checking off,
// never prompts (BatchMode): an unknown key or a refused one is an error to
// show, not a question on a terminal the user cannot see.
struct SshCommand
{
    static constexpr int ConnectTimeoutSeconds = 10;
    // How long a master outlives its last session (it exits on its own, even
    // if Cape is killed).
    static constexpr int PersistSeconds = 120;

    // The private folder for the masters' sockets (0700): the runtime folder.
    static QString controlDirectory();
    // ssh's options and destination, then the remote command.
    static QStringList arguments(const DockerEndpoint &endpoint, const QString &controlDirectory,
                                 const QStringList &remoteCommand);
    // `ssh -O exit …`: ends the endpoint's master.
    static QStringList exitArguments(const DockerEndpoint &endpoint, const QString &controlDirectory);
    // The program: "ssh" from PATH (a wrapper there may add -F and friends).
    static QString program();
};

} // namespace cape
