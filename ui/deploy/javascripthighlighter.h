#pragma once

#include <QRegularExpression>
#include <QSyntaxHighlighter>
#include <QTextCharFormat>

namespace cape {

// JavaScript colours for the template editor: keywords, literals, strings
// (template literals across lines too), numbers, comments (block comments
// across lines), and the context's names (ctx, module, exports, console).
class JavaScriptHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT

public:
    explicit JavaScriptHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;

private:
    struct Rule
    {
        QRegularExpression pattern;
        QTextCharFormat format;
    };
    enum State { Normal = 0, InBlockComment = 1, InTemplateLiteral = 2 };

    QList<Rule> m_rules;
    QTextCharFormat m_comment;
    QTextCharFormat m_string;
};

} // namespace cape
