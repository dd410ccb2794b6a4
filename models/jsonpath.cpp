#include "jsonpath.h"

#include "services/docker/logline.h"

namespace cape::json {

qint64 timeMs(const QJsonValue &value)
{
    const QByteArray text = value.toString().toLatin1();
    qint64 ns = 0;
    if (text.isEmpty() || text.startsWith("0001-") || !LogLine::parseTimestamp(text, &ns))
        return 0;
    return ns / 1000000;
}

} // namespace cape::json
