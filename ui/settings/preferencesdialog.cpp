#include "preferencesdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QSettings>
#include <QVBoxLayout>

namespace cape {

PreferencesDialog::PreferencesDialog(QWidget *parent)
    : QDialog(parent)
    , m_language(new QComboBox(this))
{
    setObjectName(QStringLiteral("preferencesDialog"));
    setWindowTitle(tr("Preferences"));
    m_language->setObjectName(QStringLiteral("language"));
    // Each language in its own words: someone who cannot read the current one still finds theirs.
    m_language->addItem(tr("The system's (%1)").arg(QLocale::system().nativeLanguageName()), QString());
    m_language->addItem(QStringLiteral("English"), QStringLiteral("en"));
    m_language->addItem(QStringLiteral("日本語"), QStringLiteral("ja"));
    m_language->setCurrentIndex(std::max(0, m_language->findData(language())));

    auto *note = new QLabel(tr("A new language applies when Cape starts again."), this);
    note->setWordWrap(true);
    auto *form = new QFormLayout;
    form->addRow(tr("Language"), m_language);
    form->addRow(QString(), note);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addStretch(1);
    layout->addWidget(buttons);
    resize(460, 160);
}

QString PreferencesDialog::language()
{
    return QSettings().value(QLatin1String(LanguageKey)).toString();
}

QLocale PreferencesDialog::locale()
{
    const QString chosen = language();
    return chosen.isEmpty() ? QLocale::system() : QLocale(chosen);
}

void PreferencesDialog::accept()
{
    QSettings().setValue(QLatin1String(LanguageKey), m_language->currentData().toString());
    QDialog::accept();
}

} // namespace cape
