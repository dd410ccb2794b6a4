#include "logframedecoder.h"

#include <QString>
#include <QtEndian>

namespace cape {

LogFrameDecoder::Result LogFrameDecoder::feed(const QByteArray &data)
{
    Result result;
    if (m_failed)
        return result;
    if (m_tty) {
        if (!data.isEmpty())
            result.frames.append({Stream::Stdout, data});
        return result;
    }
    m_buffer.append(data);
    qsizetype offset = 0;
    constexpr qsizetype HeaderSize = 8;
    while (m_buffer.size() - offset >= HeaderSize) {
        const auto *header = reinterpret_cast<const uchar *>(m_buffer.constData() + offset);
        const quint8 type = header[0];
        const quint32 length = qFromBigEndian<quint32>(header + 4);
        if (type > 3 || header[1] != 0 || header[2] != 0 || header[3] != 0 || length > MaxPayload) {
            m_failed = true;
            result.error = QStringLiteral("malformed log frame header at byte %1 (type %2, length %3)")
                               .arg(offset)
                               .arg(type)
                               .arg(length);
            m_buffer.clear();
            return result;
        }
        if (m_buffer.size() - offset - HeaderSize < qsizetype(length))
            break;
        result.frames.append({Stream(type), m_buffer.mid(offset + HeaderSize, length)});
        offset += HeaderSize + length;
    }
    m_buffer.remove(0, offset);
    return result;
}

LogFrameDecoder::Result LogFrameDecoder::finish()
{
    Result result;
    if (!m_failed && !m_buffer.isEmpty())
        result.error = QStringLiteral("log stream ended inside a frame (%1 bytes left over)").arg(m_buffer.size());
    m_buffer.clear();
    return result;
}

} // namespace cape
