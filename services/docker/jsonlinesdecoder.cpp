#include "jsonlinesdecoder.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace cape {

JsonLinesDecoder::Result JsonLinesDecoder::feed(const QByteArray &data)
{
    Result result;
    m_buffer.append(data);
    qsizetype start = 0;
    for (qsizetype newline = m_buffer.indexOf('\n'); newline >= 0; newline = m_buffer.indexOf('\n', start)) {
        decodeLine(QByteArray::fromRawData(m_buffer.constData() + start, newline - start), &result);
        start = newline + 1;
    }
    m_buffer.remove(0, start);
    if (m_buffer.size() > MaxLineLength) {
        result.errors.append(QStringLiteral("line longer than %1 bytes without a newline").arg(MaxLineLength));
        m_buffer.clear();
    }
    return result;
}

JsonLinesDecoder::Result JsonLinesDecoder::finish()
{
    Result result;
    decodeLine(m_buffer, &result);
    m_buffer.clear();
    return result;
}

void JsonLinesDecoder::decodeLine(const QByteArray &line, Result *result) const
{
    const QByteArray trimmed = line.trimmed();
    if (trimmed.isEmpty())
        return;
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(trimmed, &error);
    if (error.error != QJsonParseError::NoError || !document.isObject()) {
        const QString reason = error.error != QJsonParseError::NoError ? error.errorString()
                                                                      : QStringLiteral("not a JSON object");
        result->errors.append(QStringLiteral("%1 in line: %2")
                                  .arg(reason, QString::fromUtf8(trimmed.left(200))));
        return;
    }
    result->objects.append(document.object());
}

} // namespace cape
