#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace cape {

// Redis Cluster's key → hash slot mapping (CRC16/XMODEM of the key, or of
// its first non-empty {hash tag}, modulo 16384), as the servers compute it.
class RedisSlot
{
public:
    static constexpr int Count = 16384;

    static int of(QByteArrayView key);
    // prefix{…}: a key of one's own that lands in key's slot, so that a
    // script or a MULTI may touch both (a marker beside a stream).
    static QByteArray companionKey(const QByteArray &prefix, const QByteArray &key);
};

} // namespace cape
