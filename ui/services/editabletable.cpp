#include "editabletable.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cape {

namespace {

// A combo box over a cell: the protocol of a port, the type of a mount.
class ChoiceDelegate : public QStyledItemDelegate
{
public:
    ChoiceDelegate(QStringList choices, bool editable, QObject *parent)
        : QStyledItemDelegate(parent)
        , m_choices(std::move(choices))
        , m_editable(editable)
    {
    }

    QWidget *createEditor(QWidget *parent, const QStyleOptionViewItem &, const QModelIndex &) const override
    {
        auto *combo = new QComboBox(parent);
        combo->addItems(m_choices);
        combo->setEditable(m_editable);
        return combo;
    }
    void setEditorData(QWidget *editor, const QModelIndex &index) const override
    {
        static_cast<QComboBox *>(editor)->setCurrentText(index.data().toString());
    }
    void setModelData(QWidget *editor, QAbstractItemModel *model, const QModelIndex &index) const override
    {
        model->setData(index, static_cast<QComboBox *>(editor)->currentText());
    }

private:
    QStringList m_choices;
    bool m_editable;
};

} // namespace

EditableTable::EditableTable(const QStringList &headers, QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, int(headers.size()), this))
{
    m_table->setHorizontalHeaderLabels(headers);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(26);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::AllEditTriggers);
    auto *add = new QPushButton(tr("Add"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    connect(add, &QPushButton::clicked, this, [this] {
        addRow();
        m_table->editItem(m_table->item(m_table->rowCount() - 1, 0));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        const int row = m_table->currentRow();
        if (row >= 0)
            m_table->removeRow(row);
    });
    auto *buttons = new QVBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addStretch(1);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
}

void EditableTable::setChoices(int column, const QStringList &choices, bool editable)
{
    m_table->setItemDelegateForColumn(column, new ChoiceDelegate(choices, editable, m_table));
}

void EditableTable::setDefaults(const QStringList &defaults)
{
    m_defaults = defaults;
}

void EditableTable::addRow(const QStringList &values)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    for (int column = 0; column < m_table->columnCount(); ++column)
        m_table->setItem(row, column, new QTableWidgetItem(values.value(column, m_defaults.value(column))));
}

void EditableTable::setRows(const QList<QStringList> &rows)
{
    m_table->setRowCount(0);
    for (const QStringList &row : rows)
        addRow(row);
}

QList<QStringList> EditableTable::rows() const
{
    QList<QStringList> out;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        QStringList values;
        bool empty = true;
        for (int column = 0; column < m_table->columnCount(); ++column) {
            const QTableWidgetItem *item = m_table->item(row, column);
            const QString text = item ? item->text().trimmed() : QString();
            // A row only holding defaults was added and left alone.
            if (!text.isEmpty() && text != m_defaults.value(column))
                empty = false;
            values << text;
        }
        if (!empty)
            out << values;
    }
    return out;
}

} // namespace cape
