#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace cape {

// What would change in a running service if it got a desired spec: every
// field the desired spec sets that differs, by its path
// ("TaskTemplate.ContainerSpec.Env"). Fields the engine fills in by itself
// and the desired spec leaves out are not changes; a field missing on one
// side equals an empty one on the other (the engine drops empty lists).
// The commit and template labels are bookkeeping, not changes; an image
// pinned by the engine to a digest equals the tag it was given.
class SpecDiff
{
public:
    struct Change
    {
        QString path;
        QJsonValue before;
        QJsonValue after;

        // "TaskTemplate.ContainerSpec.Env: [\"A=1\"] → [\"A=2\"]"
        QString text() const;
    };

    static QList<Change> between(const QJsonObject &running, const QJsonObject &desired);
    // A value as a person reads it in a diff: text as is, lists and objects as compact JSON, none as
    // "(none)".
    static QString valueText(const QJsonValue &value);
};

} // namespace cape
