#include "stacksview.h"

#include "deploystackdialog.h"

#include "models/clusterstore.h"
#include "models/servicetablemodel.h"
#include "models/stacktablemodel.h"
#include "services/swarm/stackdeployer.h"
#include "ui/views/detailhtml.h"

#include <QAction>
#include <QTableView>

namespace cape {

StacksView::StacksView(ClusterStore *store, QWidget *parent)
    : ResourceView(tr("Stacks"), store->stacks(), parent)
    , m_store(store)
{
    setStateColumns({StackTableModel::Replicas});
    setPlaceholder(tr("No stacks yet. Deploy… takes a compose file, as docker stack deploy does."));
    setDetailProvider([this](const QString &stack) { return detailOf(stack); });
    auto *deploy = new QAction(tr("Deploy…"), this);
    deploy->setShortcut(QKeySequence::New);
    connect(deploy, &QAction::triggered, this, &StacksView::openDeployDialog);
    addViewAction(deploy);
    auto *remove = new QAction(tr("Remove"), this);
    remove->setShortcut(QKeySequence::Delete);
    connect(remove, &QAction::triggered, this, &StacksView::removeSelected);
    addRowAction(remove);
}

ResourceView::Detail StacksView::detailOf(const QString &stack) const
{
    const StackRecord *record = m_store->stacks()->find(stack);
    if (!record)
        return {};
    DetailHtml html(stack,
                    m_store->stacks()->index(m_store->stacks()->rowOf(stack), 0).data(StateRole).toString());
    html.section(tr("Stack"))
        .row(tr("Services"), QString::number(record->services))
        .row(tr("Replicas"), tr("%1 running of %2").arg(record->running).arg(record->desired))
        .row(tr("Networks"), QString::number(record->networks));
    QStringList services;
    for (const ServiceRecord &service : m_store->services()->records()) {
        if (service.stack == stack) {
            const auto count = m_store->services()->replicas(service.id);
            services << QStringLiteral("%1 — %2/%3 — %4")
                            .arg(service.name)
                            .arg(count.running)
                            .arg(count.desired)
                            .arg(service.image);
        }
    }
    services.sort();
    html.section(tr("Services")).list(tr("Name, replicas, image"), services);
    return {html.toHtml(), services.join(u'\n')};
}

void StacksView::openDeployDialog()
{
    auto *dialog = new DeployStackDialog(m_store, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &DeployStackDialog::deployed, this, &ResourceView::showInfo);
    dialog->open();
}

void StacksView::removeSelected()
{
    const QString stack = currentId();
    if (stack.isEmpty() ||
        !confirm(
            tr("Remove the stack %1? Its services, networks, configs and secrets are removed.").arg(stack),
            tr("Remove")))
        return;
    auto *deployer = new StackDeployer(this);
    connect(deployer, &StackDeployer::progress, this, &ResourceView::showInfo);
    connect(deployer, &StackDeployer::finished, this, [this, deployer, stack](bool ok, const QString &error) {
        if (ok)
            showInfo(tr("Stack %1 removed.").arg(stack));
        else
            showError(tr("Removing %1 stopped: %2").arg(stack, error));
        deployer->deleteLater();
    });
    deployer->remove(m_store->client(), stack);
}

} // namespace cape
