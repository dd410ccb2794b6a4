#include "dockerexchange.h"

#include "dockerconnection.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace cape {

namespace {
constexpr qsizetype MaxErrorBody = 64 * 1024;
}

DockerExchange::DockerExchange(DockerRequest request, QString endpoint, QObject *parent)
    : QObject(parent)
    , m_request(std::move(request))
    , m_endpoint(std::move(endpoint))
{}

DockerExchange::~DockerExchange()
{
    // Deleted mid-response: the connection cannot be reused.
    if (m_connection)
        m_connection->abandon(this);
}

void DockerExchange::attach(DockerConnection *connection)
{
    m_connection = connection;
}

void DockerExchange::abort()
{
    if (m_finished)
        return;
    if (m_connection)
        m_connection->abandon(this);
    m_connection = nullptr;
    finish(makeError(DockerError::Kind::Cancelled, QStringLiteral("cancelled by the caller")));
}

DockerError DockerExchange::makeError(DockerError::Kind kind, const QString &message, int status) const
{
    DockerError error;
    error.kind = kind;
    error.message = message;
    error.httpStatus = status;
    error.endpoint = m_endpoint;
    error.request = m_request.describe(m_apiVersion);
    return error;
}

void DockerExchange::finish(DockerError error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = std::move(error);
    if (m_connection)
        m_connection->abandon(this);
    m_connection = nullptr;
    emit finished();
}

bool DockerExchange::writeToConnection(const QByteArray &data)
{
    return m_connection && m_connection->writeRaw(data);
}

void DockerExchange::receiveHeaders(int status, const HttpResponseParser::Headers &headers)
{
    m_status = status;
    m_headers = headers;
    if (status < 400 && !m_finished)
        handleHeaders();
}

void DockerExchange::receiveBody(const QByteArray &data)
{
    if (m_finished)
        return;
    if (m_status >= 400) {
        if (m_errorBody.size() < MaxErrorBody)
            m_errorBody.append(data.left(MaxErrorBody - m_errorBody.size()));
        return;
    }
    handleBody(data);
}

void DockerExchange::receiveComplete()
{
    if (m_finished)
        return;
    m_connection = nullptr; // the connection goes back to the pool
    if (m_status >= 400) {
        // The engine answers errors as {"message": "..."}.
        QString message =
            QJsonDocument::fromJson(m_errorBody).object().value(QLatin1String("message")).toString();
        if (message.isEmpty())
            message = QString::fromUtf8(m_errorBody.trimmed());
        if (message.isEmpty())
            message = QStringLiteral("HTTP status %1").arg(m_status);
        finish(makeError(DockerError::Kind::Http, message, m_status));
        return;
    }
    finish(handleComplete());
}

void DockerExchange::fail(DockerError error)
{
    m_connection = nullptr;
    error.endpoint = m_endpoint;
    error.request = m_request.describe(m_apiVersion);
    error.httpStatus = m_status;
    finish(std::move(error));
}

} // namespace cape
