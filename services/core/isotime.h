#pragma once

#include <QByteArray>
#include <QStringView>

#include <optional>

namespace cape {

// UTC times as JavaScript's Date.toJSON() writes them
// (2026-11-27T08:00:00.000Z), by hand: QDateTime costs more than the rest
// of indexing an event, or of logging a proxied request.
class IsoTime
{
public:
    // Milliseconds since the epoch; years outside 0000–9999 go through QDateTime.
    static QByteArray format(qint64 ms);
    // Exactly that form, or nullopt (callers fall back to QDateTime for others).
    static std::optional<qint64> parse(QStringView text);
    static qint64 nowMs();
};

} // namespace cape
