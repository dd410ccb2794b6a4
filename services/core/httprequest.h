#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

namespace cape {

// One HTTP/1.1 request as a server received it (HttpRequestReader).
struct HttpRequest
{
    QByteArray method;
    QByteArray target; // "/v1.41/containers/json?all=1"
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    bool keepAlive = true; // HTTP/1.1 without "Connection: close"
    bool upgrade = false;  // asks for the connection (exec start)

    QString path() const; // the target without its query
    QByteArray header(const QByteArray &name) const;
};

} // namespace cape
