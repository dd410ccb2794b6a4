#include "routetable.h"

#include <algorithm>

namespace cape {

RouteTable::RouteTable(const QList<ProxyConfig::Route> &routes)
{
    QHash<QString, QList<Candidate>> wildcards;
    for (int i = 0; i < routes.size(); ++i) {
        const ProxyConfig::Route &route = routes.at(i);
        if (route.host.startsWith(QLatin1String("*.")))
            wildcards[route.host.mid(1)].append({route.path, i}); // ".example.com"
        else
            m_exact[route.host].append({route.path, i});
    }
    const auto longestFirst = [](QList<Candidate> &candidates) {
        std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate &a, const Candidate &b) {
            return a.path.size() > b.path.size();
        });
    };
    for (auto it = m_exact.begin(); it != m_exact.end(); ++it)
        longestFirst(*it);
    for (auto it = wildcards.begin(); it != wildcards.end(); ++it) {
        longestFirst(*it);
        m_wildcards.append({it.key(), *it});
    }
    std::sort(m_wildcards.begin(), m_wildcards.end(),
              [](const auto &a, const auto &b) { return a.first.size() > b.first.size(); });
}

int RouteTable::matchPath(const QList<Candidate> &candidates, QStringView path)
{
    for (const Candidate &candidate : candidates) {
        if (candidate.path == u"/")
            return candidate.route;
        if (path.startsWith(candidate.path) &&
            (path.size() == candidate.path.size() || path.at(candidate.path.size()) == u'/'))
            return candidate.route;
    }
    return -1;
}

int RouteTable::match(QStringView host, QStringView path) const
{
    // "Host: App.Example.com:8443" and "[::1]:8443".
    QStringView name = host;
    if (name.startsWith(u'[')) {
        const qsizetype close = name.indexOf(u']');
        name = close > 0 ? name.first(close + 1) : name;
    } else if (const qsizetype colon = name.lastIndexOf(u':'); colon >= 0) {
        name = name.first(colon);
    }
    if (name.endsWith(u'.'))
        name.chop(1); // a fully qualified "example.com."
    const QString lower = name.toString().toLower();
    if (const auto it = m_exact.constFind(lower); it != m_exact.cend()) {
        if (const int route = matchPath(*it, path); route >= 0)
            return route;
    }
    for (const auto &[suffix, candidates] : m_wildcards) {
        // "*.example.com" covers a.example.com and a.b.example.com, not example.com.
        if (lower.size() > suffix.size() && lower.endsWith(suffix)) {
            if (const int route = matchPath(candidates, path); route >= 0)
                return route;
        }
    }
    return -1;
}

QString RouteTable::upstreamPath(const ProxyConfig::Route &route, const QString &path)
{
    if (!route.stripPrefix || route.path == u"/")
        return path;
    const QString rest = path.mid(route.path.size());
    return rest.isEmpty() || !rest.startsWith(u'/') ? u'/' + rest : rest;
}

} // namespace cape
