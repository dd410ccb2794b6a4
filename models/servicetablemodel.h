#pragma once

#include "recordtablemodel.h"
#include "servicerecord.h"
#include "tasktally.h"

namespace cape {

// The swarm's services. Running/desired replicas come from the tasks the
// store knows (kept live by events), or the engine's ServiceStatus before.
class ServiceTableModel : public RecordTableModel<ServiceRecord>
{
    Q_OBJECT

public:
    enum Column { Name, Stack, Mode, Image, Replicas, Ports, UpdateState, Updated, ColumnCount };
    enum ServiceRole { StackNameRole = FilterRole + 1 };

    using ReplicaCount = TaskTally::Replicas;

    explicit ServiceTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    ReplicaCount replicas(const QString &id) const;
    void setReplicas(const QString &id, ReplicaCount count);
    QString nameOf(const QString &id) const;
    // converged | degraded | down | updating | paused | rollback
    QString healthOf(const ServiceRecord &service) const;
    // "rolling back" for rollback_started: the engine's states in words.
    static QString updateStateText(const QString &state);
    // "14:03" today, "07/12/2026 14:03" before (the locale's short forms).
    static QString shortTime(qint64 ms);

private:
    QHash<QString, ReplicaCount> m_replicas;
};

} // namespace cape
