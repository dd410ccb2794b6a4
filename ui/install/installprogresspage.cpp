#include "installprogresspage.h"

#include "ui/style/messagelabel.h"

#include <QListWidget>
#include <QProgressBar>
#include <QVBoxLayout>

namespace cape {

InstallProgressPage::InstallProgressPage(QWidget *parent)
    : QWizardPage(parent)
    , m_steps(new QListWidget(this))
    , m_busy(new QProgressBar(this))
    , m_outcome(new MessageLabel(this))
{
    setTitle(tr("Installing"));
    setSubTitle(tr("The daemons are deployed as the stack \"cape\"; the wizard waits until each passes its "
                   "health check."));
    m_steps->setObjectName(QStringLiteral("installSteps"));
    m_outcome->setObjectName(QStringLiteral("installOutcome"));
    m_busy->setRange(0, 0);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_steps, 1);
    layout->addWidget(m_busy);
    layout->addWidget(m_outcome);
}

void InstallProgressPage::started()
{
    m_ended = false;
    m_steps->clear();
    m_busy->show();
    m_outcome->hide();
    emit completeChanged();
}

void InstallProgressPage::addStep(const QString &line)
{
    m_steps->addItem(line);
    m_steps->scrollToBottom();
}

void InstallProgressPage::ended(bool ok, const QString &message)
{
    m_ended = true;
    m_ok = ok;
    m_busy->hide();
    if (ok)
        m_outcome->showInfo(message);
    else
        m_outcome->showError(message);
    emit completeChanged();
}

} // namespace cape
