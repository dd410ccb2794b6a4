#pragma once

#include <QWizardPage>

class QListWidget;
class QProgressBar;

namespace cape {

class MessageLabel;

// The wizard's last page: the installation's steps as they happen, and its
// outcome. Complete (Finish enabled) once the installation has ended.
class InstallProgressPage : public QWizardPage
{
    Q_OBJECT

public:
    explicit InstallProgressPage(QWidget *parent = nullptr);

    void started();
    void addStep(const QString &line);
    void ended(bool ok, const QString &message);

    bool isComplete() const override { return m_ended; }
    bool succeeded() const { return m_ok; }

private:
    QListWidget *m_steps;
    QProgressBar *m_busy;
    MessageLabel *m_outcome;
    bool m_ended = false;
    bool m_ok = false;
};

} // namespace cape
