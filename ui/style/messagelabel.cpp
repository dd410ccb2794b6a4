#include "messagelabel.h"

#include <QStyle>
#include <QTextDocumentFragment>

namespace cape {

namespace {
QString escaped(const QString &text)
{
    return text.toHtmlEscaped().replace(u'\n', QStringLiteral("<br>"));
}
} // namespace

MessageLabel::MessageLabel(QWidget *parent)
    : QLabel(parent)
{
    setObjectName(QStringLiteral("message"));
    setWordWrap(true);
    setTextFormat(Qt::RichText);
    setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    // Both severities have the same box: a severity from the start lets the
    // first polish give the label its padding before it is laid out.
    setProperty("severity", QStringLiteral("info"));
    m_expiry.setSingleShot(true);
    connect(&m_expiry, &QTimer::timeout, this, &MessageLabel::dismiss);
    connect(this, &QLabel::linkActivated, this, [this](const QString &link) {
        if (link == QLatin1String("#dismiss")) {
            dismiss();
        } else if (link == QLatin1String("#details")) {
            m_detailsShown = !m_detailsShown;
            render();
        }
    });
    hide();
}

void MessageLabel::showError(const QString &text, const QString &details)
{
    m_details = details == text ? QString() : details;
    m_detailsShown = false;
    showHtml(Severity::Error, escaped(text));
}

void MessageLabel::showInfo(const QString &text, int expireMs)
{
    m_details.clear();
    showHtml(Severity::Info, escaped(text));
    if (expireMs > 0)
        m_expiry.start(expireMs);
}

void MessageLabel::showHtml(Severity severity, const QString &html)
{
    m_expiry.stop();
    m_severity = severity;
    m_html = html;
    setProperty("severity", severity == Severity::Error ? QStringLiteral("error") : QStringLiteral("info"));
    // The style sheet selects on the property: re-apply it.
    style()->unpolish(this);
    style()->polish(this);
    render();
    show();
}

void MessageLabel::render()
{
    QString html = m_html;
    if (!m_details.isEmpty()) {
        html += QStringLiteral(" &nbsp;<a href='#details'>%1</a>")
                    .arg(m_detailsShown ? tr("Hide details") : tr("Details"));
        if (m_detailsShown)
            html += QStringLiteral("<br><span style='font-family: monospace; font-size: 9pt'>%1</span>")
                        .arg(escaped(m_details));
    }
    if (m_severity == Severity::Error && m_dismissible)
        html += QStringLiteral(" &nbsp;<a href='#dismiss' style='text-decoration: none'>✕</a>");
    setText(html);
    updateGeometry();
}

void MessageLabel::dismiss()
{
    m_expiry.stop();
    hide();
    clear();
    m_html.clear();
    m_details.clear();
}

QString MessageLabel::shownText() const
{
    if (isHidden())
        return {};
    QString text = QTextDocumentFragment::fromHtml(m_html).toPlainText();
    if (m_detailsShown && !m_details.isEmpty())
        text += u'\n' + m_details;
    return text;
}

} // namespace cape
