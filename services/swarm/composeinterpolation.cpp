#include "composeinterpolation.h"

namespace cape {

namespace {

bool isNameStart(QChar c)
{
    return c == QLatin1Char('_') || (c >= QLatin1Char('a') && c <= QLatin1Char('z')) ||
           (c >= QLatin1Char('A') && c <= QLatin1Char('Z'));
}

bool isNameChar(QChar c)
{
    return isNameStart(c) || (c >= QLatin1Char('0') && c <= QLatin1Char('9'));
}

qsizetype nameLength(QStringView text)
{
    if (text.isEmpty() || !isNameStart(text.front()))
        return 0;
    qsizetype n = 1;
    while (n < text.size() && isNameChar(text.at(n)))
        ++n;
    return n;
}

} // namespace

ComposeInterpolation::ComposeInterpolation(const QProcessEnvironment &environment)
    : m_environment(environment)
{}

ComposeInterpolation::Result ComposeInterpolation::interpolate(const QString &text) const
{
    Result result;
    if (!text.contains(QLatin1Char('$'))) {
        result.text = text;
        return result;
    }
    QString out;
    if (expand(text, &out, &result))
        result.text = out;
    return result;
}

bool ComposeInterpolation::expand(QStringView text, QString *out, Result *result) const
{
    qsizetype i = 0;
    while (i < text.size()) {
        const QChar c = text.at(i);
        if (c != QLatin1Char('$')) {
            out->append(c);
            ++i;
            continue;
        }
        const QChar next = i + 1 < text.size() ? text.at(i + 1) : QChar();
        if (next == QLatin1Char('$')) {
            out->append(QLatin1Char('$'));
            i += 2;
        } else if (next == QLatin1Char('{')) {
            // The matching brace, counting nested ${...} in defaults.
            int depth = 1;
            qsizetype j = i + 2;
            for (; j < text.size(); ++j) {
                if (text.at(j) == QLatin1Char('$') && j + 1 < text.size() &&
                    text.at(j + 1) == QLatin1Char('{')) {
                    ++depth;
                    ++j;
                } else if (text.at(j) == QLatin1Char('$') && j + 1 < text.size() &&
                           text.at(j + 1) == QLatin1Char('$')) {
                    ++j;
                } else if (text.at(j) == QLatin1Char('}') && --depth == 0) {
                    break;
                }
            }
            if (j >= text.size()) {
                result->error = QStringLiteral("unterminated \"${\" in \"%1\"").arg(text.toString());
                return false;
            }
            if (!expandBraced(text.mid(i + 2, j - i - 2), out, result))
                return false;
            i = j + 1;
        } else if (const qsizetype n = nameLength(text.mid(i + 1)); n > 0) {
            const QString name = text.mid(i + 1, n).toString();
            if (m_environment.contains(name)) {
                out->append(m_environment.value(name));
            } else if (!result->unset.contains(name)) {
                result->unset.append(name);
            }
            i += 1 + n;
        } else {
            result->error =
                QStringLiteral("invalid interpolation in \"%1\": \"$\" must be followed by a name, "
                               "{name} or another \"$\" (write $$ for a literal $)")
                    .arg(text.toString());
            return false;
        }
    }
    return true;
}

bool ComposeInterpolation::expandBraced(QStringView inner, QString *out, Result *result) const
{
    const qsizetype n = nameLength(inner);
    if (n == 0) {
        result->error =
            QStringLiteral("invalid interpolation \"${%1}\": expected a variable name").arg(inner.toString());
        return false;
    }
    const QString name = inner.left(n).toString();
    const QStringView rest = inner.mid(n);
    const bool set = m_environment.contains(name);
    const QString value = m_environment.value(name);
    if (rest.isEmpty()) {
        if (set)
            out->append(value);
        else if (!result->unset.contains(name))
            result->unset.append(name);
        return true;
    }
    const bool colon = rest.startsWith(QLatin1Char(':'));
    const QStringView op = rest.mid(colon ? 1 : 0, 1);
    const QStringView argument = rest.mid(colon ? 2 : 1);
    // With a colon an empty value counts as unset, as in the shell.
    const bool present = colon ? set && !value.isEmpty() : set;
    if (op == QLatin1String("-")) {
        if (present)
            out->append(value);
        else
            return expand(argument, out, result);
        return true;
    }
    if (op == QLatin1String("+")) {
        if (present)
            return expand(argument, out, result);
        return true;
    }
    if (op == QLatin1String("?")) {
        if (present) {
            out->append(value);
            return true;
        }
        QString message;
        Result ignored;
        expand(argument, &message, &ignored);
        result->error = QStringLiteral("required variable %1 is missing a value%2")
                            .arg(name, message.isEmpty() ? QString() : QStringLiteral(": ") + message);
        return false;
    }
    result->error = QStringLiteral("invalid interpolation \"${%1}\": expected :-, -, :?, ?, :+ or + after %2")
                        .arg(inner.toString(), name);
    return false;
}

} // namespace cape
