#pragma once

#include "recordtablemodel.h"
#include "stackrecord.h"

namespace cape {

// Stacks, derived from the services' namespace labels.
class StackTableModel : public RecordTableModel<StackRecord>
{
    Q_OBJECT

public:
    enum Column { Name, Services, Replicas, Networks, ColumnCount };

    explicit StackTableModel(QObject *parent = nullptr);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace cape
