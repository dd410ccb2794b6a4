#pragma once

#include "dockerstream.h"
#include "jsonlinesdecoder.h"

#include <QJsonObject>

namespace cape {

// GET /events: one JSON object per line, emitted as each arrives.
class DockerEventStream : public DockerStream
{
    Q_OBJECT

public:
    DockerEventStream(DockerRequest request, QString endpoint, QObject *parent = nullptr);

signals:
    void event(const QJsonObject &event);
    // A line that could not be decoded; the stream carries on.
    void malformed(const QString &reason);

protected:
    void decode(const QByteArray &data) override;
    DockerError decodeEnd() override;

private:
    void dispatch(const JsonLinesDecoder::Result &result);

    JsonLinesDecoder m_decoder;
};

} // namespace cape
