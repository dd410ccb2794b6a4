#pragma once

#include "modelroles.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>

#include <algorithm>

namespace cape {

// Rows of Record (a struct with `QString id` and `quint64 version`) kept in
// place by id: an update changes one row, an insert appends, a removal takes
// out just those rows. Views keep their selection and scroll position, and a
// single change costs O(1) plus the view's own work.
//
// An answer older than what a row already holds (a lower Version.Index) is
// ignored: a list fetched before an event can arrive after it.
template <typename Record>
class RecordTableModel : public QAbstractTableModel
{
public:
    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const Record &at(int row) const { return m_rows.at(row); }
    const QList<Record> &records() const { return m_rows; }
    int rowOf(const QString &id) const { return m_rowOf.value(id, -1); }
    const Record *find(const QString &id) const
    {
        const int row = rowOf(id);
        return row < 0 ? nullptr : &m_rows.at(row);
    }

    // Inserts or updates one record; false when it was stale or unchanged.
    bool upsert(const Record &record)
    {
        const int row = rowOf(record.id);
        if (row < 0) {
            const int end = int(m_rows.size());
            beginInsertRows({}, end, end);
            m_rowOf.insert(record.id, end);
            m_rows.append(record);
            endInsertRows();
            return true;
        }
        if (!supersedes(record, m_rows.at(row)))
            return false;
        m_rows[row] = record;
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
        return true;
    }

    bool remove(const QString &id)
    {
        const int row = rowOf(id);
        if (row < 0)
            return false;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        m_rowOf.remove(id);
        for (int r = row; r < m_rows.size(); ++r)
            m_rowOf[m_rows.at(r).id] = r;
        endRemoveRows();
        return true;
    }

    // Makes the rows match a full listing: updates and appends by id, and
    // removes rows the listing lacks, except rows newer than the listing
    // itself (created by an event after the engine answered) and rows the
    // keep predicate protects. Removals go in contiguous blocks, so a
    // resync that drops thousands of rows is not quadratic.
    template <typename Keep>
    void replaceAll(const QList<Record> &listing, Keep keep)
    {
        QSet<QString> present;
        present.reserve(listing.size());
        quint64 newest = 0;
        for (const Record &record : listing) {
            present.insert(record.id);
            newest = std::max(newest, quint64(record.version));
        }
        for (int last = int(m_rows.size()) - 1; last >= 0;) {
            if (!isGone(m_rows.at(last), present, newest, keep)) {
                --last;
                continue;
            }
            int first = last;
            while (first > 0 && isGone(m_rows.at(first - 1), present, newest, keep))
                --first;
            beginRemoveRows({}, first, last);
            for (int r = first; r <= last; ++r)
                m_rowOf.remove(m_rows.at(r).id);
            m_rows.remove(first, last - first + 1);
            endRemoveRows();
            last = first - 1;
        }
        for (int r = 0; r < m_rows.size(); ++r)
            m_rowOf[m_rows.at(r).id] = r;

        QList<Record> added;
        for (const Record &record : listing) {
            const int row = rowOf(record.id);
            if (row < 0) {
                added.append(record);
            } else if (supersedes(record, m_rows.at(row))) {
                m_rows[row] = record;
                emit dataChanged(index(row, 0), index(row, columnCount() - 1));
            }
        }
        if (!added.isEmpty()) {
            const int end = int(m_rows.size());
            beginInsertRows({}, end, end + int(added.size()) - 1);
            for (Record &record : added) {
                m_rowOf.insert(record.id, int(m_rows.size()));
                m_rows.append(std::move(record));
            }
            endInsertRows();
        }
    }

    void replaceAll(const QList<Record> &listing)
    {
        replaceAll(listing, [](const Record &) { return false; });
    }

protected:
    // Every row's cells in the given columns changed (a name another model
    // resolves, a relative time): one signal for the whole block.
    void columnsChanged(int firstColumn, int lastColumn)
    {
        if (!m_rows.isEmpty())
            emit dataChanged(index(0, firstColumn), index(int(m_rows.size()) - 1, lastColumn));
    }

private:
    static bool supersedes(const Record &incoming, const Record &current)
    {
        if constexpr (requires { incoming == current; }) {
            return !(incoming == current);
        } else {
            if (incoming.version != 0 && current.version != 0)
                return incoming.version > current.version;
            // No index (networks carry none): compare what the engine said.
            if constexpr (requires { incoming.raw; })
                return incoming.raw != current.raw;
            return true;
        }
    }

    template <typename Keep>
    static bool isGone(const Record &row, const QSet<QString> &present, quint64 newest, Keep &keep)
    {
        return !present.contains(row.id) && !(row.version > newest && newest != 0) && !keep(row);
    }

    QList<Record> m_rows;
    QHash<QString, int> m_rowOf;
};

} // namespace cape
