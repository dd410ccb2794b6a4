#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>

#include <functional>
#include <memory>
#include <utility>

struct http_parser;
struct http_parser_settings;

namespace cape {

// Incremental HTTP/1.1 response parser over Debian's libhttp-parser.
// Feed bytes as they arrive, in any split; the body reaches onBody in
// pieces as soon as it is decoded (chunked framing removed), so streams
// never wait for the end of a message.
class HttpResponseParser
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    struct Callbacks
    {
        std::function<void(int status, const Headers &headers)> onHeaders;
        std::function<void(const char *data, qsizetype size)> onBody;
        std::function<void()> onComplete;
    };

    explicit HttpResponseParser(Callbacks callbacks);
    ~HttpResponseParser();
    HttpResponseParser(const HttpResponseParser &) = delete;
    HttpResponseParser &operator=(const HttpResponseParser &) = delete;

    // Prepares for the next response on the same connection. A response to
    // HEAD has headers but no body, whatever Content-Length says.
    void reset(bool expectNoBody = false);

    // Returns false on malformed input; error() then says what was wrong.
    // Bytes after a complete message are an error unless reset() is called.
    bool feed(const char *data, qsizetype size);
    bool feed(const QByteArray &data) { return feed(data.constData(), data.size()); }

    // The peer closed the connection. A body delimited by close completes
    // here; anything else unfinished is a truncated response (false).
    bool finish();

    bool isComplete() const { return m_complete; }
    // A 101 Switching Protocols: the headers were the last HTTP; what came
    // after them in the same feed is the new protocol's (takeUpgradeData).
    bool isUpgraded() const { return m_upgraded; }
    QByteArray takeUpgradeData() { return std::exchange(m_upgradeData, {}); }
    bool hasStarted() const { return m_started; }
    bool keepAlive() const { return m_keepAlive; }
    int status() const { return m_status; }
    QString error() const { return m_error; }

    static QByteArray headerValue(const Headers &headers, const QByteArray &name);

private:
    static int onMessageBegin(http_parser *parser);
    static int onHeaderField(http_parser *parser, const char *at, size_t length);
    static int onHeaderValue(http_parser *parser, const char *at, size_t length);
    static int onHeadersComplete(http_parser *parser);
    static int onBodyData(http_parser *parser, const char *at, size_t length);
    static int onMessageComplete(http_parser *parser);

    Callbacks m_callbacks;
    std::unique_ptr<http_parser> m_parser;
    std::unique_ptr<http_parser_settings> m_settings;
    Headers m_headers;
    bool m_lastWasValue = false;
    bool m_expectNoBody = false;
    bool m_started = false;
    bool m_complete = false;
    bool m_keepAlive = false;
    bool m_upgraded = false;
    QByteArray m_upgradeData;
    int m_status = 0;
    QString m_error;
};

} // namespace cape
