#pragma once

#include <QPlainTextEdit>

namespace cape {

// A plain-text editor for code: line numbers in a gutter, the current line
// shaded, and an error marked at its line (red line, a tooltip with the
// message, the gutter's number in red) until the text changes.
class CodeEditor : public QPlainTextEdit
{
    Q_OBJECT

public:
    explicit CodeEditor(QWidget *parent = nullptr);

    // 1-based; 0 clears it.
    void setError(int line, const QString &message);
    int errorLine() const { return m_errorLine; }
    QString errorMessage() const { return m_errorMessage; }
    int gutterWidth() const;

protected:
    void resizeEvent(QResizeEvent *event) override;
    bool event(QEvent *event) override;

private:
    friend class CodeEditorGutter;
    void paintGutter(QPaintEvent *event);
    void updateSelections();

    QWidget *m_gutter;
    int m_errorLine = 0;
    QString m_errorMessage;
};

} // namespace cape
