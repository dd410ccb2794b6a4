#include "dockerrequest.h"

#include <QIODevice>
#include <QUrl>

namespace cape {

DockerRequest DockerRequest::get(const QString &path, const QUrlQuery &query)
{
    DockerRequest request;
    request.path = path;
    request.query = query;
    return request;
}

DockerRequest DockerRequest::post(const QString &path, const QJsonDocument &json, const QUrlQuery &query)
{
    DockerRequest request;
    request.method = "POST";
    request.path = path;
    request.query = query;
    if (!json.isNull()) {
        request.body = json.toJson(QJsonDocument::Compact);
        request.contentType = "application/json";
    }
    return request;
}

DockerRequest DockerRequest::remove(const QString &path, const QUrlQuery &query)
{
    DockerRequest request;
    request.method = "DELETE";
    request.path = path;
    request.query = query;
    return request;
}

bool DockerRequest::isRetryable() const
{
    return !bodyDevice && (method == "GET" || method == "HEAD" || method == "DELETE");
}

QByteArray DockerRequest::target(const QString &apiVersion) const
{
    QByteArray target;
    if (versioned && !apiVersion.isEmpty())
        target = "/v" + apiVersion.toLatin1();
    target += QUrl::toPercentEncoding(path, "/");
    if (!query.isEmpty())
        target += '?' + query.toString(QUrl::FullyEncoded).toLatin1();
    return target;
}

QString DockerRequest::describe(const QString &apiVersion) const
{
    return QString::fromLatin1(method + ' ' + target(apiVersion));
}

QByteArray DockerRequest::serializeHead(const QString &apiVersion, const QByteArray &hostHeader,
                                        const QList<QPair<QByteArray, QByteArray>> &extraHeaders) const
{
    QByteArray head = method + ' ' + target(apiVersion) + " HTTP/1.1\r\nHost: " + hostHeader
                      + "\r\nUser-Agent: Cape/" CAPE_VERSION_STRING "\r\n";
    const qint64 length = bodyDevice ? bodyDeviceSize : body.size();
    if (length > 0 || method == "POST" || method == "PUT")
        head += "Content-Length: " + QByteArray::number(length) + "\r\n";
    if (!contentType.isEmpty())
        head += "Content-Type: " + contentType + "\r\n";
    for (const auto &[name, value] : headers)
        head += name + ": " + value + "\r\n";
    for (const auto &[name, value] : extraHeaders)
        head += name + ": " + value + "\r\n";
    head += "\r\n";
    return head;
}

} // namespace cape
