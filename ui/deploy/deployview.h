#pragma once

#include <QTabWidget>

namespace cape {

class ClusterStore;
class HistoryPanel;
class TemplatePanel;

// The Deploy panel: the template editor with its dry run against the live
// cluster, and cape-deployd's history with rollback and "deploy now".
class DeployView : public QTabWidget
{
    Q_OBJECT

public:
    explicit DeployView(ClusterStore *cluster, QWidget *parent = nullptr);

    TemplatePanel *templates() const { return m_templates; }
    HistoryPanel *history() const { return m_history; }

private:
    TemplatePanel *m_templates;
    HistoryPanel *m_history;
};

} // namespace cape
