#include "dockerlogstream.h"

#include <QPointer>

namespace cape {

DockerLogStream::DockerLogStream(DockerRequest request, QString endpoint, LogStreamDecoder::Options options,
                                 QObject *parent)
    : DockerStream(std::move(request), std::move(endpoint), parent)
    , m_decoder(options)
{
}

void DockerLogStream::decode(const QByteArray &data)
{
    const DockerError error = dispatch(m_decoder.feed(data));
    if (error.isError())
        finish(error);
}

DockerError DockerLogStream::decodeEnd()
{
    return dispatch(m_decoder.finish());
}

DockerError DockerLogStream::dispatch(const LogStreamDecoder::Result &result)
{
    const QPointer<DockerLogStream> guard(this);
    if (!result.lines.isEmpty())
        emit lines(result.lines);
    if (!guard || result.error.isEmpty())
        return {};
    return makeError(DockerError::Kind::Decode, result.error, statusCode());
}

} // namespace cape
