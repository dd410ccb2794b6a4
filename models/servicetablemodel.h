#pragma once

#include "recordtablemodel.h"
#include "servicerecord.h"

namespace cape {

// The swarm's services. Running/desired replicas come from the tasks the
// store knows (kept live by events), or the engine's ServiceStatus before.
class ServiceTableModel : public RecordTableModel<ServiceRecord>
{
    Q_OBJECT

public:
    enum Column { Name, Stack, Mode, Image, Replicas, Ports, UpdateState, Updated, ColumnCount };
    enum ServiceRole { StackNameRole = FilterRole + 1 };

    struct ReplicaCount
    {
        int running = 0;
        int desired = 0;
        bool operator==(const ReplicaCount &) const = default;
    };

    explicit ServiceTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    ReplicaCount replicas(const QString &id) const;
    void setReplicas(const QString &id, ReplicaCount count);
    QString nameOf(const QString &id) const;
    // converged | degraded | down | updating | paused | rollback
    QString healthOf(const ServiceRecord &service) const;

private:
    QHash<QString, ReplicaCount> m_replicas;
};

} // namespace cape
