#include "redisslot.h"

#include <array>

namespace cape {

namespace {

// CRC16/XMODEM (polynomial 0x1021, initial value 0), by table.
constexpr std::array<quint16, 256> crcTable()
{
    std::array<quint16, 256> table{};
    for (int byte = 0; byte < 256; ++byte) {
        quint16 crc = quint16(byte << 8);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc & 0x8000) ? quint16((crc << 1) ^ 0x1021) : quint16(crc << 1);
        table[size_t(byte)] = crc;
    }
    return table;
}

constexpr std::array<quint16, 256> CrcTable = crcTable();

quint16 crc16(QByteArrayView data)
{
    quint16 crc = 0;
    for (const char c : data)
        crc = quint16((crc << 8) ^ CrcTable[size_t(((crc >> 8) ^ quint8(c)) & 0xff)]);
    return crc;
}

} // namespace

int RedisSlot::of(QByteArrayView key)
{
    // Only the part between the first '{' and the next '}' counts, when
    // that part is not empty.
    const qsizetype open = key.indexOf('{');
    if (open >= 0) {
        const qsizetype close = key.indexOf('}', open + 1);
        if (close > open + 1)
            key = key.sliced(open + 1, close - open - 1);
    }
    return crc16(key) % Count;
}

QByteArray RedisSlot::companionKey(const QByteArray &prefix, const QByteArray &key)
{
    const int slot = of(key);
    QByteArray candidate = prefix + '{' + key + '}';
    if (of(candidate) == slot)
        return candidate;
    // key has braces of its own that cut the tag short: find a tag with its
    // slot (one in about 16384 tries, microseconds).
    for (int n = 0;; ++n) {
        candidate = prefix + '{' + QByteArray::number(n, 36) + '}';
        if (of(candidate) == slot)
            return candidate;
    }
}

} // namespace cape
