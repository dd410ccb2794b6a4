#include "javascripthighlighter.h"

#include <QColor>

namespace cape {

namespace {

QTextCharFormat coloured(const QColor &colour, bool bold = false, bool italic = false)
{
    QTextCharFormat result;
    result.setForeground(colour);
    if (bold)
        result.setFontWeight(QFont::DemiBold);
    result.setFontItalic(italic);
    return result;
}

} // namespace

JavaScriptHighlighter::JavaScriptHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
    , m_comment(coloured(QColor(0x6a, 0x73, 0x7d), false, true))
    , m_string(coloured(QColor(0x03, 0x2f, 0x62)))
{
    static const char *keywords[] = {
        "break", "case",   "catch",   "class",   "const",  "continue", "default", "delete", "do",
        "else",  "export", "extends", "finally", "for",    "function", "if",      "in",     "instanceof",
        "let",   "new",    "of",      "return",  "switch", "this",     "throw",   "try",    "typeof",
        "var",   "void",   "while",   "yield",   "async",  "await"};
    QStringList words;
    for (const char *keyword : keywords)
        words << QLatin1String(keyword);
    m_rules << Rule{QRegularExpression(QStringLiteral("\\b(%1)\\b").arg(words.join(u'|'))),
                    coloured(QColor(0xd7, 0x3a, 0x49), true)};
    m_rules << Rule{QRegularExpression(QStringLiteral("\\b(true|false|null|undefined|NaN|Infinity)\\b")),
                    coloured(QColor(0x00, 0x5c, 0xc5))};
    m_rules << Rule{QRegularExpression(QStringLiteral(
                        "\\b(ctx|context|module|exports|console|JSON|Object|Array|String|Number|Math)\\b")),
                    coloured(QColor(0x6f, 0x42, 0xc1))};
    m_rules << Rule{
        QRegularExpression(QStringLiteral("\\b(0x[0-9a-fA-F]+|\\d+(\\.\\d+)?([eE][+-]?\\d+)?)\\b")),
        coloured(QColor(0x00, 0x5c, 0xc5))};
    m_rules << Rule{QRegularExpression(QStringLiteral(R"('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")")), m_string};
}

void JavaScriptHighlighter::highlightBlock(const QString &text)
{
    for (const Rule &rule : std::as_const(m_rules)) {
        for (auto it = rule.pattern.globalMatch(text); it.hasNext();) {
            const auto match = it.next();
            setFormat(int(match.capturedStart()), int(match.capturedLength()), rule.format);
        }
    }
    // Comments and template literals last: they win over what is inside them, and may span lines.
    setCurrentBlockState(Normal);
    qsizetype at = 0;
    State state = State(qMax(0, previousBlockState()));
    while (at < text.size()) {
        if (state == InBlockComment || state == InTemplateLiteral) {
            const QString end = state == InBlockComment ? QStringLiteral("*/") : QStringLiteral("`");
            const qsizetype close = text.indexOf(end, at);
            const qsizetype stop = close < 0 ? text.size() : close + end.size();
            setFormat(int(at), int(stop - at), state == InBlockComment ? m_comment : m_string);
            if (close < 0) {
                setCurrentBlockState(state);
                return;
            }
            at = stop;
            state = Normal;
            continue;
        }
        static const QRegularExpression opener(
            QStringLiteral(R"(//|/\*|`|'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"));
        const auto match = opener.match(text, at);
        if (!match.hasMatch())
            return;
        const QString token = match.captured();
        if (token.startsWith(u'\'') || token.startsWith(u'"')) { // a string: a "//" inside is no comment
            at = match.capturedEnd();
            continue;
        }
        if (token == QLatin1String("//")) {
            setFormat(int(match.capturedStart()), int(text.size() - match.capturedStart()), m_comment);
            return;
        }
        state = token == QLatin1String("/*") ? InBlockComment : InTemplateLiteral;
        setFormat(int(match.capturedStart()), int(token.size()),
                  state == InBlockComment ? m_comment : m_string);
        at = match.capturedEnd();
    }
    if (state != Normal)
        setCurrentBlockState(state);
}

} // namespace cape
