#pragma once

#include <QWidget>

class QTableWidget;

namespace cape {

// A small table the user fills in row by row (environment, ports, mounts),
// with Add and Remove buttons; a column may offer a fixed set of choices.
class EditableTable : public QWidget
{
    Q_OBJECT

public:
    EditableTable(const QStringList &headers, QWidget *parent = nullptr);

    void setChoices(int column, const QStringList &choices, bool editable = false);
    // Values a new row starts with (e.g. "tcp", "ingress").
    void setDefaults(const QStringList &defaults);
    void setRows(const QList<QStringList> &rows);
    // Rows with at least one non-empty cell.
    QList<QStringList> rows() const;
    void addRow(const QStringList &values = {});
    QTableWidget *table() const { return m_table; }

private:
    QTableWidget *m_table;
    QStringList m_defaults;
};

} // namespace cape
