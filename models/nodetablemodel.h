#pragma once

#include "noderecord.h"
#include "recordtablemodel.h"
#include "tasktally.h"

#include <QJsonArray>

namespace cape {

// The swarm's nodes, one row each, updated in place by node ID. The Tasks
// column is the store's tally of the tasks on each node, kept live with them.
class NodeTableModel : public RecordTableModel<NodeRecord>
{
    Q_OBJECT

public:
    enum Column {
        Hostname,
        Role,
        ManagerStatus,
        Availability,
        Status,
        Tasks,
        EngineVersion,
        Cpus,
        Memory,
        Address,
        Labels,
        ColumnCount
    };

    explicit NodeTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Applies a full GET /nodes answer.
    void setNodes(const QJsonArray &nodes);
    QString hostnameOf(const QString &id) const;
    // The tasks on a node, as the store last counted them.
    TaskTally::NodeLoad load(const QString &id) const { return m_load.value(id); }
    // Replaces every node's figures; rows whose figures changed say so.
    void setLoads(const QHash<QString, TaskTally::NodeLoad> &loads);
    // "3", "2 of 3 running", "3, state unknown" for a node that is down.
    QString loadText(const NodeRecord &node) const;

    static QString formatBytes(qint64 bytes);

private:
    QHash<QString, TaskTally::NodeLoad> m_load;
};

} // namespace cape
