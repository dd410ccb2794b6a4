#include "resolvedconnection.h"

namespace cape {

std::optional<DockerEndpoint> ResolvedConnection::nodeEndpoint(const QString &hostname,
                                                               const QString &nodeId) const
{
    if (!ok())
        return std::nullopt;
    const ConnectionProfile::NodeEndpoint *node = profile.findNode(hostname, nodeId);
    DockerEndpoint result;
    QString ignored;
    if (!node || !profile.toEndpoint(*node, endpoint.keyPem, &result, &ignored))
        return std::nullopt;
    return result;
}

} // namespace cape
