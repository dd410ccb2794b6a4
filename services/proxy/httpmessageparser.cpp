#include "httpmessageparser.h"

#include "appendbytes.h"

#include <QVarLengthArray>

#include <algorithm>

namespace cape {

namespace {

bool sameName(QByteArrayView a, QByteArrayView b)
{
    return a.size() == b.size() && a.compare(b, Qt::CaseInsensitive) == 0;
}

bool isHopByHop(QByteArrayView name)
{
    static const QByteArrayView names[] = {
        "connection",        "keep-alive",      "proxy-connection",    "te",
        "trailer",           "upgrade",         "proxy-authorization", "x-forwarded-for",
        "x-forwarded-proto", "x-forwarded-host"};
    for (const QByteArrayView hop : names) {
        if (sameName(name, hop))
            return true;
    }
    return false;
}

} // namespace

HttpMessageParser::HttpMessageParser(Kind kind)
    : m_kind(kind)
{
    http_parser_settings_init(&m_settings);
    m_settings.on_url = &HttpMessageParser::onUrl;
    m_settings.on_status = &HttpMessageParser::onStatus;
    m_settings.on_header_field = &HttpMessageParser::onHeaderField;
    m_settings.on_header_value = &HttpMessageParser::onHeaderValue;
    m_settings.on_headers_complete = &HttpMessageParser::onHeadersComplete;
    m_settings.on_message_complete = &HttpMessageParser::onMessageComplete;
    reset();
}

void HttpMessageParser::reset()
{
    http_parser_init(&m_parser, m_kind == Kind::Request ? HTTP_REQUEST : HTTP_RESPONSE);
    m_parser.data = this;
    m_noBody = false;
    m_headComplete = false;
    m_messageComplete = false;
    m_valueNext = false;
    m_headTailPending = false;
    m_head.resize(0); // its memory kept for the next message
    m_url = {};
    m_reason = {};
    m_headers.clear();
}

void HttpMessageParser::appendPiece(Span &span, const char *at, size_t length)
{
    if (span.size == 0)
        span.at = m_head.size();
    appendBytes(m_head, QByteArrayView(at, qsizetype(length)));
    span.size += qsizetype(length);
}

HttpMessageParser::Result HttpMessageParser::feed(const char *data, size_t size)
{
    const bool wasHeadComplete = m_headComplete;
    const size_t bodyFrom = !wasHeadComplete ? size : (std::exchange(m_headTailPending, false) ? 1 : 0);
    const size_t parsed = http_parser_execute(&m_parser, &m_settings, data, size);
    const auto error = HTTP_PARSER_ERRNO(&m_parser);
    if (error == HPE_PAUSED) {
        http_parser_pause(&m_parser, 0);
        if (m_messageComplete)
            return {parsed, Stop::MessageComplete, std::min(bodyFrom, parsed)};
        m_headTailPending = true;
        return {parsed, Stop::HeadComplete, parsed};
    }
    if (error != HPE_OK)
        return {parsed, Stop::Error, parsed};
    return {parsed, Stop::NeedMore, std::min(bodyFrom, parsed)};
}

HttpMessageParser::Stop HttpMessageParser::finish()
{
    http_parser_execute(&m_parser, &m_settings, nullptr, 0);
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);
    return m_messageComplete ? Stop::MessageComplete : Stop::Error;
}

const char *HttpMessageParser::errorName() const
{
    return http_errno_description(HTTP_PARSER_ERRNO(&m_parser));
}

bool HttpMessageParser::hasBody() const
{
    return (m_parser.flags & F_CHUNKED) || contentLength() > 0;
}

bool HttpMessageParser::isFramed() const
{
    const int code = status();
    return m_noBody || (m_parser.flags & (F_CHUNKED | F_CONTENTLENGTH)) || (code >= 100 && code < 200) ||
           code == 204 || code == 304;
}

quint64 HttpMessageParser::contentLength() const
{
    // Without the header the parser keeps "unknown" (all bits set) here.
    return (m_parser.flags & F_CONTENTLENGTH) ? m_parser.content_length : 0;
}

QByteArrayView HttpMessageParser::header(QByteArrayView name) const
{
    for (const HeaderSpans &header : m_headers) {
        if (sameName(view(header.name), name))
            return view(header.value);
    }
    return {};
}

void HttpMessageParser::appendEndToEndHeaders(QByteArray &out) const
{
    QVarLengthArray<QByteArrayView, 8> named; // by Connection: this hop's too
    for (const HeaderSpans &header : m_headers) {
        if (!sameName(view(header.name), "connection"))
            continue;
        const QByteArrayView value = view(header.value);
        qsizetype from = 0;
        while (from <= value.size()) {
            qsizetype comma = value.indexOf(',', from);
            if (comma < 0)
                comma = value.size();
            if (const QByteArrayView token = value.sliced(from, comma - from).trimmed(); !token.isEmpty())
                named.append(token);
            from = comma + 1;
        }
    }
    for (const HeaderSpans &header : m_headers) {
        const QByteArrayView name = view(header.name);
        if (isHopByHop(name) || std::any_of(named.cbegin(), named.cend(),
                                            [name](QByteArrayView token) { return sameName(name, token); }))
            continue;
        appendBytes(out, name);
        appendBytes(out, ": ");
        appendBytes(out, view(header.value));
        appendBytes(out, "\r\n");
    }
}

int HttpMessageParser::onUrl(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    self->appendPiece(self->m_url, at, length);
    return 0;
}

int HttpMessageParser::onStatus(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    self->appendPiece(self->m_reason, at, length);
    return 0;
}

int HttpMessageParser::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    if (self->m_valueNext || self->m_headers.empty()) {
        self->m_headers.emplace_back();
        self->m_valueNext = false;
    }
    self->appendPiece(self->m_headers.back().name, at, length);
    return 0;
}

int HttpMessageParser::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    self->m_valueNext = true;
    if (!self->m_headers.empty())
        self->appendPiece(self->m_headers.back().value, at, length);
    return 0;
}

int HttpMessageParser::onHeadersComplete(http_parser *parser)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    self->m_headComplete = true;
    http_parser_pause(parser, 1);
    return self->m_noBody ? 1 : 0;
}

int HttpMessageParser::onMessageComplete(http_parser *parser)
{
    auto *self = static_cast<HttpMessageParser *>(parser->data);
    self->m_messageComplete = true;
    http_parser_pause(parser, 1);
    return 0;
}

} // namespace cape
