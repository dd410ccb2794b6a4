#include "logstreamdecoder.h"

namespace cape {

LogStreamDecoder::LogStreamDecoder(Options options)
    : m_options(options)
    , m_frames(options.tty)
{
}

LogStreamDecoder::Result LogStreamDecoder::feed(const QByteArray &data)
{
    Result result;
    takeFrames(m_frames.feed(data), &result);
    return result;
}

LogStreamDecoder::Result LogStreamDecoder::finish()
{
    Result result;
    takeFrames(m_frames.finish(), &result);
    for (size_t type = 0; type < m_partial.size(); ++type) {
        if (!m_partial[type].isEmpty())
            emitLine(LogFrameDecoder::Stream(type), m_partial[type], &result);
        m_partial[type].clear();
    }
    return result;
}

void LogStreamDecoder::takeFrames(const LogFrameDecoder::Result &frames, Result *result)
{
    for (const auto &frame : frames.frames) {
        QByteArray &partial = m_partial[size_t(frame.stream)];
        partial.append(frame.payload);
        qsizetype start = 0;
        for (qsizetype nl = partial.indexOf('\n'); nl >= 0; nl = partial.indexOf('\n', start)) {
            emitLine(frame.stream, partial.mid(start, nl - start), result);
            start = nl + 1;
        }
        partial.remove(0, start);
        // A daemon error frame is a whole message even without a newline.
        if (frame.stream == LogFrameDecoder::Stream::System && !partial.isEmpty()) {
            emitLine(frame.stream, partial, result);
            partial.clear();
        }
    }
    if (!frames.error.isEmpty())
        result->error = frames.error;
}

void LogStreamDecoder::emitLine(LogFrameDecoder::Stream stream, const QByteArray &line, Result *result) const
{
    LogLine parsed;
    parsed.stream = stream;
    if (stream == LogFrameDecoder::Stream::System) {
        // Daemon errors carry no timestamp or details prefix.
        parsed.text = QString::fromUtf8(line).trimmed();
    } else {
        LogLine::parse(line, m_options.timestamps, m_options.details, &parsed);
    }
    result->lines.append(parsed);
}

} // namespace cape
