#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <http_parser.h>

#include <vector>

namespace cape {

// One HTTP/1.x message at a time, through libhttp-parser, for a proxy that
// forwards bytes as they come: feed() stops at the end of the head (so that
// the request can be routed before its body moves) and at the end of the
// message (so that the next one on the connection stays in the buffer).
// Bodies are not copied: the bytes fed are forwarded as they are, framing
// (Content-Length, chunked) included. The head's pieces go to one buffer
// that keeps its memory from message to message, and are read back as
// views into it (valid until reset()): no allocation per header or request.
class HttpMessageParser
{
public:
    enum class Kind { Request, Response };
    enum class Stop { NeedMore, HeadComplete, MessageComplete, Error };

    // Keeps the request line or status line and the headers (the proxy
    // rewrites both heads).
    explicit HttpMessageParser(Kind kind);
    HttpMessageParser(const HttpMessageParser &) = delete;
    HttpMessageParser &operator=(const HttpMessageParser &) = delete;

    struct Result
    {
        size_t consumed = 0;
        Stop stop = Stop::NeedMore;
        // Where the body (or the message after the head) begins in what was
        // consumed: the bytes in [bodyFrom, consumed) are body, to forward as
        // they are; the head's are for collecting (requests) or forwarding
        // whole (responses).
        size_t bodyFrom = 0;
    };

    void reset();
    Result feed(const char *data, size_t size);
    // The peer closed: ends a message whose length is the connection's.
    Stop finish();
    // A response to HEAD: its Content-Length announces no body here.
    void expectNoBody() { m_noBody = true; }

    bool headComplete() const { return m_headComplete; }
    bool messageComplete() const { return m_messageComplete; }
    const char *errorName() const;
    bool keepAlive() const { return http_should_keep_alive(&m_parser) != 0; }
    bool isUpgrade() const { return m_parser.upgrade; }
    int status() const { return int(m_parser.status_code); }
    // A response whose end its head tells (a length, chunks, or no body at
    // all); the others end with the connection.
    bool isFramed() const;
    int minorVersion() const { return m_parser.http_minor; }
    // A request's Content-Length, once its head is read (0 without one).
    quint64 contentLength() const;
    bool hasBody() const;

    QByteArrayView method() const { return http_method_str(http_method(m_parser.method)); }
    QByteArrayView url() const { return view(m_url); }
    QByteArrayView reason() const { return view(m_reason); }
    qsizetype headerCount() const { return qsizetype(m_headers.size()); }
    QByteArrayView headerName(qsizetype i) const { return view(m_headers[size_t(i)].name); }
    QByteArrayView headerValue(qsizetype i) const { return view(m_headers[size_t(i)].value); }
    // The first value of a header, by name in any case.
    QByteArrayView header(QByteArrayView name) const;
    // The headers that are not this hop's (RFC 9110 7.6.1: not Connection,
    // Keep-Alive, Upgrade, TE, Trailer, Proxy-*, nor those Connection names;
    // nor X-Forwarded-*, which the proxy writes itself), appended to out as
    // header lines.
    void appendEndToEndHeaders(QByteArray &out) const;

private:
    // Where a piece of the head is in m_head.
    struct Span
    {
        qsizetype at = 0;
        qsizetype size = 0;
    };
    struct HeaderSpans
    {
        Span name;
        Span value;
    };
    QByteArrayView view(Span span) const { return {m_head.constData() + span.at, span.size}; }
    // A piece reported by the parser: the pieces of one token come one after
    // another, so the token's span grows.
    void appendPiece(Span &span, const char *at, size_t length);

    static int onUrl(http_parser *parser, const char *at, size_t length);
    static int onStatus(http_parser *parser, const char *at, size_t length);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onMessageComplete(http_parser *parser);

    http_parser m_parser{};
    http_parser_settings m_settings{};
    Kind m_kind;
    bool m_noBody = false;
    bool m_headComplete = false;
    bool m_messageComplete = false;
    bool m_valueNext = false; // the last header piece was a value
    // libhttp-parser pauses at the head's end before its last byte (the
    // LF), which the next feed() consumes again.
    bool m_headTailPending = false;
    QByteArray m_head;
    Span m_url;
    Span m_reason;
    std::vector<HeaderSpans> m_headers;
};

} // namespace cape
