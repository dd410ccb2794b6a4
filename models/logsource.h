#pragma once

#include <QString>

namespace cape {

// Where a panel's lines come from: one replica (task) of a service, or one
// container; or Cape itself, for what it reports about the stream.
struct LogSource
{
    QString id;     // task or container ID; empty for Cape's own lines
    QString nodeId; // where it runs, when known
    QString label;  // "web.2@node3", shown in front of each line
};

} // namespace cape
