#pragma once

#include <QDialog>

class QLabel;
class QLineEdit;
class QListWidget;
class QPlainTextEdit;
class QPushButton;

namespace cape {

class ClusterStore;
class MessageLabel;
class StackDeployer;

// Deploys a compose file under a stack name, as `docker stack deploy`
// does: the file is checked first (each error names its line, and the
// cursor goes there), then every step is listed as it happens.
class DeployStackDialog : public QDialog
{
    Q_OBJECT

public:
    DeployStackDialog(ClusterStore *store, QWidget *parent = nullptr);

    void setStackName(const QString &name);
    void setComposeText(const QString &text, const QString &baseDirectory = {});
    bool openFile(const QString &path);
    void deploy();
    QString problemText() const;

signals:
    void deployed(const QString &message);

private:
    void showProblem(const QString &html);

    ClusterStore *m_store;
    StackDeployer *m_deployer;
    QLineEdit *m_name;
    QPlainTextEdit *m_compose;
    MessageLabel *m_problems;
    QListWidget *m_progress;
    QPushButton *m_deploy;
    QString m_baseDirectory;
};

} // namespace cape
