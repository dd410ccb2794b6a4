#pragma once

#include "httprequest.h"

#include <QString>

#include <memory>
#include <optional>

struct http_parser;
struct http_parser_settings;

namespace cape {

// Requests off one client connection, one at a time, over Debian's
// libhttp-parser: feed bytes in any split (pipelined requests wait their
// turn); next() gives each complete request (a body delimited by
// Content-Length; a chunked request, which no client of the Engine API
// sends, is refused). Heads and bodies are bounded: a client cannot make a
// server hold more than MaxHead + MaxBody of one request.
class HttpRequestReader
{
public:
    static constexpr qsizetype MaxHead = 64 * 1024;
    static constexpr qsizetype MaxBody = 1024 * 1024;

    HttpRequestReader();
    ~HttpRequestReader();
    HttpRequestReader(const HttpRequestReader &) = delete;
    HttpRequestReader &operator=(const HttpRequestReader &) = delete;

    // False on a malformed or oversized request; error() says which.
    bool feed(const QByteArray &bytes);
    std::optional<HttpRequest> next();
    // After an upgrading request: the bytes that followed it (the new protocol's).
    QByteArray takeRest() { return std::exchange(m_rest, {}); }
    QString error() const { return m_error; }

private:
    static int onMessageBegin(http_parser *parser);
    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBody(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    std::unique_ptr<http_parser> m_parser;
    std::unique_ptr<http_parser_settings> m_settings;
    HttpRequest m_current;
    QList<HttpRequest> m_ready;
    QByteArray m_pending; // bytes after a complete request, before next() is asked
    QByteArray m_rest;
    qsizetype m_headSize = 0;
    bool m_lastWasValue = false;
    bool m_paused = false;
    bool m_upgraded = false;
    QString m_error;
};

} // namespace cape
