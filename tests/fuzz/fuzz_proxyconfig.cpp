// An operator's configuration document through ProxyConfig::fromJson, and
// every accepted one into a RouteTable that is then asked for routes, as
// cape-proxyd does on each reload. A refusal must come with reasons; an
// accepted document must save as it read, and give routes that the table
// can match.
#include "services/proxy/proxyconfig.h"
#include "services/proxy/routetable.h"

#include <cstdint>
#include <cstdlib>

using namespace cape;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    QStringList errors;
    const auto config =
        ProxyConfig::fromJson(QByteArray(reinterpret_cast<const char *>(data), qsizetype(size)), &errors);
    if (!config) {
        if (errors.isEmpty())
            std::abort(); // refused without saying why
        return 0;
    }
    // What it saves is what it read.
    const QByteArray saved = config->toJson();
    QStringList reread;
    const auto again = ProxyConfig::fromJson(saved, &reread);
    if (!again || again->toJson() != saved || again->routes != config->routes)
        std::abort();

    const RouteTable table(config->routes);
    for (const auto &route : config->routes) {
        const QString host =
            route.host.startsWith(QLatin1Char('*')) ? QStringLiteral("a") + route.host.mid(1) : route.host;
        const QString path =
            route.path == QLatin1String("/") ? QStringLiteral("/x") : route.path + QStringLiteral("/x");
        const int index = table.match(host, path);
        if (index < 0 || index >= config->routes.size())
            std::abort(); // an accepted route its own host and path do not reach
        (void)RouteTable::upstreamPath(config->routes.at(index), path);
    }
    (void)table.match(QStringLiteral("unknown.invalid"), QStringLiteral("/"));
    return 0;
}
