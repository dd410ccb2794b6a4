#pragma once

#include <QLabel>

namespace cape {

// The line where a view or dialog says how an action went: hidden until
// there is something to say, red for errors, blue for the rest (styled by
// capestyle's QLabel#message rules).
class MessageLabel : public QLabel
{
    Q_OBJECT

public:
    enum class Severity { Info, Error };

    explicit MessageLabel(QWidget *parent = nullptr);

    // Plain text: escaped, line breaks kept.
    void showError(const QString &text);
    void showInfo(const QString &text);
    void showHtml(Severity severity, const QString &html);
    // What is shown now, as plain text; empty while hidden.
    QString shownText() const;
};

} // namespace cape
