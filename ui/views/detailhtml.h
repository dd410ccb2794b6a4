#pragma once

#include <QString>
#include <QStringList>

namespace cape {

// The summary pane's HTML: a heading, then sections of key/value rows.
// Every value is escaped: names and labels come from the cluster.
class DetailHtml
{
public:
    explicit DetailHtml(const QString &title, const QString &state = {});

    DetailHtml &section(const QString &title);
    DetailHtml &row(const QString &key, const QString &value);
    // A value already made of HTML (badges, lists).
    DetailHtml &rawRow(const QString &key, const QString &html);
    DetailHtml &list(const QString &key, const QStringList &values);
    DetailHtml &note(const QString &text);

    QString toHtml() const;

    static QString badge(const QString &state);

private:
    void openPendingSection();

    QString m_html;
    QString m_pendingSection; // shown with its first row: no empty headings
    bool m_inTable = false;
};

} // namespace cape
