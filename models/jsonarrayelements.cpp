#include "jsonarrayelements.h"

namespace cape {

namespace {
bool isSpace(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}
} // namespace

QString forEachJsonArrayElement(const QByteArray &json,
                                const std::function<QString(QByteArrayView element, qsizetype offset)> &element)
{
    const qsizetype size = json.size();
    qsizetype i = 0;
    while (i < size && isSpace(json[i]))
        ++i;
    if (i == size || json[i] != '[')
        return QStringLiteral("expected a JSON array at offset %1").arg(i);
    ++i;
    while (i < size && isSpace(json[i]))
        ++i;
    if (i < size && json[i] == ']') {
        ++i; // []
    } else {
        for (;;) {
            while (i < size && isSpace(json[i]))
                ++i;
            if (i == size)
                return QStringLiteral("the JSON array is truncated at offset %1").arg(size);
            if (json[i] == ',' || json[i] == ']')
                return QStringLiteral("invalid JSON at offset %1: a value is missing").arg(i);
            // One element: up to the ',' or ']' at nesting depth 0.
            const qsizetype start = i;
            int depth = 0;
            bool inString = false;
            for (; i < size; ++i) {
                const char c = json[i];
                if (inString) {
                    if (c == '\\')
                        ++i; // the escaped character cannot end the string
                    else if (c == '"')
                        inString = false;
                } else if (c == '"') {
                    inString = true;
                } else if (c == '{' || c == '[') {
                    ++depth;
                } else if (c == '}' || c == ']') {
                    if (depth == 0)
                        break; // the array's own ']'
                    --depth;
                } else if (c == ',' && depth == 0) {
                    break;
                }
            }
            if (i >= size)
                return QStringLiteral("the JSON array is truncated at offset %1").arg(size);
            if (depth == 0 && json[i] == '}')
                return QStringLiteral("invalid JSON at offset %1: unbalanced '}'").arg(i);
            qsizetype end = i;
            while (end > start && isSpace(json[end - 1]))
                --end;
            const QString error = element(QByteArrayView(json.constData() + start, end - start), start);
            if (!error.isEmpty())
                return error;
            const bool last = json[i] == ']';
            ++i;
            if (last)
                break;
        }
    }
    while (i < size && isSpace(json[i]))
        ++i;
    if (i != size)
        return QStringLiteral("invalid JSON at offset %1: text after the array").arg(i);
    return {};
}

} // namespace cape
