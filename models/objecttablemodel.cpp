#include "objecttablemodel.h"

#include "jsonpath.h"

#include <QDateTime>
#include <QJsonArray>

namespace cape {

namespace {

QString labelsOf(const QJsonObject &labels)
{
    QStringList pairs;
    for (auto it = labels.begin(); it != labels.end(); ++it)
        pairs << it.key() + u'=' + it.value().toString();
    return pairs.join(QLatin1String(", "));
}

QString timeOf(const QJsonValue &value)
{
    const qint64 ms = json::timeMs(value);
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) : QString();
}

ObjectTableModel::Column created(const char *key)
{
    return {ObjectTableModel::tr("Created"), [key](const QJsonObject &o) { return timeOf(o.value(QLatin1StringView(key))); },
            [key](const QJsonObject &o) { return json::timeMs(o.value(QLatin1StringView(key))); }};
}

} // namespace

ObjectTableModel::ObjectTableModel(QList<Column> columns, QObject *parent)
    : RecordTableModel(parent)
    , m_columns(std::move(columns))
{
}

ObjectTableModel *ObjectTableModel::networks(QObject *parent)
{
    return new ObjectTableModel(
        {
            {tr("Name"), [](const QJsonObject &o) { return json::string(o, {"Name"}); }, {}},
            {tr("Driver"), [](const QJsonObject &o) { return json::string(o, {"Driver"}); }, {}},
            {tr("Scope"), [](const QJsonObject &o) { return json::string(o, {"Scope"}); }, {}},
            {tr("Attachable"), [](const QJsonObject &o) { return o.value(QLatin1String("Attachable")).toBool() ? tr("yes") : QString(); }, {}},
            {tr("Internal"), [](const QJsonObject &o) { return o.value(QLatin1String("Internal")).toBool() ? tr("yes") : QString(); }, {}},
            {tr("Subnet"),
             [](const QJsonObject &o) {
                 QStringList subnets;
                 for (const QJsonValue &c : json::at(o, {"IPAM", "Config"}).toArray())
                     subnets << c.toObject().value(QLatin1String("Subnet")).toString();
                 return subnets.join(QLatin1String(", "));
             },
             {}},
            {tr("Stack"), [](const QJsonObject &o) { return json::string(o, {"Labels", "com.docker.stack.namespace"}); }, {}},
            created("Created"),
        },
        parent);
}

ObjectTableModel *ObjectTableModel::configs(QObject *parent)
{
    return new ObjectTableModel(
        {
            {tr("Name"), [](const QJsonObject &o) { return json::string(o, {"Spec", "Name"}); }, {}},
            {tr("Size"),
             [](const QJsonObject &o) {
                 // Data is base64; its decoded size is what a user thinks of.
                 return QString::number(QByteArray::fromBase64(json::string(o, {"Spec", "Data"}).toLatin1()).size()) + tr(" B");
             },
             {}},
            {tr("Labels"), [](const QJsonObject &o) { return labelsOf(json::object(o, {"Spec", "Labels"})); }, {}},
            created("CreatedAt"),
            {tr("Updated"), [](const QJsonObject &o) { return timeOf(o.value(QLatin1String("UpdatedAt"))); }, {}},
        },
        parent);
}

ObjectTableModel *ObjectTableModel::secrets(QObject *parent)
{
    return new ObjectTableModel(
        {
            {tr("Name"), [](const QJsonObject &o) { return json::string(o, {"Spec", "Name"}); }, {}},
            {tr("Driver"), [](const QJsonObject &o) { return json::string(o, {"Spec", "Driver", "Name"}); }, {}},
            {tr("Labels"), [](const QJsonObject &o) { return labelsOf(json::object(o, {"Spec", "Labels"})); }, {}},
            created("CreatedAt"),
            {tr("Updated"), [](const QJsonObject &o) { return timeOf(o.value(QLatin1String("UpdatedAt"))); }, {}},
        },
        parent);
}

int ObjectTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_columns.size());
}

QVariant ObjectTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ObjectRecord &object = at(index.row());
    const Column &column = m_columns.at(index.column());
    switch (role) {
    case IdRole: return object.id;
    case FilterRole: return object.name + u' ' + object.id;
    case SortRole: return column.sortKey ? column.sortKey(object.raw) : column.text(object.raw);
    case Qt::DisplayRole: return column.text(object.raw);
    }
    return {};
}

QVariant ObjectTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole || section < 0 || section >= m_columns.size())
        return {};
    return m_columns.at(section).title;
}

void ObjectTableModel::setObjects(const QJsonArray &objects)
{
    QList<ObjectRecord> records;
    records.reserve(objects.size());
    for (const QJsonValue &object : objects)
        records.append(ObjectRecord::fromJson(object.toObject()));
    replaceAll(records);
}

} // namespace cape
