#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

namespace cape {

// The engine's recent events, newest first, at most `capacity` of them.
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Type, Action, Object, Details, ColumnCount };

    struct Entry
    {
        qint64 timeMs = 0;
        QString type;
        QString action;
        QString object; // the actor's name, or its short ID
        QString details;
    };

    explicit EventLogModel(int capacity = 1000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void append(const QJsonObject &event);
    const Entry &at(int row) const { return m_entries.at(row); }

    static Entry describe(const QJsonObject &event);

private:
    int m_capacity;
    QList<Entry> m_entries; // newest first
};

} // namespace cape
