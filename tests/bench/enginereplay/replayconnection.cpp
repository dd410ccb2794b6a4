#include "replayconnection.h"

#include <QDateTime>
#include <QLocalSocket>
#include <QLocale>

namespace cape {

namespace {
QByteArray reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 500:
        return "Internal Server Error";
    }
    return "Unknown";
}

QByteArray httpDate()
{
    return QLocale::c()
        .toString(QDateTime::currentDateTimeUtc(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toLatin1();
}

// Go's net/http sets Content-Length itself when the handler's whole body
// fits its first buffer; anything longer goes out chunked.
constexpr qsizetype GoChunkingThreshold = 2048;
} // namespace

ReplayConnection::ReplayConnection(QLocalSocket *socket, Headers commonHeaders, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_commonHeaders(std::move(commonHeaders))
{
    m_socket->setParent(this);
    connect(m_socket, &QLocalSocket::readyRead, this, &ReplayConnection::onReadyRead);
    connect(m_socket, &QLocalSocket::disconnected, this, [this] { emit closed(this); });
}

ReplayConnection::~ReplayConnection() = default;

void ReplayConnection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (m_streaming)
        return; // a client of /events sends nothing more that we answer
    if (!m_reader.feed(data)) {
        const QByteArray body = "{\"message\":\"" + m_reader.error().toUtf8() + "\"}\n";
        m_socket->write("HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n"
                        "Content-Length: " +
                        QByteArray::number(body.size()) + "\r\n\r\n" + body);
        m_socket->disconnectFromServer();
        return;
    }
    while (!m_streaming && m_socket->state() == QLocalSocket::ConnectedState) {
        const std::optional<HttpRequest> request = m_reader.next();
        if (!request)
            break;
        emit requestReceived(this, *request);
    }
}

QByteArray ReplayConnection::head(int status, const QByteArray &contentType, const Headers &extra) const
{
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + reason(status) + "\r\n";
    for (const auto &[name, value] : m_commonHeaders)
        out += name + ": " + value + "\r\n";
    for (const auto &[name, value] : extra)
        out += name + ": " + value + "\r\n";
    if (!contentType.isEmpty())
        out += "Content-Type: " + contentType + "\r\n";
    out += "Date: " + httpDate() + "\r\n";
    return out;
}

void ReplayConnection::respond(const HttpRequest &request, int status, const QByteArray &body,
                               const QByteArray &contentType, const Headers &extra)
{
    const bool headOnly = request.method == "HEAD";
    QByteArray out = head(status, contentType, extra);
    if (!request.keepAlive)
        out += "Connection: close\r\n";
    if (body.size() < GoChunkingThreshold) {
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n";
        if (!headOnly)
            out += body;
        m_socket->write(out);
    } else {
        out += "Transfer-Encoding: chunked\r\n\r\n";
        if (headOnly) {
            m_socket->write(out);
        } else {
            out += QByteArray::number(body.size(), 16) + "\r\n";
            m_socket->write(out);
            m_socket->write(body); // shared, not copied: the lists are tens of MB
            m_socket->write("\r\n0\r\n\r\n");
        }
    }
    if (!request.keepAlive)
        m_socket->disconnectFromServer();
}

void ReplayConnection::startStream(const HttpRequest &request)
{
    m_streaming = true;
    m_closeAfterStream = !request.keepAlive;
    m_socket->write(head(200, "application/json", {}) + "Transfer-Encoding: chunked\r\n\r\n");
    m_socket->flush();
}

void ReplayConnection::writeChunk(const QByteArray &data)
{
    if (!m_streaming || data.isEmpty())
        return;
    m_socket->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void ReplayConnection::endStream()
{
    if (!m_streaming)
        return;
    m_socket->write("0\r\n\r\n");
    m_streaming = false;
    if (m_closeAfterStream)
        m_socket->disconnectFromServer();
}

void ReplayConnection::flush()
{
    m_socket->flush();
}

} // namespace cape
