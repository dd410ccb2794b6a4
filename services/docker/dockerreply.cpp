#include "dockerreply.h"

#include <QJsonParseError>
#include <QPointer>

namespace cape {

DockerReply::DockerReply(DockerRequest request, QString endpoint, QObject *parent)
    : DockerExchange(std::move(request), std::move(endpoint), parent)
{
}

void DockerReply::then(QObject *context, std::function<void(DockerReply *)> handler)
{
    if (isFinished()) {
        // Keep the promise of asynchrony: never call back from inside the call.
        QMetaObject::invokeMethod(
            context,
            [self = QPointer<DockerReply>(this), handler = std::move(handler)] {
                if (self) {
                    handler(self);
                    self->deleteLater();
                }
            },
            Qt::QueuedConnection);
        return;
    }
    connect(this, &DockerExchange::finished, context, [this, handler = std::move(handler)] {
        handler(this);
        deleteLater();
    });
}

void DockerReply::resolveFrom(const DockerReply *step)
{
    m_body = step->m_body;
    m_json = step->m_json;
    m_value = step->m_value;
    finish(step->error());
}

void DockerReply::resolveWithError(DockerError error)
{
    finish(std::move(error));
}

void DockerReply::resolveWithJson(const QJsonDocument &json)
{
    m_json = json;
    m_value = json.isArray() ? QJsonValue(json.array()) : QJsonValue(json.object());
    finish({});
}

void DockerReply::handleBody(const QByteArray &data)
{
    m_body.append(data);
}

DockerError DockerReply::handleComplete()
{
    const QByteArray type = header("Content-Type");
    if (m_body.isEmpty() || !type.startsWith("application/json") || !request().decodeJson)
        return {};
    QJsonParseError parseError;
    m_json = QJsonDocument::fromJson(m_body, &parseError);
    if (parseError.error == QJsonParseError::NoError) {
        m_value = m_json.isArray() ? QJsonValue(m_json.array()) : QJsonValue(m_json.object());
        return {};
    }
    // QJsonDocument holds only objects and arrays: read a scalar as [scalar].
    const QJsonDocument wrapped = QJsonDocument::fromJson('[' + m_body + ']');
    if (wrapped.isArray() && wrapped.array().size() == 1 && !m_body.trimmed().startsWith('[')
        && !m_body.trimmed().startsWith('{')) {
        m_value = wrapped.array().at(0);
        return {};
    }
    if (parseError.error != QJsonParseError::NoError)
        return makeError(DockerError::Kind::Decode,
                         QStringLiteral("invalid JSON at offset %1: %2")
                             .arg(parseError.offset)
                             .arg(parseError.errorString()),
                         statusCode());
    return {};
}

} // namespace cape
