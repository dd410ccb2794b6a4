// Bytes from a client or an upstream, cut into pieces as sockets deliver
// them, through HttpMessageParser the way cape-proxyd drives it: routed at
// each head, reset after each message, finished when the peer closes.
// Beyond the sanitizers' findings, it stops on a broken promise: bytes
// consumed beyond what was fed, a body starting outside what was consumed,
// or a parser that neither consumes nor stops (a connection that would hang).
#include "services/proxy/httpmessageparser.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>

using cape::HttpMessageParser;
using Stop = HttpMessageParser::Stop;

namespace {

// A broken promise, named on stderr before the abort libFuzzer reports.
#define CHECK(promise)                                                                                       \
    do {                                                                                                     \
        if (!(promise)) {                                                                                    \
            std::fprintf(stderr, "broken promise at line %d: %s\n", __LINE__, #promise);                     \
            std::abort();                                                                                    \
        }                                                                                                    \
    } while (false)

// What the proxy reads off a head: every accessor, so that each runs on
// whatever the parser let through.
size_t readHead(const HttpMessageParser &parser)
{
    QByteArray lines;
    parser.appendEndToEndHeaders(lines);
    size_t seen = size_t(parser.method().size() + parser.url().size() + parser.reason().size());
    seen += size_t(lines.size() + parser.header("host").size());
    seen += size_t(parser.contentLength() + quint64(parser.status()) + quint64(parser.minorVersion()));
    seen += parser.keepAlive() + parser.isUpgrade() + parser.isFramed() + parser.hasBody();
    for (qsizetype i = 0; i < parser.headerCount(); ++i)
        seen += size_t(parser.headerName(i).size() + parser.headerValue(i).size());
    return seen;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    // The first byte chooses a request or a response (and a HEAD's answer),
    // the second how big the pieces are that arrive.
    const uint8_t mode = data[0];
    const size_t piece = size_t(data[1]) + 1;
    data += 2;
    size -= 2;

    HttpMessageParser parser(mode & 1 ? HttpMessageParser::Kind::Response : HttpMessageParser::Kind::Request);
    if (mode & 2)
        parser.expectNoBody();
    volatile size_t sink = 0;
    size_t at = 0;
    while (at < size) {
        const size_t arrived = std::min(piece, size - at);
        const auto result = parser.feed(reinterpret_cast<const char *>(data) + at, arrived);
        CHECK(result.consumed <= arrived);
        CHECK(result.bodyFrom <= result.consumed);
        if (result.stop == Stop::Error) {
            CHECK(parser.errorName() != nullptr);
            return 0;
        }
        // Either it took bytes or it stopped to be asked again.
        CHECK(result.consumed > 0 || result.stop != Stop::NeedMore);
        at += result.consumed;
        if (result.stop == Stop::HeadComplete) {
            CHECK(parser.headComplete());
            sink = sink + readHead(parser);
        } else if (result.stop == Stop::MessageComplete) {
            CHECK(parser.messageComplete());
            parser.reset();
            if (mode & 2)
                parser.expectNoBody();
        }
    }
    parser.finish();
    (void)sink;
    return 0;
}
