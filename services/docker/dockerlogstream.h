#pragma once

#include "dockerstream.h"
#include "logstreamdecoder.h"

namespace cape {

// Container or service logs, decoded into lines as frames arrive. Lines
// the daemon itself writes (type-3 frames, e.g. "node is down") arrive
// as LogLines of stream System, in order with the others.
class DockerLogStream : public DockerStream
{
    Q_OBJECT

public:
    DockerLogStream(DockerRequest request, QString endpoint, LogStreamDecoder::Options options,
                    QObject *parent = nullptr);

signals:
    void lines(const QList<cape::LogLine> &lines);

protected:
    void decode(const QByteArray &data) override;
    DockerError decodeEnd() override;

private:
    DockerError dispatch(const LogStreamDecoder::Result &result);

    LogStreamDecoder m_decoder;
};

} // namespace cape
