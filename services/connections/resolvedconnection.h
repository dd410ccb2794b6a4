#pragma once

#include "connectionprofile.h"

#include <optional>

namespace cape {

// A profile made ready to connect: its endpoint carries the TLS material and
// the private key read from the keychain. Or an error saying why not.
struct ResolvedConnection
{
    QString id;
    ConnectionProfile profile;
    DockerEndpoint endpoint; // the cluster (a manager)
    QString error;           // empty on success

    bool ok() const { return error.isEmpty(); }

    // A node's own endpoint when the profile names one for this hostname or
    // ID (same TLS material and key); nullopt when there is none.
    std::optional<DockerEndpoint> nodeEndpoint(const QString &hostname, const QString &nodeId) const;
};

} // namespace cape
