#include "hostport.h"

#include <QUrl>

namespace cape {

std::optional<HostPort> HostPort::parse(const QString &text, bool hostRequired)
{
    const QString trimmed = text.trimmed();
    const qsizetype colon = trimmed.lastIndexOf(u':');
    if (colon < 0)
        return std::nullopt;
    bool validPort = false;
    const uint port = trimmed.mid(colon + 1).toUInt(&validPort);
    if (!validPort || port == 0 || port > 65535)
        return std::nullopt;
    HostPort result;
    result.port = quint16(port);
    if (colon == 0)
        return hostRequired ? std::nullopt : std::optional<HostPort>(result);
    // QUrl checks the host and unwraps [IPv6].
    const QUrl url(QStringLiteral("tcp://") + trimmed.left(colon));
    if (!url.isValid() || url.host().isEmpty() || !url.path().isEmpty())
        return std::nullopt;
    result.host = url.host();
    return result;
}

QString HostPort::toString() const
{
    return (host.contains(u':') ? u'[' + host + u']' : host) + u':' + QString::number(port);
}

} // namespace cape
