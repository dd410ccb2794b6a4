#pragma once

#include <QLabel>
#include <QTimer>

namespace cape {

// The line where a view or dialog says how an action went: hidden until
// there is something to say, red for errors, blue for the rest (styled by
// capestyle's QLabel#message rules).
//
// A notice lasts as long as it is true: news of a finished action fades
// after a while (expireMs), an error stays until it is dismissed (its ✕) or
// replaced, and keeps the engine's own words one click away (Details).
class MessageLabel : public QLabel
{
    Q_OBJECT

public:
    enum class Severity { Info, Error };
    static constexpr int NewsMs = 10000; // how long "done" news stays up

    explicit MessageLabel(QWidget *parent = nullptr);

    // Plain text: escaped, line breaks kept. details: shown on request.
    void showError(const QString &text, const QString &details = {});
    void showInfo(const QString &text, int expireMs = 0);
    void showHtml(Severity severity, const QString &html);
    void dismiss();
    // A notice of a state (it goes when its cause does) has no ✕.
    void setDismissible(bool dismissible) { m_dismissible = dismissible; }
    // What is shown now, as plain text (without its links); empty while hidden.
    QString shownText() const;
    Severity severity() const { return m_severity; }

private:
    void render();

    Severity m_severity = Severity::Info;
    QString m_html;    // the message itself
    QString m_details; // plain text, behind "Details"
    bool m_detailsShown = false;
    bool m_dismissible = true;
    QTimer m_expiry;
};

} // namespace cape
