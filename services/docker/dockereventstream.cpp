#include "dockereventstream.h"

#include <QPointer>

namespace cape {

DockerEventStream::DockerEventStream(DockerRequest request, QString endpoint, QObject *parent)
    : DockerStream(std::move(request), std::move(endpoint), parent)
{
}

void DockerEventStream::decode(const QByteArray &data)
{
    dispatch(m_decoder.feed(data));
}

DockerError DockerEventStream::decodeEnd()
{
    dispatch(m_decoder.finish());
    return {};
}

void DockerEventStream::dispatch(const JsonLinesDecoder::Result &result)
{
    // A receiver may abort or delete us from inside a signal.
    const QPointer<DockerEventStream> guard(this);
    for (const QString &reason : result.errors) {
        emit malformed(reason);
        if (!guard || isFinished())
            return;
    }
    for (const QJsonObject &object : result.objects) {
        emit event(object);
        if (!guard || isFinished())
            return;
    }
}

} // namespace cape
