#include "dockerstatsstream.h"

#include <QPointer>

namespace cape {

DockerStatsStream::DockerStatsStream(DockerRequest request, QString endpoint, QObject *parent)
    : DockerStream(std::move(request), std::move(endpoint), parent)
{
}

void DockerStatsStream::decode(const QByteArray &data)
{
    dispatch(m_decoder.feed(data));
}

DockerError DockerStatsStream::decodeEnd()
{
    dispatch(m_decoder.finish());
    if (m_samples == 0)
        return makeError(DockerError::Kind::Decode, QStringLiteral("the engine sent no stats sample"), statusCode());
    return {};
}

void DockerStatsStream::dispatch(const JsonLinesDecoder::Result &result)
{
    const QPointer<DockerStatsStream> guard(this);
    for (const QString &reason : result.errors) {
        emit malformed(reason);
        if (!guard || isFinished())
            return;
    }
    for (const QJsonObject &object : result.objects) {
        m_last = ContainerStats::fromJson(object);
        ++m_samples;
        emit sample(m_last);
        if (!guard || isFinished())
            return;
    }
}

} // namespace cape
