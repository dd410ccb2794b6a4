#pragma once

#include <QString>

#include <optional>

namespace cape {

// "host:port" as daemons and the app take Redis and listen addresses:
// a name, an IPv4 address or a bracketed IPv6 one, and a port 1…65535.
struct HostPort
{
    QString host; // empty only where allowed: ":9464" listens on every address
    quint16 port = 0;

    // nullopt when it is not host:port (or lacks a host that is required).
    static std::optional<HostPort> parse(const QString &text, bool hostRequired = true);
    QString toString() const;
    bool operator==(const HostPort &) const = default;
};

} // namespace cape
