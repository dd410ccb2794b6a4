#pragma once

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>

namespace cape {

// The swarm's nodes, one row each, updated in place by node id so that
// views keep their selection and scroll position across refreshes.
class NodeTableModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Hostname, Role, ManagerStatus, Availability, Status, EngineVersion, Address, ColumnCount };
    enum Role { IdRole = Qt::UserRole + 1, StateRole };

    explicit NodeTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Applies a full GET /nodes answer: rows are updated, inserted or
    // removed by ID; unchanged rows emit nothing.
    void setNodes(const QJsonArray &nodes);

private:
    static QString cell(const QJsonObject &node, int column);

    QList<QJsonObject> m_nodes;
};

} // namespace cape
