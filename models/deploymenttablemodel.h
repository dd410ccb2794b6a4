#pragma once

#include "services/deploy/deployment.h"

#include <QAbstractTableModel>

namespace cape {

// cape-deployd's history as a table, newest first: status (StateRole for
// the colours), repository, commit, trigger, when it started, how long it
// took. setDeployments() merges a fresh list row by row: changed rows are
// updated, new ones inserted, vanished ones removed; the view keeps its
// selection.
class DeploymentTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Status, Repository, Commit, Trigger, Started, Duration, ColumnCount };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setDeployments(const QList<Deployment> &deployments);
    const Deployment *deployment(const QString &id) const;
    int rowOf(const QString &id) const;
    // The colour word for a status (StateRole).
    static QString stateOf(Deployment::Status status);
    // The status as shown: Deployment::statusName in the user's language.
    static QString statusText(Deployment::Status status);

private:
    QList<Deployment> m_rows;
};

} // namespace cape
