#include "deploydclient.h"

#include <QJsonDocument>
#include <QNetworkReply>
#include <QUrlQuery>

namespace cape {

DeploydClient::DeploydClient(QObject *parent)
    : QObject(parent)
{}

void DeploydClient::setEndpoint(const QUrl &base, const QByteArray &token)
{
    m_base = base;
    m_token = token;
}

void DeploydClient::send(const QByteArray &method, const QString &path, const QByteArray &body, Answered done)
{
    if (!m_base.isValid() || m_base.scheme().isEmpty()) {
        QMetaObject::invokeMethod(
            this, [done] { done({}, tr("no cape-deployd address: give http://host:9470")); },
            Qt::QueuedConnection);
        return;
    }
    QUrl url = m_base;
    const qsizetype query = path.indexOf(u'?');
    url.setPath(m_base.path().chopped(m_base.path().endsWith(u'/') ? 1 : 0) + path.left(query));
    if (query >= 0)
        url.setQuery(path.mid(query + 1));
    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    if (!m_token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + m_token);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    connect(reply, &QNetworkReply::finished, this, [reply, done, url] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(reply->readAll(), &parseError);
        const QString apiError = document.object()[QLatin1String("error")].toString();
        if (status == 0) {
            done({}, tr("cape-deployd at %1 does not answer: %2").arg(url.authority(), reply->errorString()));
        } else if (status >= 400) {
            done({}, tr("cape-deployd answered %1: %2")
                         .arg(status)
                         .arg(apiError.isEmpty() ? reply->errorString() : apiError));
        } else if (!document.isObject()) {
            done({}, tr("cape-deployd's answer is not JSON: %1").arg(parseError.errorString()));
        } else {
            done(document.object(), {});
        }
    });
}

void DeploydClient::deployments(const QString &repository, int limit, Listed done)
{
    QUrlQuery query;
    if (!repository.isEmpty())
        query.addQueryItem(QStringLiteral("repository"), repository);
    query.addQueryItem(QStringLiteral("limit"), QString::number(limit));
    send("GET", QStringLiteral("/deployments?") + query.toString(QUrl::FullyEncoded), {},
         [done](const QJsonObject &body, const QString &error) {
             QList<Deployment> list;
             for (const QJsonValue &value : body[QLatin1String("deployments")].toArray())
                 list << Deployment::fromJson(value.toObject());
             done(list, error);
         });
}

void DeploydClient::deployment(const QString &id, One done)
{
    send("GET", QStringLiteral("/deployments/") + QString::fromLatin1(QUrl::toPercentEncoding(id)), {},
         [done](const QJsonObject &body, const QString &error) { done(Deployment::fromJson(body), error); });
}

void DeploydClient::deploy(const QString &repository, const QString &ref, Queued done)
{
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("repository"), repository}, {QStringLiteral("ref"), ref}})
            .toJson(QJsonDocument::Compact);
    send("POST", QStringLiteral("/deployments"), body,
         [done](const QJsonObject &answer, const QString &error) {
             done(answer[QLatin1String("deployment")].toString(), error);
         });
}

void DeploydClient::rollback(const QString &id, Queued done)
{
    send("POST",
         QStringLiteral("/deployments/%1/rollback").arg(QString::fromLatin1(QUrl::toPercentEncoding(id))), {},
         [done](const QJsonObject &answer, const QString &error) {
             done(answer[QLatin1String("deployment")].toString(), error);
         });
}

void DeploydClient::repositories(Repositories done)
{
    send("GET", QStringLiteral("/repositories"), {}, [done](const QJsonObject &body, const QString &error) {
        done(body[QLatin1String("repositories")].toArray(), error);
    });
}

} // namespace cape
