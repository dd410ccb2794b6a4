#include "proxyconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

#include <cmath>

namespace cape {

namespace {

// Reads one JSON object member by member, collecting errors with their
// place; members nobody asked for are errors too.
class ObjectReader
{
public:
    ObjectReader(const QJsonObject &object, QString where, QStringList *errors)
        : m_object(object)
        , m_where(std::move(where))
        , m_errors(errors)
    {}

    ~ObjectReader()
    {
        for (auto it = m_object.constBegin(); it != m_object.constEnd(); ++it) {
            if (!m_read.contains(it.key()))
                error(it.key(), QStringLiteral("unknown member (a typo?)"));
        }
    }

    void error(const QString &member, const QString &message) const
    {
        m_errors->append(
            QStringLiteral("%1%2: %3").arg(m_where, member.isEmpty() ? QString() : u'.' + member, message));
    }

    QJsonValue take(const QString &member)
    {
        m_read.insert(member);
        return m_object.value(member);
    }

    QString string(const QString &member, bool required = false)
    {
        const QJsonValue value = take(member);
        if (value.isUndefined() || value.isNull()) {
            if (required)
                error(member, QStringLiteral("required"));
            return {};
        }
        if (!value.isString()) {
            error(member, QStringLiteral("must be a string"));
            return {};
        }
        if (required && value.toString().trimmed().isEmpty())
            error(member, QStringLiteral("must not be empty"));
        return value.toString().trimmed();
    }

    bool boolean(const QString &member)
    {
        const QJsonValue value = take(member);
        if (value.isUndefined() || value.isNull())
            return false;
        if (!value.isBool())
            error(member, QStringLiteral("must be true or false"));
        return value.toBool();
    }

    std::optional<quint16> port(const QString &member)
    {
        const QJsonValue value = take(member);
        if (value.isUndefined() || value.isNull())
            return std::nullopt;
        const double number = value.toDouble(-1);
        // The range first: a huge number (8e72) does not fit an integer to compare with.
        if (!value.isDouble() || number < 1 || number > 65535 || number != std::floor(number)) {
            error(member, QStringLiteral("must be a port number, 1 to 65535"));
            return std::nullopt;
        }
        return quint16(number);
    }

    QJsonArray array(const QString &member)
    {
        const QJsonValue value = take(member);
        if (value.isUndefined() || value.isNull())
            return {};
        if (!value.isArray()) {
            error(member, QStringLiteral("must be an array"));
            return {};
        }
        return value.toArray();
    }

