#include "httprequestreader.h"

#include <http_parser.h>

namespace cape {

namespace {
HttpRequestReader *self(http_parser *parser)
{
    return static_cast<HttpRequestReader *>(parser->data);
}
} // namespace

HttpRequestReader::HttpRequestReader()
    : m_parser(std::make_unique<http_parser>())
    , m_settings(std::make_unique<http_parser_settings>())
{
    http_parser_settings_init(m_settings.get());
    m_settings->on_message_begin = &HttpRequestReader::onMessageBegin;
    m_settings->on_url = &HttpRequestReader::onUrl;
    m_settings->on_header_field = &HttpRequestReader::onHeaderField;
    m_settings->on_header_value = &HttpRequestReader::onHeaderValue;
    m_settings->on_headers_complete = &HttpRequestReader::onHeadersComplete;
    m_settings->on_body = &HttpRequestReader::onBody;
    m_settings->on_message_complete = &HttpRequestReader::onMessageComplete;
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
}

HttpRequestReader::~HttpRequestReader() = default;

bool HttpRequestReader::feed(const QByteArray &bytes)
{
    if (!m_error.isEmpty())
        return false;
    if (m_upgraded) {
        m_rest += bytes;
        return true;
    }
    m_pending += bytes;
    // One request at a time: the parser pauses after each, the rest waits.
    while (!m_pending.isEmpty() && !m_paused && !m_upgraded) {
        const size_t parsed = http_parser_execute(m_parser.get(), m_settings.get(), m_pending.constData(),
                                                  size_t(m_pending.size()));
        const auto errno_ = HTTP_PARSER_ERRNO(m_parser.get());
        if (m_parser->upgrade && !m_ready.isEmpty()) {
            m_upgraded = true;
            m_rest = m_pending.mid(qsizetype(parsed));
            m_pending.clear();
            break;
        }
        if (errno_ != HPE_OK && errno_ != HPE_PAUSED) {
            if (m_error.isEmpty())
                m_error = QStringLiteral("malformed request: %1")
                              .arg(QString::fromLatin1(http_errno_description(errno_)));
            return false;
        }
        m_pending.remove(0, qsizetype(parsed));
        if (errno_ == HPE_OK && parsed == 0)
            break;
    }
    return m_error.isEmpty();
}

std::optional<HttpRequest> HttpRequestReader::next()
{
    if (m_ready.isEmpty())
        return std::nullopt;
    HttpRequest request = m_ready.takeFirst();
    if (m_paused && m_ready.isEmpty()) {
        m_paused = false;
        http_parser_pause(m_parser.get(), 0);
        feed({}); // what was waiting behind it
    }
    return request;
}

int HttpRequestReader::onMessageBegin(http_parser *parser)
{
    auto *r = self(parser);
    r->m_current = {};
    r->m_headSize = 0;
    r->m_lastWasValue = false;
    return 0;
}

int HttpRequestReader::onUrl(http_parser *parser, const char *at, size_t length)
{
    auto *r = self(parser);
    r->m_current.target.append(at, qsizetype(length));
    r->m_headSize += qsizetype(length);
    return r->m_headSize > MaxHead ? (r->m_error = QStringLiteral("request head too large"), 1) : 0;
}

int HttpRequestReader::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *r = self(parser);
    if (r->m_current.headers.isEmpty() || r->m_lastWasValue)
        r->m_current.headers.append({QByteArray(at, qsizetype(length)), QByteArray()});
    else
        r->m_current.headers.last().first.append(at, qsizetype(length));
    r->m_lastWasValue = false;
    r->m_headSize += qsizetype(length);
    return r->m_headSize > MaxHead ? (r->m_error = QStringLiteral("request head too large"), 1) : 0;
}

int HttpRequestReader::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *r = self(parser);
    r->m_current.headers.last().second.append(at, qsizetype(length));
    r->m_lastWasValue = true;
    r->m_headSize += qsizetype(length);
    return r->m_headSize > MaxHead ? (r->m_error = QStringLiteral("request head too large"), 1) : 0;
}

int HttpRequestReader::onHeadersComplete(http_parser *parser)
{
    auto *r = self(parser);
    r->m_current.method = http_method_str(http_method(parser->method));
    r->m_current.upgrade = parser->upgrade != 0;
    r->m_current.keepAlive = http_should_keep_alive(parser) != 0;
    for (auto &header : r->m_current.headers)
        header.second = header.second.trimmed();
    if (parser->flags & F_CHUNKED) {
        r->m_error = QStringLiteral("a chunked request body is not accepted: send Content-Length");
        return -1;
    }
    if (parser->content_length != ULLONG_MAX && parser->content_length > quint64(MaxBody)) {
        r->m_error = QStringLiteral("request body too large");
        return -1;
    }
    return 0;
}

int HttpRequestReader::onBody(http_parser *parser, const char *at, size_t length)
{
    self(parser)->m_current.body.append(at, qsizetype(length));
    return 0;
}

int HttpRequestReader::onMessageComplete(http_parser *parser)
{
    auto *r = self(parser);
    r->m_ready.append(std::move(r->m_current));
    r->m_current = {};
    r->m_paused = true;
    http_parser_pause(parser, 1);
    return 0;
}

} // namespace cape
