#pragma once

#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <optional>

namespace cape {

// The scalar languages inside compose values, each parsed as the docker CLI
// parses it. On failure a function returns nothing and sets *error to a
// phrase that names what was expected ("expected a duration such as 10s").
class ComposeSyntax
{
public:
    // Go durations: "1m30s", "500ms", "2h", "0". Nanoseconds.
    static std::optional<qint64> duration(const QString &text, QString *error);
    // Memory sizes as docker reads them (binary units): "50M", "1g", "512MiB", "1024".
    static std::optional<qint64> bytes(const QString &text, QString *error);
    // "0.5" CPUs as NanoCPUs.
    static std::optional<qint64> nanoCpus(const QString &text, QString *error);
    // File modes: "0440" and "0o440" are octal, "288" decimal.
    static std::optional<int> fileMode(const QString &text, QString *error);
    // A command string split as a POSIX shell splits words (quotes, backslashes).
    static std::optional<QStringList> shellWords(const QString &text, QString *error);
    // Short port syntax: "80", "8080:80", "8080:80/udp", "7000-7001:7000-7001",
    // "127.0.0.1:8080:80" (the address is dropped: swarm cannot bind one; *warning says so).
    // PortConfig objects, ingress mode.
    static std::optional<QJsonArray> ports(const QString &text, QString *error, QString *warning);
    // "NET_ADMIN" -> "CAP_NET_ADMIN", as the engine wants it; "ALL" stays.
    static QString capability(const QString &name);
};

} // namespace cape
