#pragma once

#include <QHash>
#include <QSortFilterProxyModel>

namespace cape {

// Sorts by SortRole and filters by FilterRole text (case-insensitive, every
// word must match), plus exact role constraints: the tasks of one service,
// of one node, or without their shutdown history.
class TableFilterProxyModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit TableFilterProxyModel(QObject *parent = nullptr);

    void setFilterText(const QString &text);
    QString filterText() const { return m_words.join(u' '); }
    // Rows pass only when data(role) == value; an invalid value lifts it.
    void setRoleConstraint(int role, const QVariant &value);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QStringList m_words;
    QHash<int, QVariant> m_constraints;
};

} // namespace cape