    const QString &where() const { return m_where; }

private:
    QJsonObject m_object;
    QString m_where;
    QStringList *m_errors;
    QSet<QString> m_read;
};

// "app.example.com" or "*.example.com": letters, digits, hyphens, dots.
bool isHostPattern(const QString &host)
{
    QString rest = host;
    if (rest.startsWith(QLatin1String("*.")))
        rest = rest.mid(2);
    if (rest.isEmpty() || rest.size() > 253 || rest.startsWith(u'.') || rest.endsWith(u'.'))
        return false;
    for (const QStringView label : QStringView(rest).split(u'.')) {
        if (label.isEmpty() || label.size() > 63 || label.startsWith(u'-') || label.endsWith(u'-'))
            return false;
        for (const QChar c : label) {
            if (!(c.isLetterOrNumber() && c.unicode() < 128) && c != u'-')
                return false;
        }
    }
    return true;
}

std::optional<HostPort> readAddress(ObjectReader &reader, const QString &member, bool required)
{
    const QString text = reader.string(member, required);
    if (text.isEmpty())
        return std::nullopt;
    const auto address = HostPort::parse(text, false);
    if (!address) {
        reader.error(member,
                     QStringLiteral("must be host:port (\":443\" for every address), not %1").arg(text));
        return std::nullopt;
    }
    return address;
}

} // namespace

std::optional<ProxyConfig> ProxyConfig::fromJson(const QByteArray &json, QStringList *errors)
{
    errors->clear();
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        errors->append(
            QStringLiteral("not JSON: %1 at byte %2").arg(parseError.errorString()).arg(parseError.offset));
        return std::nullopt;
    }
    if (!document.isObject()) {
        errors->append(QStringLiteral("the document must be a JSON object"));
        return std::nullopt;
    }
    ProxyConfig config;
    {
        ObjectReader root(document.object(), QStringLiteral("$"), errors);
        const QJsonArray listen = root.array(QStringLiteral("listen"));
        for (qsizetype i = 0; i < listen.size(); ++i) {
            ObjectReader reader(listen.at(i).toObject(), QStringLiteral("listen[%1]").arg(i), errors);
            if (!listen.at(i).isObject()) {
                reader.error({}, QStringLiteral("must be an object"));
                continue;
            }
            Listener listener;
            if (const auto address = readAddress(reader, QStringLiteral("address"), true))
                listener.address = *address;
            listener.tls = reader.boolean(QStringLiteral("tls"));
            config.listen << listener;
        }
        if (listen.isEmpty())
            root.error(QStringLiteral("listen"), QStringLiteral("at least one listener is needed"));

        const QJsonArray certificates = root.array(QStringLiteral("certificates"));
        for (qsizetype i = 0; i < certificates.size(); ++i) {
            ObjectReader reader(certificates.at(i).toObject(), QStringLiteral("certificates[%1]").arg(i),
                                errors);
            Certificate certificate;
            certificate.name = reader.string(QStringLiteral("name"), true);
            certificate.certFile = reader.string(QStringLiteral("cert"), true);
            certificate.keyFile = reader.string(QStringLiteral("key"), true);
            if (config.certificate(certificate.name))
                reader.error(QStringLiteral("name"),
                             QStringLiteral("%1 is named twice").arg(certificate.name));
            config.certificates << certificate;
        }

        const QJsonArray routes = root.array(QStringLiteral("routes"));
        QSet<std::pair<QString, QString>> seen;
        for (qsizetype i = 0; i < routes.size(); ++i) {
            ObjectReader reader(routes.at(i).toObject(), QStringLiteral("routes[%1]").arg(i), errors);
            Route route;
            route.host = reader.string(QStringLiteral("host"), true).toLower();
            if (!route.host.isEmpty() && !isHostPattern(route.host))
                reader.error(QStringLiteral("host"),
                             QStringLiteral("%1 is no host name (a wildcard is only \"*.\" in front)")
                                 .arg(route.host));
            const QString path = reader.string(QStringLiteral("path"));
            if (!path.isEmpty())
                route.path = path;
            if (!route.path.startsWith(u'/') || route.path.contains(u'?') || route.path.contains(u'#'))
                reader.error(QStringLiteral("path"), QStringLiteral("must be a path prefix such as /api"));
            if (route.path.size() > 1 && route.path.endsWith(u'/'))
                route.path.chop(1); // /api/ and /api match alike
            route.service = reader.string(QStringLiteral("service"));
            route.port = reader.port(QStringLiteral("port")).value_or(0);
            const QJsonArray endpoints = reader.array(QStringLiteral("endpoints"));
            for (qsizetype e = 0; e < endpoints.size(); ++e) {
                const auto endpoint = HostPort::parse(endpoints.at(e).toString());
                if (!endpoint)
                    reader.error(QStringLiteral("endpoints[%1]").arg(e), QStringLiteral("must be host:port"));
                else
                    route.endpoints << *endpoint;
            }
            if (route.service.isEmpty() == endpoints.isEmpty())
                reader.error({}, QStringLiteral("give either a service (with its port) or endpoints"));
            else if (!route.service.isEmpty() && route.port == 0)
                reader.error(QStringLiteral("port"), QStringLiteral("the service's port is required"));
            route.stripPrefix = reader.boolean(QStringLiteral("stripPrefix"));
            route.certificate = reader.string(QStringLiteral("certificate"));
            if (!route.certificate.isEmpty() && !config.certificate(route.certificate))
                reader.error(QStringLiteral("certificate"),
                             QStringLiteral("no certificate is named %1").arg(route.certificate));
            route.redirectToHttps = reader.boolean(QStringLiteral("redirectToHttps"));
            route.healthPath = reader.string(QStringLiteral("healthPath"));
            if (!route.healthPath.isEmpty() && !route.healthPath.startsWith(u'/'))
                reader.error(QStringLiteral("healthPath"), QStringLiteral("must be a path such as /health"));
            if (!route.host.isEmpty() && seen.contains({route.host, route.path}))
                reader.error({}, QStringLiteral("%1%2 is routed twice").arg(route.host, route.path));
            seen.insert({route.host, route.path});
            config.routes << route;
        }

        if (const QJsonValue admin = root.take(QStringLiteral("admin"));
            !admin.isUndefined() && !admin.isNull()) {
            ObjectReader reader(admin.toObject(), QStringLiteral("admin"), errors);
            config.admin = readAddress(reader, QStringLiteral("address"), true);
        }
    }
    // What only the whole document shows.
    const bool anyTls = std::any_of(config.listen.cbegin(), config.listen.cend(),
                                    [](const Listener &listener) { return listener.tls; });
    if (anyTls && config.certificates.isEmpty())
        errors->append(QStringLiteral("$.listen: a TLS listener needs at least one certificate"));
    if (!errors->isEmpty())
        return std::nullopt;
    return config;
}

const ProxyConfig::Certificate *ProxyConfig::certificate(const QString &name) const
{
    for (const Certificate &certificate : certificates) {
        if (certificate.name == name)
            return &certificate;
    }
    return nullptr;
}

QByteArray ProxyConfig::toJson() const
{
    QJsonArray listenArray, certificateArray, routeArray;
    for (const Listener &listener : listen) {
        QJsonObject object{{QStringLiteral("address"), listener.address.toString()}};
        if (listener.tls)
            object.insert(QStringLiteral("tls"), true);
        listenArray << object;
    }
    for (const Certificate &certificate : certificates)
        certificateArray << QJsonObject{{QStringLiteral("name"), certificate.name},
                                        {QStringLiteral("cert"), certificate.certFile},
                                        {QStringLiteral("key"), certificate.keyFile}};
    for (const Route &route : routes) {
        QJsonObject object{{QStringLiteral("host"), route.host}, {QStringLiteral("path"), route.path}};
        if (!route.service.isEmpty()) {
            object.insert(QStringLiteral("service"), route.service);
            object.insert(QStringLiteral("port"), route.port);
        } else {
            QJsonArray endpoints;
            for (const HostPort &endpoint : route.endpoints)
                endpoints << endpoint.toString();
            object.insert(QStringLiteral("endpoints"), endpoints);
        }
        if (route.stripPrefix)
            object.insert(QStringLiteral("stripPrefix"), true);
        if (!route.certificate.isEmpty())
            object.insert(QStringLiteral("certificate"), route.certificate);
        if (route.redirectToHttps)
            object.insert(QStringLiteral("redirectToHttps"), true);
        if (!route.healthPath.isEmpty())
            object.insert(QStringLiteral("healthPath"), route.healthPath);
        routeArray << object;
    }
    QJsonObject root{{QStringLiteral("listen"), listenArray}, {QStringLiteral("routes"), routeArray}};
    if (!certificateArray.isEmpty())
        root.insert(QStringLiteral("certificates"), certificateArray);
    if (admin)
        root.insert(QStringLiteral("admin"), QJsonObject{{QStringLiteral("address"), admin->toString()}});
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

} // namespace cape
