#include "deployview.h"

#include "historypanel.h"
#include "templatepanel.h"

namespace cape {

DeployView::DeployView(ClusterStore *cluster, QWidget *parent)
    : QTabWidget(parent)
    , m_templates(new TemplatePanel(cluster, this))
    , m_history(new HistoryPanel(this))
{
    setDocumentMode(true);
    addTab(m_history, tr("Deployments"));
    addTab(m_templates, tr("Template editor"));
}

} // namespace cape
