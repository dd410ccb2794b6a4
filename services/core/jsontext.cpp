#include "jsontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cape::JsonText {

std::optional<QJsonValue> parseValue(const QByteArray &text)
{
    // The common cases without the parser: what clients write for most
    // fields (plain strings, null, booleans).
    if (text == "null")
        return QJsonValue(QJsonValue::Null);
    if (text == "true" || text == "false")
        return QJsonValue(text == "true");
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') {
        bool plain = true;
        for (qsizetype i = 1; i + 1 < text.size() && plain; ++i) {
            const auto c = static_cast<unsigned char>(text[i]);
            plain = c >= 0x20 && c != '"' && c != '\\';
        }
        if (plain)
            return QJsonValue(QString::fromUtf8(text.constData() + 1, text.size() - 2));
    }
    QJsonParseError error{};
    if (text.startsWith('{') || text.startsWith('[')) {
        const QJsonDocument document = QJsonDocument::fromJson(text, &error);
        if (error.error != QJsonParseError::NoError)
            return std::nullopt;
        return document.isObject() ? QJsonValue(document.object()) : QJsonValue(document.array());
    }
    const QJsonDocument document = QJsonDocument::fromJson('[' + text + ']', &error);
    if (error.error != QJsonParseError::NoError || !document.isArray() || document.array().size() != 1)
        return std::nullopt;
    return document.array().first();
}

QByteArray quote(const QString &text)
{
    QByteArray out;
    out.reserve(text.size() + 2);
    out.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (byte) {
        case '"':
            out.append("\\\"");
            break;
        case '\\':
            out.append("\\\\");
            break;
        case '\b':
            out.append("\\b");
            break;
        case '\f':
            out.append("\\f");
            break;
        case '\n':
            out.append("\\n");
            break;
        case '\r':
            out.append("\\r");
            break;
        case '\t':
            out.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                static const char hex[] = "0123456789abcdef";
                out.append("\\u00");
                out.append(hex[byte >> 4]);
                out.append(hex[byte & 0xf]);
            } else {
                out.append(c);
            }
        }
    }
    out.append('"');
    return out;
}

namespace {

qsizetype skipSpace(const QByteArray &text, qsizetype i)
{
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r'))
        ++i;
    return i;
}

// The end of the string that starts at i (its opening quote), past the closing quote.
qsizetype skipString(const QByteArray &text, qsizetype i)
{
    for (++i; i < text.size(); ++i) {
        if (text[i] == '\\')
            ++i;
        else if (text[i] == '"')
            return i + 1;
    }
    return -1;
}

// The end of the value that starts at i: nesting, strings and escapes only
// (the text is known to be valid JSON).
qsizetype skipValue(const QByteArray &text, qsizetype i)
{
    int depth = 0;
    while (i < text.size()) {
        const char c = text[i];
        if (c == '"') {
            i = skipString(text, i);
            if (i < 0)
                return -1;
            if (depth == 0)
                return i;
            continue;
        }
        if (c == '{' || c == '[') {
            ++depth;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                return i; // the end of the enclosing object
            if (--depth == 0)
                return i + 1;
        } else if (depth == 0 && (c == ',' || c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
            return i;
        }
        ++i;
    }
    return depth == 0 ? i : -1;
}

} // namespace

std::optional<QList<std::pair<QString, QByteArray>>> objectMembers(const QByteArray &object)
{
    QJsonParseError error{};
    if (!QJsonDocument::fromJson(object, &error).isObject() || error.error != QJsonParseError::NoError)
        return std::nullopt;
    QList<std::pair<QString, QByteArray>> members;
    qsizetype i = skipSpace(object, 0) + 1; // past '{'
    while (true) {
        i = skipSpace(object, i);
        if (i >= object.size() || object[i] == '}')
            return members;
        const qsizetype keyEnd = skipString(object, i);
        if (keyEnd < 0)
            return std::nullopt;
        const auto key = parseValue(object.mid(i, keyEnd - i));
        i = skipSpace(object, keyEnd) + 1; // past ':'
        i = skipSpace(object, i);
        const qsizetype valueEnd = skipValue(object, i);
        if (!key || valueEnd < 0)
            return std::nullopt;
        members.append({key->toString(), object.mid(i, valueEnd - i)});
        i = skipSpace(object, valueEnd);
        if (i < object.size() && object[i] == ',')
            ++i;
    }
}

} // namespace cape::JsonText
