#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <memory>
#include <utility>

struct http_parser;
struct http_parser_settings;

namespace cape {

// Incremental HTTP/1.1 request parser over Debian's libhttp-parser, for the
// replay engine. Feed bytes as they arrive; complete requests (several when
// a client pipelines) are collected and taken with takeRequests().
class HttpRequestParser
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray url; // path and query, as sent
        QList<QPair<QByteArray, QByteArray>> headers;
        QByteArray body;
        bool keepAlive = true;
    };

    HttpRequestParser();
    ~HttpRequestParser();
    HttpRequestParser(const HttpRequestParser &) = delete;
    HttpRequestParser &operator=(const HttpRequestParser &) = delete;

    // False on malformed input; error() says what was wrong.
    bool feed(const char *data, qsizetype size);
    QList<Request> takeRequests() { return std::exchange(m_done, {}); }
    QString error() const { return m_error; }

private:
    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    std::unique_ptr<http_parser> m_parser;
    std::unique_ptr<http_parser_settings> m_settings;
    Request m_current;
    bool m_lastWasValue = false;
    QList<Request> m_done;
    QString m_error;
};

} // namespace cape
