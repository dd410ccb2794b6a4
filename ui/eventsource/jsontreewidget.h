#pragma once

#include <QJsonValue>
#include <QTreeWidget>

namespace cape {

// A JSON value as a tree a person can fold: one row per member or element,
// its key and, for scalars, its value (strings quoted, as JSON writes them).
class JsonTreeWidget : public QTreeWidget
{
    Q_OBJECT

public:
    explicit JsonTreeWidget(QWidget *parent = nullptr);

    void setJson(const QJsonValue &value);
    QJsonValue json() const { return m_value; }

private:
    void addChildren(QTreeWidgetItem *parent, const QJsonValue &value);

    QJsonValue m_value;
};

} // namespace cape
