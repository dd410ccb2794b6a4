#pragma once

#include "dockerendpoint.h"

namespace cape {

// The ssh masters this process's connections have used: each is ended when
// the application quits (`ssh -O exit`), rather than lingering for
// SshCommand::PersistSeconds after its last session (which bounds it if the
// process is killed).
class SshMasters
{
public:
    static void noteUsed(const DockerEndpoint &endpoint);
    // Ends every master noted; also run by QCoreApplication::aboutToQuit.
    static void closeAll();
};

} // namespace cape
