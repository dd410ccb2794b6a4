#include "routediff.h"

#include <QCoreApplication>
#include <QHash>
#include <QSet>

namespace cape {

namespace {

QString entry(const ProxyConfig::Route &route)
{
    return route.path == QLatin1String("/") ? route.host : route.host + route.path;
}

QString target(const ProxyConfig::Route &route)
{
    if (!route.service.isEmpty())
        return QStringLiteral("%1:%2").arg(route.service).arg(route.port);
    QStringList endpoints;
    for (const HostPort &endpoint : route.endpoints)
        endpoints << endpoint.toString();
    return endpoints.join(QStringLiteral(", "));
}

QString flag(bool on)
{
    return on ? QCoreApplication::translate("cape::RouteDiff", "yes")
              : QCoreApplication::translate("cape::RouteDiff", "no");
}

QString orNone(const QString &text)
{
    return text.isEmpty() ? QCoreApplication::translate("cape::RouteDiff", "none") : text;
}

// "port 80 → 8080; certificate none → shop" for the fields that differ.
QString changes(const ProxyConfig::Route &before, const ProxyConfig::Route &after)
{
    QStringList fields;
    const auto field = [&fields](const char *name, const QString &from, const QString &to) {
        if (from != to)
            fields << QStringLiteral("%1 %2 → %3")
                          .arg(QCoreApplication::translate("cape::RouteDiff", name), from, to);
    };
    field(QT_TRANSLATE_NOOP("cape::RouteDiff", "target"), target(before), target(after));
    field(QT_TRANSLATE_NOOP("cape::RouteDiff", "strip prefix"), flag(before.stripPrefix),
          flag(after.stripPrefix));
    field(QT_TRANSLATE_NOOP("cape::RouteDiff", "certificate"), orNone(before.certificate),
          orNone(after.certificate));
    field(QT_TRANSLATE_NOOP("cape::RouteDiff", "redirect to HTTPS"), flag(before.redirectToHttps),
          flag(after.redirectToHttps));
    field(QT_TRANSLATE_NOOP("cape::RouteDiff", "health path"), orNone(before.healthPath),
          orNone(after.healthPath));
    return fields.join(QStringLiteral("; "));
}

} // namespace

QStringList RouteDiff::between(const ProxyConfig &running, const ProxyConfig &edited)
{
    QStringList lines;
    QStringList runningListeners, editedListeners;
    for (const ProxyConfig::Listener &listener : running.listen)
        runningListeners << listener.address.toString() +
                                (listener.tls ? QStringLiteral(" (TLS)") : QString());
    for (const ProxyConfig::Listener &listener : edited.listen)
        editedListeners << listener.address.toString() +
                               (listener.tls ? QStringLiteral(" (TLS)") : QString());
    for (const QString &listener : std::as_const(editedListeners)) {
        if (!runningListeners.contains(listener))
            lines << QCoreApplication::translate("cape::RouteDiff", "+ listener %1").arg(listener);
    }
    for (const QString &listener : std::as_const(runningListeners)) {
        if (!editedListeners.contains(listener))
            lines << QCoreApplication::translate("cape::RouteDiff", "- listener %1").arg(listener);
    }
    for (const ProxyConfig::Certificate &certificate : edited.certificates) {
        const ProxyConfig::Certificate *before = running.certificate(certificate.name);
        if (!before)
            lines << QCoreApplication::translate("cape::RouteDiff", "+ certificate %1").arg(certificate.name);
        else if (before->certFile != certificate.certFile || before->keyFile != certificate.keyFile)
            lines << QCoreApplication::translate("cape::RouteDiff", "~ certificate %1: files %2 → %3")
                         .arg(certificate.name, before->certFile, certificate.certFile);
    }
    for (const ProxyConfig::Certificate &certificate : running.certificates) {
        if (!edited.certificate(certificate.name))
            lines << QCoreApplication::translate("cape::RouteDiff", "- certificate %1").arg(certificate.name);
    }

    QHash<QString, const ProxyConfig::Route *> before;
    for (const ProxyConfig::Route &route : running.routes)
        before.insert(route.host.toLower() + route.path, &route);
    QSet<QString> seen;
    for (const ProxyConfig::Route &route : edited.routes) {
        const QString key = route.host.toLower() + route.path;
        seen.insert(key);
        const ProxyConfig::Route *old = before.value(key);
        if (!old)
            lines << QStringLiteral("+ %1 → %2").arg(entry(route), target(route));
        else if (const QString changed = changes(*old, route); !changed.isEmpty())
            lines << QStringLiteral("~ %1: %2").arg(entry(route), changed);
    }
    for (const ProxyConfig::Route &route : running.routes) {
        if (!seen.contains(route.host.toLower() + route.path))
            lines << QStringLiteral("- %1 → %2").arg(entry(route), target(route));
    }
    return lines;
}

} // namespace cape
