#include "isotime.h"

#include <QDate>
#include <QDateTime>

#include <ctime>

namespace cape {

namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard
// Hinnant's algorithms).
constexpr qint64 daysFromCivil(qint64 y, unsigned m, unsigned d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const unsigned yoe = unsigned(y - era * 400);
    const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + qint64(doe) - 719468;
}

void civilFromDays(qint64 z, qint64 *y, unsigned *m, unsigned *d)
{
    z += 719468;
    const qint64 era = (z >= 0 ? z : z - 146096) / 146097;
    const unsigned doe = unsigned(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    *d = doy - (153 * mp + 2) / 5 + 1;
    *m = mp < 10 ? mp + 3 : mp - 9;
    *y = qint64(yoe) + era * 400 + (*m <= 2);
}

constexpr qint64 MsPerDay = 86400000;
constexpr qint64 LastMsOfYear9999 = 253402300799999;

} // namespace

qint64 IsoTime::nowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

QByteArray IsoTime::format(qint64 ms)
{
    if (ms < 0 || ms > LastMsOfYear9999)
        return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs).toLatin1();
    qint64 year;
    unsigned month, day;
    civilFromDays(ms / MsPerDay, &year, &month, &day);
    const qint64 inDay = ms % MsPerDay;
    const auto put = [](char *at, qint64 value, int digits) {
        for (int i = digits - 1; i >= 0; --i, value /= 10)
            at[i] = char('0' + value % 10);
    };
    QByteArray text(24, Qt::Uninitialized); // 2026-11-27T08:00:00.000Z
    char *out = text.data();
    put(out, year, 4);
    out[4] = '-';
    put(out + 5, month, 2);
    out[7] = '-';
    put(out + 8, day, 2);
    out[10] = 'T';
    put(out + 11, inDay / 3600000, 2);
    out[13] = ':';
    put(out + 14, inDay / 60000 % 60, 2);
    out[16] = ':';
    put(out + 17, inDay / 1000 % 60, 2);
    out[19] = '.';
    put(out + 20, inDay % 1000, 3);
    out[23] = 'Z';
    return text;
}

std::optional<qint64> IsoTime::parse(QStringView text)
{
    if (text.size() != 24 || text.at(23) != u'Z')
        return std::nullopt;
    const auto digits = [&text](int at, int count) -> int {
        int value = 0;
        for (int i = at; i < at + count; ++i) {
            const char16_t c = text.at(i).unicode();
            if (c < u'0' || c > u'9')
                return -1;
            value = value * 10 + (c - u'0');
        }
        return value;
    };
    const int year = digits(0, 4), month = digits(5, 2), day = digits(8, 2), hour = digits(11, 2),
              minute = digits(14, 2), second = digits(17, 2), milli = digits(20, 3);
    const bool separators = text.at(4) == u'-' && text.at(7) == u'-' && text.at(10) == u'T' &&
                            text.at(13) == u':' && text.at(16) == u':' && text.at(19) == u'.';
    if (!separators || year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour >= 24 ||
        minute < 0 || minute >= 60 || second < 0 || second >= 60 || milli < 0 ||
        day > QDate(year, month, 1).daysInMonth())
        return std::nullopt;
    return daysFromCivil(year, unsigned(month), unsigned(day)) * MsPerDay + hour * 3600000LL +
           minute * 60000LL + second * 1000LL + milli;
}

} // namespace cape
