#pragma once

#include "noderecord.h"
#include "recordtablemodel.h"

#include <QJsonArray>

namespace cape {

// The swarm's nodes, one row each, updated in place by node ID.
class NodeTableModel : public RecordTableModel<NodeRecord>
{
    Q_OBJECT

public:
    enum Column { Hostname, Role, ManagerStatus, Availability, Status, EngineVersion, Cpus, Memory, Address, Labels, ColumnCount };

    explicit NodeTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Applies a full GET /nodes answer.
    void setNodes(const QJsonArray &nodes);
    QString hostnameOf(const QString &id) const;

    static QString formatBytes(qint64 bytes);
};

} // namespace cape
