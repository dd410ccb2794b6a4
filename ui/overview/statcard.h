#pragma once

#include <QFrame>

class QLabel;

namespace cape {

// A number with a caption and a coloured accent: "3/3 nodes ready".
class StatCard : public QFrame
{
    Q_OBJECT

public:
    StatCard(const QString &caption, QWidget *parent = nullptr);

    void setValue(const QString &value, const QString &detail, const QString &state);
    QString value() const;
    QString detail() const;
    // The severity of the value's colour: good, warn, bad or idle (StateColors).
    QString severity() const { return m_severity; }

private:
    QLabel *m_value;
    QLabel *m_caption;
    QLabel *m_detail;
    QString m_severity;
};

} // namespace cape
