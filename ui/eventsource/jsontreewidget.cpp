#include "jsontreewidget.h"

#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace cape {

namespace {

QString scalarText(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return value.toBool() ? QStringLiteral("true") : QStringLiteral("false");
    case QJsonValue::Double:
        return QString::number(value.toDouble(), 'g', 17);
    case QJsonValue::String:
        return u'"' + value.toString() + u'"';
    case QJsonValue::Array:
        return QObject::tr("[%n item(s)]", nullptr, int(value.toArray().size()));
    case QJsonValue::Object:
        return QObject::tr("{%n key(s)}", nullptr, int(value.toObject().size()));
    default:
        return {};
    }
}

} // namespace

JsonTreeWidget::JsonTreeWidget(QWidget *parent)
    : QTreeWidget(parent)
{
    setColumnCount(2);
    setHeaderLabels({tr("Key"), tr("Value")});
    setUniformRowHeights(true);
    setAlternatingRowColors(true);
    header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    header()->setStretchLastSection(true);
}

void JsonTreeWidget::setJson(const QJsonValue &value)
{
    m_value = value;
    clear();
    if (value.isObject() || value.isArray()) {
        addChildren(invisibleRootItem(), value);
    } else if (!value.isUndefined()) {
        auto *item = new QTreeWidgetItem(this);
        item->setText(1, scalarText(value));
    }
    expandToDepth(1);
}

void JsonTreeWidget::addChildren(QTreeWidgetItem *parent, const QJsonValue &value)
{
    const auto add = [this, parent](const QString &key, const QJsonValue &child) {
        auto *item = new QTreeWidgetItem(parent);
        item->setText(0, key);
        item->setText(1, scalarText(child));
        item->setToolTip(1, child.isString() ? child.toString() : item->text(1));
        if (child.isObject() || child.isArray())
            addChildren(item, child);
    };
    if (value.isObject()) {
        const QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            add(it.key(), it.value());
    } else {
        const QJsonArray array = value.toArray();
        for (qsizetype i = 0; i < array.size(); ++i)
            add(QString::number(i), array.at(i));
    }
}

} // namespace cape
