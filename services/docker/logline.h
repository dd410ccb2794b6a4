#pragma once

#include "logframedecoder.h"

#include <QByteArray>
#include <QMap>
#include <QString>

namespace cape {

// One line of container or service logs, with what timestamps=1 and
// details=1 add in front of the text: "<RFC3339Nano> <k=v,k=v> text".
struct LogLine
{
    LogFrameDecoder::Stream stream = LogFrameDecoder::Stream::Stdout;
    qint64 timestampNs = 0; // since the epoch, UTC; 0 when not requested
    QMap<QString, QString> details;
    QString text;

    QString taskId() const { return details.value(QStringLiteral("com.docker.swarm.task.id")); }
    QString nodeId() const { return details.value(QStringLiteral("com.docker.swarm.node.id")); }
    QString serviceId() const { return details.value(QStringLiteral("com.docker.swarm.service.id")); }

    // Parses one line (without its newline). Returns false if a prefix that
    // was asked for is missing or malformed; the line then keeps its whole
    // content as text so that nothing is lost.
    static bool parse(const QByteArray &line, bool timestamps, bool details, LogLine *out);

    // "2024-05-01T10:00:00.123456789Z" or with a "+02:00" offset.
    static bool parseTimestamp(QByteArrayView text, qint64 *nanoseconds);
};

} // namespace cape
