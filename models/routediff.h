#pragma once

#include "services/proxy/proxyconfig.h"

#include <QStringList>

namespace cape {

// What publishing a document would change, in the words of the editor:
// routes added (+), removed (-) and changed (~, field by field), matched by
// host and path; listeners and certificates the same way. Empty when the
// two serve the same.
class RouteDiff
{
public:
    static QStringList between(const ProxyConfig &running, const ProxyConfig &edited);
};

} // namespace cape
