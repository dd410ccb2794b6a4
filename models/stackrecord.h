#pragma once

#include <QString>

namespace cape {

// A stack: the services sharing a com.docker.stack.namespace label.
struct StackRecord
{
    QString id; // the stack's name: stacks have no engine ID
    quint64 version = 0;
    int services = 0;
    int running = 0;
    int desired = 0;
    int networks = 0;
    bool operator==(const StackRecord &) const = default;
};

} // namespace cape
