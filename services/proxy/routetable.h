#pragma once

#include "proxyconfig.h"

#include <QHash>
#include <QList>

namespace cape {

// Which route serves a request: its host (exact names first, then the
// longest matching wildcard, "*.shop.example.com" before "*.example.com"),
// then the longest path prefix that matches on a segment boundary ("/api"
// serves /api and /api/x, not /apix). Nothing matches: no route (404, the
// whitelist). Built once per configuration and read-only afterwards, so
// that a reload swaps whole tables.
class RouteTable
{
public:
    RouteTable() = default;
    explicit RouteTable(const QList<ProxyConfig::Route> &routes);

    // The route's index in the configuration, or -1. host may carry a
    // port and any case ("App.Example.com:8443"); path is the request's
    // path without its query.
    int match(QStringView host, QStringView path) const;
    // The path the upstream sees: the prefix stripped when the route says so.
    static QString upstreamPath(const ProxyConfig::Route &route, const QString &path);

private:
    struct Candidate
    {
        QString path;
        int route = -1;
    };
    // Per host pattern, the routes' paths, longest first.
    QHash<QString, QList<Candidate>> m_exact;
    QList<std::pair<QString, QList<Candidate>>> m_wildcards; // suffix ".example.com", longest first

    static int matchPath(const QList<Candidate> &candidates, QStringView path);
};

} // namespace cape
