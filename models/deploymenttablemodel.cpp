#include "deploymenttablemodel.h"

#include "modelroles.h"

#include <QHash>

namespace cape {

int DeploymentTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int DeploymentTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString DeploymentTableModel::stateOf(Deployment::Status status)
{
    switch (status) {
    case Deployment::Status::Succeeded:
        return QStringLiteral("completed");
    case Deployment::Status::Running:
        return QStringLiteral("updating");
    case Deployment::Status::Queued:
        return QStringLiteral("pending");
    case Deployment::Status::RolledBack:
        return QStringLiteral("rollback_started");
    case Deployment::Status::Failed:
        return QStringLiteral("failed");
    case Deployment::Status::Unchanged:
    case Deployment::Status::Superseded:
        return QStringLiteral("idle");
    }
    return {};
}

QString DeploymentTableModel::statusText(Deployment::Status status)
{
    switch (status) {
    case Deployment::Status::Queued:
        return tr("queued");
    case Deployment::Status::Running:
        return tr("running");
    case Deployment::Status::Succeeded:
        return tr("succeeded");
    case Deployment::Status::Unchanged:
        return tr("unchanged");
    case Deployment::Status::Failed:
        return tr("failed");
    case Deployment::Status::RolledBack:
        return tr("rolled back");
    case Deployment::Status::Superseded:
        return tr("superseded");
    }
    return {};
}

const Deployment *DeploymentTableModel::deployment(const QString &id) const
{
    const int row = rowOf(id);
    return row < 0 ? nullptr : &m_rows.at(row);
}

int DeploymentTableModel::rowOf(const QString &id) const
{
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows.at(i).id == id)
            return int(i);
    }
    return -1;
}

void DeploymentTableModel::setDeployments(const QList<Deployment> &deployments)
{
    QHash<QString, const Deployment *> fresh;
    for (const Deployment &deployment : deployments)
        fresh.insert(deployment.id, &deployment);
    for (qsizetype i = m_rows.size() - 1; i >= 0; --i) {
        if (!fresh.contains(m_rows.at(i).id)) {
            beginRemoveRows({}, int(i), int(i));
            m_rows.removeAt(i);
            endRemoveRows();
        }
    }
    // The list comes newest first; new ones go above the rows they are newer than.
    for (qsizetype i = 0; i < deployments.size(); ++i) {
        const Deployment &deployment = deployments.at(i);
        const int row = rowOf(deployment.id);
        if (row >= 0) {
            if (m_rows.at(row).toJson() != deployment.toJson()) {
                m_rows[row] = deployment;
                emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
            }
            continue;
        }
        const int at = int(std::min(i, m_rows.size()));
        beginInsertRows({}, at, at);
        m_rows.insert(at, deployment);
        endInsertRows();
    }
}

QVariant DeploymentTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const Deployment &deployment = m_rows.at(index.row());
    if (role == IdRole)
        return deployment.id;
    if (role == StateRole)
        return stateOf(deployment.status);
    if (role == FilterRole)
        return QStringList{deployment.repository,
                           deployment.ref,
                           deployment.commit[QLatin1String("sha")].toString(),
                           deployment.commit[QLatin1String("message")].toString(),
                           deployment.trigger,
                           Deployment::statusName(deployment.status),
                           statusText(deployment.status)}
            .join(u' ');
    if (role == SortRole) {
        if (index.column() == Started)
            return deployment.queuedAt;
        if (index.column() == Duration)
            return deployment.durationMs();
    }
    if (role == Qt::ToolTipRole && index.column() == Status && !deployment.error.isEmpty())
        return deployment.error;
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Status:
        return statusText(deployment.status);
    case Repository:
        return deployment.ref.isEmpty()
                   ? deployment.repository
                   : QStringLiteral("%1 (%2)").arg(deployment.repository, deployment.ref);
    case Commit: {
        const QString sha = deployment.commit[QLatin1String("sha")].toString().left(8);
        const QString subject = deployment.commit[QLatin1String("message")].toString().section(u'\n', 0, 0);
        return sha.isEmpty() ? QStringLiteral("—") : QStringLiteral("%1 %2").arg(sha, subject);
    }
    case Trigger:
        return deployment.rollbackOf.isEmpty() ? deployment.trigger
                                               : tr("rollback to %1").arg(deployment.rollbackOf.right(4));
    case Started:
        return (deployment.startedAt.isValid() ? deployment.startedAt : deployment.queuedAt)
            .toLocalTime()
            .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Duration:
        return deployment.startedAt.isValid() ? tr("%1 s").arg(deployment.durationMs() / 1000.0, 0, 'f', 1)
                                              : QStringLiteral("—");
    default:
        return {};
    }
}

QVariant DeploymentTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Status:
        return tr("Status");
    case Repository:
        return tr("Repository");
    case Commit:
        return tr("Commit");
    case Trigger:
        return tr("Trigger");
    case Started:
        return tr("Started");
    case Duration:
        return tr("Duration");
    default:
        return {};
    }
}

} // namespace cape
