#include "messagelabel.h"

#include <QStyle>
#include <QTextDocumentFragment>

namespace cape {

MessageLabel::MessageLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("message"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Both severities have the same box: a severity from the start lets the
    // first polish give the label its padding before it is laid out.
    setProperty("severity", QStringLiteral("info"));
    hide();
}

void MessageLabel::showError(const QString &text)
{
    showHtml(Severity::Error, text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
}

void MessageLabel::showInfo(const QString &text)
{
    showHtml(Severity::Info, text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>")));
}

void MessageLabel::showHtml(Severity severity, const QString &html)
{
    setProperty("severity", severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("info"));
    // The style sheet selects on the property: re-apply it.
    style()->unpolish(this);
    style()->polish(this);
    setText(html);
    updateGeometry();
    show();
}

QString MessageLabel::shownText() const
{
    return isHidden() ? QString() : QTextDocumentFragment::fromHtml(text()).toPlainText();
}

} // namespace cape
