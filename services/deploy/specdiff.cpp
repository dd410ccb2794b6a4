#include "specdiff.h"

#include "servicespecbuilder.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cape {

namespace {

bool isEmpty(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
    case QJsonValue::Undefined:
        return true;
    case QJsonValue::Array:
        return value.toArray().isEmpty();
    case QJsonValue::Object:
        return value.toObject().isEmpty();
    case QJsonValue::String:
        return value.toString().isEmpty();
    case QJsonValue::Double:
        return value.toDouble() == 0;
    case QJsonValue::Bool:
        return !value.toBool();
    }
    return false;
}

// "busybox:1.36@sha256:…" is "busybox:1.36" to someone who asked for the tag.
QString withoutDigest(const QString &image)
{
    const qsizetype at = image.indexOf(QLatin1String("@sha256:"));
    return at < 0 ? image : image.left(at);
}

void compare(const QString &path, const QJsonValue &running, const QJsonValue &desired,
             QList<SpecDiff::Change> *changes)
{
    if (isEmpty(running) && isEmpty(desired))
        return;
    if (desired.isObject() && (running.isObject() || isEmpty(running))) {
        const QJsonObject want = desired.toObject();
        const QJsonObject have = running.toObject();
        for (auto it = want.begin(); it != want.end(); ++it) {
            const QString child = path.isEmpty() ? it.key() : path + u'.' + it.key();
            if (child == QLatin1String("Labels.") + QLatin1String(ServiceSpecBuilder::CommitLabel) ||
                child == QLatin1String("Labels.") + QLatin1String(ServiceSpecBuilder::TemplateLabel))
                continue;
            compare(child, have[it.key()], it.value(), changes);
        }
        return;
    }
    if (path == QLatin1String("TaskTemplate.ContainerSpec.Image") && desired.isString() &&
        !desired.toString().contains(u'@') && withoutDigest(running.toString()) == desired.toString())
        return;
    if (running != desired)
        changes->append({path, running, desired});
}

} // namespace

QString SpecDiff::valueText(const QJsonValue &value)
{
    if (value.isUndefined() || value.isNull())
        return QStringLiteral("(none)");
    if (value.isString())
        return value.toString();
    if (value.isArray())
        return QString::fromUtf8(QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact));
    if (value.isObject())
        return QString::fromUtf8(QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
    return value.toVariant().toString();
}

QString SpecDiff::Change::text() const
{
    return QStringLiteral("%1: %2 → %3").arg(path, valueText(before), valueText(after));
}

QList<SpecDiff::Change> SpecDiff::between(const QJsonObject &running, const QJsonObject &desired)
{
    QList<Change> changes;
    compare({}, running, desired, &changes);
    return changes;
}

} // namespace cape
