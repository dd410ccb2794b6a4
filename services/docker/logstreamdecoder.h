#pragma once

#include "logframedecoder.h"
#include "logline.h"

#include <QList>
#include <QString>

#include <array>

namespace cape {

// A log body (framed or TTY) to LogLines. Frames may carry part of a line
// (the engine splits lines over 16 KiB) or several; lines are reassembled
// per stream so stdout and stderr never interleave inside a line.
class LogStreamDecoder
{
public:
    struct Options
    {
        bool tty = false;
        bool timestamps = false;
        bool details = false;
    };

    struct Result
    {
        QList<LogLine> lines;
        QString error; // the body is corrupt; nothing more will be decoded
    };

    explicit LogStreamDecoder(Options options);

    Result feed(const QByteArray &data);
    Result finish(); // flushes a last line without newline

private:
    void takeFrames(const LogFrameDecoder::Result &frames, Result *result);
    void emitLine(LogFrameDecoder::Stream stream, const QByteArray &line, Result *result) const;

    Options m_options;
    LogFrameDecoder m_frames;
    std::array<QByteArray, 4> m_partial; // by stream type
};

} // namespace cape
