#pragma once

#include <QAbstractTableModel>
#include <QJsonObject>
#include <QList>

#include <functional>

namespace cape {

// The cluster's events as Cape has seen them this session, newest first, at
// most `capacity` of them: the manager's stream (services, nodes, networks,
// its own containers) and the container events of every other engine Cape
// follows. The engine itself keeps only its last 256 events, which a few
// health checks fill with exec_* noise, so its history is asked for once,
// at the start, and said to be what it is (historyFrom, liveSince).
class EventLogModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column { Time, Type, Action, Object, Node, Details, ColumnCount };

    struct Entry
    {
        qint64 timeMs = 0;
        QString type;
        QString action;
        QString object; // a task's "web.2", the actor's name, or its short ID
        QString actorId;
        QString node; // where a container event happened
        QString details;
    };

    explicit EventLogModel(int capacity = 20000, QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // node: the hostname where it happened (container events), if known.
    void append(const QJsonObject &event, const QString &node = {});
    const Entry &at(int row) const { return m_entries.at(row); }
    void clear();

    // Live events are kept from this time on (ms; 0 while not connected).
    qint64 liveSince() const { return m_liveSinceMs; }
    void setLiveSince(qint64 ms);
    // The oldest event held (ms; 0 when none).
    qint64 historyFrom() const { return m_entries.isEmpty() ? 0 : m_entries.constLast().timeMs; }
    // "Events since 20:31:02 (live), and the engine's own record from 20:12:40".
    QString coverageText() const;

    static Entry describe(const QJsonObject &event, const QString &node = {});

    // Names a node by its ID: node events often carry none (a node that has
    // just joined), and are named as soon as the nodes are known.
    void setNodeNames(std::function<QString(const QString &id)> nameOf);
    void nodeNamesChanged();

signals:
    void coverageChanged();

private:
    int m_capacity;
    QList<Entry> m_entries; // newest first
    qint64 m_liveSinceMs = 0;
    std::function<QString(const QString &id)> m_nodeName;
};

} // namespace cape
