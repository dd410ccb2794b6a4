#include "detailhtml.h"

#include "ui/style/statecolors.h"

namespace cape {

DetailHtml::DetailHtml(const QString &title, const QString &state)
{
    m_html = QStringLiteral("<h3 style='margin-bottom:2px'>%1 %2</h3>").arg(title.toHtmlEscaped(), state.isEmpty() ? QString() : badge(state));
}

QString DetailHtml::badge(const QString &state)
{
    const QColor color = StateColors::of(state);
    return QStringLiteral("<span style='color:%1;font-weight:600'>&#9679; %2</span>").arg(color.name(), state.toHtmlEscaped());
}

DetailHtml &DetailHtml::section(const QString &title)
{
    m_pendingSection = title;
    return *this;
}

void DetailHtml::openPendingSection()
{
    if (m_pendingSection.isEmpty())
        return;
    if (m_inTable)
        m_html += QStringLiteral("</table>");
    m_html += QStringLiteral("<h4 style='margin-top:12px;margin-bottom:4px;color:#57606a'>%1</h4>"
                             "<table cellspacing='0' cellpadding='3' width='100%'>")
                  .arg(m_pendingSection.toHtmlEscaped());
    m_inTable = true;
    m_pendingSection.clear();
}

DetailHtml &DetailHtml::rawRow(const QString &key, const QString &html)
{
    if (html.isEmpty())
        return *this;
    openPendingSection();
    if (!m_inTable) {
        m_html += QStringLiteral("<table cellspacing='0' cellpadding='3' width='100%'>");
        m_inTable = true;
    }
    m_html += QStringLiteral("<tr><td width='34%' style='color:#57606a' valign='top'>%1</td><td valign='top'>%2</td></tr>")
                  .arg(key.toHtmlEscaped(), html);
    return *this;
}

DetailHtml &DetailHtml::row(const QString &key, const QString &value)
{
    if (value.isEmpty())
        return *this;
    return rawRow(key, value.toHtmlEscaped());
}

DetailHtml &DetailHtml::list(const QString &key, const QStringList &values)
{
    if (values.isEmpty())
        return *this;
    QStringList escaped;
    for (const QString &value : values)
        escaped << value.toHtmlEscaped();
    return rawRow(key, escaped.join(QStringLiteral("<br>")));
}

DetailHtml &DetailHtml::note(const QString &text)
{
    openPendingSection();
    if (m_inTable) {
        m_html += QStringLiteral("</table>");
        m_inTable = false;
    }
    m_html += QStringLiteral("<p style='color:#57606a'>%1</p>").arg(text.toHtmlEscaped());
    return *this;
}

QString DetailHtml::toHtml() const
{
    return m_inTable ? m_html + QStringLiteral("</table>") : m_html;
}

} // namespace cape
