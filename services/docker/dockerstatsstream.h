#pragma once

#include "containerstats.h"
#include "dockerstream.h"
#include "jsonlinesdecoder.h"

namespace cape {

// /containers/{id}/stats, streamed (one sample a second) or one-shot.
class DockerStatsStream : public DockerStream
{
    Q_OBJECT

public:
    DockerStatsStream(DockerRequest request, QString endpoint, QObject *parent = nullptr);

    // The last sample, for one-shot use once finished() arrived.
    ContainerStats last() const { return m_last; }
    bool hasSample() const { return m_samples > 0; }

signals:
    void sample(const cape::ContainerStats &stats);
    void malformed(const QString &reason);

protected:
    void decode(const QByteArray &data) override;
    DockerError decodeEnd() override;

private:
    void dispatch(const JsonLinesDecoder::Result &result);

    JsonLinesDecoder m_decoder;
    ContainerStats m_last;
    qint64 m_samples = 0;
};

} // namespace cape
