#include "tablefilterproxymodel.h"

#include "modelroles.h"

namespace cape {

TableFilterProxyModel::TableFilterProxyModel(QObject *parent)
    : QSortFilterProxyModel(parent)
{
    setSortRole(SortRole);
    setDynamicSortFilter(true);
    setSortCaseSensitivity(Qt::CaseInsensitive);
    setSortLocaleAware(false); // locale-aware compares are 10x slower at 10,000 rows
}

void TableFilterProxyModel::setFilterText(const QString &text)
{
    const QStringList words = text.split(u' ', Qt::SkipEmptyParts);
    if (words == m_words)
        return;
    m_words = words;
    invalidateRowsFilter();
}

void TableFilterProxyModel::setRoleConstraint(int role, const QVariant &value)
{
    if (value.isValid())
        m_constraints.insert(role, value);
    else
        m_constraints.remove(role);
    invalidateRowsFilter();
}

bool TableFilterProxyModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    for (auto it = m_constraints.constBegin(); it != m_constraints.constEnd(); ++it) {
        if (index.data(it.key()) != it.value())
            return false;
    }
    if (m_words.isEmpty())
        return true;
    const QString haystack = index.data(FilterRole).toString();
    for (const QString &word : m_words) {
        if (!haystack.contains(word, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

} // namespace cape
