#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace cape {

// Splits a stream of newline-separated JSON objects (/events, streamed
// stats, /images/load progress) fed in arbitrary pieces. A line that is not
// a JSON object is reported, not dropped silently and not fatal.
class JsonLinesDecoder
{
public:
    struct Result
    {
        QList<QJsonObject> objects;
        QStringList errors; // one per malformed line, with the offending text
    };

    // Lines longer than this are malformed (protects memory on a stream
    // that never sends a newline).
    static constexpr qsizetype MaxLineLength = 16 * 1024 * 1024;

    Result feed(const QByteArray &data);

    // End of stream: a last object without a trailing newline still counts.
    Result finish();

    bool hasPartialLine() const { return !m_buffer.isEmpty(); }

private:
    void decodeLine(const QByteArray &line, Result *result) const;

    QByteArray m_buffer;
};

} // namespace cape
