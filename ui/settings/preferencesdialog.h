#pragma once

#include <QDialog>

class QComboBox;

namespace cape {

// Preferences kept in QSettings. The language: the system's (default),
// English or Japanese; it applies from the next start, as Qt's widgets take
// their texts when they are made.
class PreferencesDialog : public QDialog
{
    Q_OBJECT

public:
    static constexpr auto LanguageKey = "ui/language";

    explicit PreferencesDialog(QWidget *parent = nullptr);

    // "" (the system's), "en" or "ja".
    static QString language();
    // The locale Cape speaks: the chosen language, else the system's.
    static QLocale locale();

    void accept() override;

private:
    QComboBox *m_language;
};

} // namespace cape
