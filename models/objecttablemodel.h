#pragma once

#include "objectrecord.h"
#include "recordtablemodel.h"

#include <functional>

namespace cape {

// Networks, configs or secrets: the same kind of small table, told apart
// by their columns.
class ObjectTableModel : public RecordTableModel<ObjectRecord>
{
    Q_OBJECT

public:
    struct Column
    {
        QString title;
        std::function<QString(const QJsonObject &)> text;
        std::function<QVariant(const QJsonObject &)> sortKey; // optional
    };

    ObjectTableModel(QList<Column> columns, QObject *parent = nullptr);

    static ObjectTableModel *networks(QObject *parent);
    static ObjectTableModel *configs(QObject *parent);
    static ObjectTableModel *secrets(QObject *parent);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void setObjects(const QJsonArray &objects);

private:
    QList<Column> m_columns;
};

} // namespace cape
