#include "httpresponseparser.h"

#include <http_parser.h>

namespace cape {

namespace {
HttpResponseParser *self(http_parser *parser)
{
    return static_cast<HttpResponseParser *>(parser->data);
}
} // namespace

HttpResponseParser::HttpResponseParser(Callbacks callbacks)
    : m_callbacks(std::move(callbacks))
    , m_parser(std::make_unique<http_parser>())
    , m_settings(std::make_unique<http_parser_settings>())
{
    http_parser_settings_init(m_settings.get());
    m_settings->on_message_begin = &HttpResponseParser::onMessageBegin;
    m_settings->on_header_field = &HttpResponseParser::onHeaderField;
    m_settings->on_header_value = &HttpResponseParser::onHeaderValue;
    m_settings->on_headers_complete = &HttpResponseParser::onHeadersComplete;
    m_settings->on_body = &HttpResponseParser::onBodyData;
    m_settings->on_message_complete = &HttpResponseParser::onMessageComplete;
    reset();
}

HttpResponseParser::~HttpResponseParser() = default;

void HttpResponseParser::reset(bool expectNoBody)
{
    http_parser_init(m_parser.get(), HTTP_RESPONSE);
    m_parser->data = this;
    m_headers.clear();
    m_lastWasValue = false;
    m_expectNoBody = expectNoBody;
    m_started = false;
    m_complete = false;
    m_keepAlive = false;
    m_upgraded = false;
    m_upgradeData.clear();
    m_status = 0;
    m_error.clear();
}

bool HttpResponseParser::feed(const char *data, qsizetype size)
{
    if (!m_error.isEmpty())
        return false;
    if (size == 0)
        return true;
    if (m_upgraded) {
        m_upgradeData.append(data, size);
        return true;
    }
    if (m_complete) {
        m_error = QStringLiteral("unexpected bytes after the end of the response");
        return false;
    }
    const size_t parsed = http_parser_execute(m_parser.get(), m_settings.get(), data, size_t(size));
    const auto errno_ = HTTP_PARSER_ERRNO(m_parser.get());
    if (m_parser->upgrade && (errno_ == HPE_OK || (errno_ == HPE_PAUSED && m_complete))) {
        m_upgraded = true;
        m_complete = true;
        m_upgradeData.append(data + parsed, size - qsizetype(parsed));
        return true;
    }
    if (errno_ != HPE_OK && !(errno_ == HPE_PAUSED && m_complete)) {
        m_error = QStringLiteral("malformed HTTP response: %1")
                      .arg(QString::fromLatin1(http_errno_description(errno_)));
        return false;
    }
    if (m_complete && parsed < size_t(size)) {
        m_error = QStringLiteral("unexpected bytes after the end of the response");
        return false;
    }
    return true;
}

bool HttpResponseParser::finish()
{
    if (m_complete || !m_error.isEmpty())
        return m_error.isEmpty();
    if (m_started) {
        // A zero-length execute tells the parser about EOF: it completes a
        // body that is delimited by the connection closing.
        http_parser_execute(m_parser.get(), m_settings.get(), nullptr, 0);
        if (m_complete)
            return true;
    }
    m_error = m_started ? QStringLiteral("the connection closed in the middle of the response")
                        : QStringLiteral("the connection closed before a response");
    return false;
}

QByteArray HttpResponseParser::headerValue(const Headers &headers, const QByteArray &name)
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

int HttpResponseParser::onMessageBegin(http_parser *parser)
{
    self(parser)->m_started = true;
    return 0;
}

int HttpResponseParser::onHeaderField(http_parser *parser, const char *at, size_t length)
{
    auto *p = self(parser);
    if (p->m_headers.isEmpty() || p->m_lastWasValue)
        p->m_headers.append({QByteArray(at, qsizetype(length)), QByteArray()});
    else
        p->m_headers.last().first.append(at, qsizetype(length));
    p->m_lastWasValue = false;
    return 0;
}

int HttpResponseParser::onHeaderValue(http_parser *parser, const char *at, size_t length)
{
    auto *p = self(parser);
    if (p->m_headers.isEmpty())
        return 1;
    p->m_headers.last().second.append(at, qsizetype(length));
    p->m_lastWasValue = true;
    return 0;
}

int HttpResponseParser::onHeadersComplete(http_parser *parser)
{
    auto *p = self(parser);
    p->m_status = int(parser->status_code);
    for (auto &header : p->m_headers)
        header.second = header.second.trimmed();
    if (p->m_callbacks.onHeaders)
        p->m_callbacks.onHeaders(p->m_status, p->m_headers);
    // 1 tells http_parser that this message has no body (HEAD).
    return p->m_expectNoBody ? 1 : 0;
}

int HttpResponseParser::onBodyData(http_parser *parser, const char *at, size_t length)
{
    auto *p = self(parser);
    if (p->m_callbacks.onBody)
        p->m_callbacks.onBody(at, qsizetype(length));
    return 0;
}

int HttpResponseParser::onMessageComplete(http_parser *parser)
{
    auto *p = self(parser);
    p->m_complete = true;
    p->m_keepAlive = http_should_keep_alive(parser) != 0;
    if (p->m_callbacks.onComplete)
        p->m_callbacks.onComplete();
    // Stop here: anything after belongs to no request of ours.
    http_parser_pause(parser, 1);
    return 0;
}

} // namespace cape
