#include "httprequestparser.h"

#include <http_parser.h>

namespace cape {

namespace {
HttpRequestParser *self(http_parser *parser)
{
    return static_cast<HttpRequestParser *>(parser->data);
}
} // namespace

HttpRequestParser::HttpRequestParser()
    : m_parser(std::make_unique<http_parser>())
    , m_settings(std::make_unique<http_parser_settings>())
{
    http_parser_settings_init(m_settings.get());
    m_settings->on_message_begin = &HttpRequestParser::onMessageBegin;
    m_settings->on_url = &HttpRequestParser::onUrl;
    m_settings->on_header_field = &HttpRequestParser::onHeaderField;
    m_settings->on_header_value = &HttpRequestParser::onHeaderValue;
    m_settings->on_body = &HttpRequestParser::onBody;
    m_settings->on_message_complete = &HttpRequestParser::onMessageComplete;
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
}

HttpRequestParser::~HttpRequestParser() = default;

bool HttpRequestParser::feed(const char *data, qsizetype size)
{
    if (!m_error.isEmpty())
        return false;
    if (size == 0)
        return true;
    http_parser_execute(m_parser.get(), m_settings.get(), data, size_t(size));
    const auto errno_ = HTTP_PARSER_ERRNO(m_parser.get());
    if (errno_ != HPE_OK) {
        m_error = QStringLiteral("malformed HTTP request: %1")
                      .arg(QString::fromLatin1(http_errno_description(errno_)));
        return false;
    }
    return true;
}

int HttpRequestParser::onMessageBegin(http_parser *parser)
{
    HttpRequestParser *p = self(parser);
    p->m_current = Request();
    p->m_lastWasValue = false;
    return 0;
}

int HttpRequestParser::onUrl(http_parser *parser, const char *at, size_t length)
{
    self(parser)->m_current.url.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    HttpRequestParser *p = self(parser);
    // A field may arrive in pieces; a new one starts after a value.
    if (p->m_lastWasValue || p->m_current.headers.isEmpty())
        p->m_current.headers.append(QPair<QByteArray, QByteArray>());
    p->m_current.headers.last().first.append(at, qsizetype(length));
    p->m_lastWasValue = false;
    return 0;
}

int HttpRequestParser::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    HttpRequestParser *p = self(parser);
    p->m_current.headers.last().second.append(at, qsizetype(length));
    p->m_lastWasValue = true;
    return 0;
}

int HttpRequestParser::onBody(http_parser *parser, const char *at, size_t length)
{
    self(parser)->m_current.body.append(at, qsizetype(length));
    return 0;
}

int HttpRequestParser::onMessageComplete(http_parser *parser)
{
    HttpRequestParser *p = self(parser);
    p->m_current.method = http_method_str(http_method(parser->method));
    p->m_current.keepAlive = http_should_keep_alive(parser) != 0;
    p->m_done.append(std::move(p->m_current));
    p->m_current = Request();
    return 0;
}

} // namespace cape
