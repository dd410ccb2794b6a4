#include "stackbootstrap.h"

#include "models/clusterstore.h"
#include "models/stacktablemodel.h"
#include "services/swarm/composefile.h"
#include "services/swarm/stackdeployer.h"

#include <QProcessEnvironment>

namespace cape {

StackBootstrap::StackBootstrap(ClusterStore *store, QString stack, QString file, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_stack(std::move(stack))
    , m_file(std::move(file))
    , m_deployer(new StackDeployer(this))
{
    QAbstractItemModel *stacks = store->stacks();
    connect(stacks, &QAbstractItemModel::dataChanged, this, &StackBootstrap::check);
    connect(stacks, &QAbstractItemModel::rowsInserted, this, &StackBootstrap::check);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(180000);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        m_deployed = false;
        emit failed(tr("stack %1 did not converge within 3 minutes").arg(m_stack));
    });
    connect(m_deployer, &StackDeployer::finished, this, [this](bool ok, const QString &error) {
        if (!ok) {
            emit failed(error);
            return;
        }
        m_deployed = true;
        check(); // it may already run: a redeploy of an unchanged stack
    });
}

void StackBootstrap::start()
{
    const ComposeFile compose = ComposeFile::load(m_file, m_stack, QProcessEnvironment::systemEnvironment());
    if (!compose.isValid()) {
        emit failed(QStringLiteral("%1:\n%2").arg(m_file, compose.errorString()));
        return;
    }
    m_deadline.start();
    m_deployer->deploy(m_store->client(), compose.plan());
}

void StackBootstrap::check()
{
    if (!m_deployed)
        return;
    const StackRecord *stack = m_store->stacks()->find(m_stack);
    if (stack && stack->desired > 0 && stack->running >= stack->desired) {
        m_deployed = false;
        m_deadline.stop();
        emit ready();
    }
}

} // namespace cape
