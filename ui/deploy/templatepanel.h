#pragma once

#include "services/deploy/dryrun.h"

#include <QWidget>

#include <memory>

class QLineEdit;
class QPlainTextEdit;
class QTreeWidget;

namespace cape {

class ClusterStore;
class CodeEditor;
class MessageLabel;
class TemplateEvaluator;

// The deploy template editor: a template of a repository's working copy,
// with JavaScript colours, line numbers and the engine's errors at their
// lines; a dry run that runs it (with the other templates beside it)
// against the live cluster and shows, per service and per field, what a
// deployment would change — before anything is pushed. Templates and file
// reading run off the GUI thread, stopped after 5 s.
class TemplatePanel : public QWidget
{
    Q_OBJECT

public:
    explicit TemplatePanel(ClusterStore *cluster, QWidget *parent = nullptr);
    ~TemplatePanel() override;

    CodeEditor *editor() const { return m_editor; }
    QTreeWidget *planTree() const { return m_plan; }
    QPlainTextEdit *logView() const { return m_log; }
    MessageLabel *messageLabel() const { return m_message; }

    bool openFile(const QString &path);
    bool saveFile();
    // The repository's name as cape-deployd knows it (services' owner label), and ctx.env.
    void setRepository(const QString &name);
    void setEnvironment(const QJsonObject &env);
    void dryRun();
    // The working copy's root: its git top level, else the template's folder's parent.
    static QString repositoryRoot(const QString &templatePath);
    // A plan's action word (DeploymentPlan::actionName) in the user's language.
    static QString actionText(const QString &action);

signals:
    void dryRunFinished(bool ok);

private:
    void showDryRun(const DryRun &run, const QString &templatePath);
    QJsonObject environment(QString *error) const;

    ClusterStore *m_cluster;
    CodeEditor *m_editor;
    QLineEdit *m_repository;
    QLineEdit *m_env;
    QTreeWidget *m_plan;
    QPlainTextEdit *m_log;
    MessageLabel *m_message;
    QString m_path;
    std::shared_ptr<TemplateEvaluator> m_running; // the evaluator of the dry run in flight
};

} // namespace cape
