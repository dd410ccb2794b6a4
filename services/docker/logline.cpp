#include "logline.h"

#include <QDateTime>
#include <QUrl>

namespace cape {

bool LogLine::parseTimestamp(QByteArrayView text, qint64 *nanoseconds)
{
    // yyyy-MM-ddTHH:mm:ss[.fraction](Z|+hh:mm|-hh:mm)
    if (text.size() < 20 || text[4] != '-' || text[10] != 'T')
        return false;
    // Read as UTC: a format string would convert through local time, which
    // consults the time zone database on every call (25 µs; 20,000 task
    // timestamps took half a second).
    const QDateTime base = QDateTime::fromString(QString::fromLatin1(text.first(19)) + u'Z', Qt::ISODate);
    if (!base.isValid())
        return false;
    qsizetype pos = 19;
    qint64 fraction = 0;
    if (text[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
            if (digits < 9) {
                fraction = fraction * 10 + (text[pos] - '0');
                ++digits;
            }
            ++pos;
        }
        if (digits == 0)
            return false;
        for (; digits < 9; ++digits)
            fraction *= 10;
    }
    qint64 offsetSeconds = 0;
    const QByteArrayView zone = text.sliced(pos);
    if (zone == "Z") {
    } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':') {
        bool okH = false;
        bool okM = false;
        const int hours = zone.sliced(1, 2).toInt(&okH);
        const int minutes = zone.sliced(4, 2).toInt(&okM);
        if (!okH || !okM)
            return false;
        offsetSeconds = (zone[0] == '+' ? 1 : -1) * (hours * 3600 + minutes * 60);
    } else {
        return false;
    }
    const qint64 seconds = QDateTime(base.date(), base.time(), Qt::UTC).toSecsSinceEpoch() - offsetSeconds;
    *nanoseconds = seconds * 1'000'000'000 + fraction;
    return true;
}

bool LogLine::parse(const QByteArray &line, bool timestamps, bool details, LogLine *out)
{
    QByteArrayView rest(line);
    out->timestampNs = 0;
    out->details.clear();
    bool ok = true;
    if (timestamps) {
        const qsizetype space = rest.indexOf(' ');
        qint64 ns = 0;
        if (space > 0 && parseTimestamp(rest.first(space), &ns)) {
            out->timestampNs = ns;
            rest = rest.sliced(space + 1);
        } else {
            ok = false;
        }
    }
    if (ok && details) {
        // Service logs always put "k=v,k=v " here; container logs without
        // log attributes put an empty field, i.e. just the space.
        const qsizetype space = rest.indexOf(' ');
        const QByteArrayView field = space >= 0 ? rest.first(space) : rest;
        if (space < 0 && !field.contains('=')) {
            ok = false;
        } else {
            for (const QByteArrayView pair : QByteArray::fromRawData(field.data(), field.size()).split(',')) {
                const qsizetype eq = pair.indexOf('=');
                if (eq <= 0)
                    continue;
                out->details.insert(QUrl::fromPercentEncoding(pair.first(eq).toByteArray().replace('+', ' ')),
                                    QUrl::fromPercentEncoding(pair.sliced(eq + 1).toByteArray().replace('+', ' ')));
            }
            rest = space >= 0 ? rest.sliced(space + 1) : QByteArrayView();
        }
    }
    if (!ok)
        rest = QByteArrayView(line);
    QByteArrayView text = rest;
    if (text.endsWith('\r'))
        text.chop(1);
    out->text = QString::fromUtf8(text);
    return ok;
}

} // namespace cape
