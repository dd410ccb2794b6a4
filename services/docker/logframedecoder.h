#pragma once

#include <QByteArray>
#include <QList>

namespace cape {

// Decodes the body of /containers/{id}/logs and /services/{id}/logs.
// Without a TTY the engine multiplexes: an 8-byte header (stream type,
// 3 zero bytes, big-endian payload length) precedes each payload. Type 1
// is stdout, 2 stderr, and 3 an error from the daemon itself (for
// instance a node that went away) which the API reference does not list.
// With a TTY the body is the raw bytes of the terminal.
class LogFrameDecoder
{
public:
    enum class Stream { Stdin = 0, Stdout = 1, Stderr = 2, System = 3 };

    struct Frame
    {
        Stream stream = Stream::Stdout;
        QByteArray payload;
        bool operator==(const Frame &) const = default;
    };

    struct Result
    {
        QList<Frame> frames;
        QString error; // set once the stream can no longer be decoded
    };

    explicit LogFrameDecoder(bool tty = false) : m_tty(tty) {}

    // A payload larger than this is not a log frame: the stream is corrupt.
    static constexpr quint32 MaxPayload = 64 * 1024 * 1024;

    Result feed(const QByteArray &data);
    // End of stream: a partial frame left over means the body was cut.
    Result finish();

private:
    bool m_tty;
    bool m_failed = false;
    QByteArray m_buffer;
};

} // namespace cape
