#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace cape {

// Turns a service as a deploy template describes it (docs/deploy-templates.md:
// name, image, replicas, env as an object, durations as "5s", memory as
// "256M", …) into the engine's ServiceSpec, labelled with where it came from
// and set up to roll without downtime. Refuses unknown fields and wrong
// types with messages that name the service and the field. Secrets and
// configs carry their names; their IDs are the applier's to fill in.
class ServiceSpecBuilder
{
public:
    static constexpr auto RepositoryLabel = "cape.deploy.repository";
    static constexpr auto CommitLabel = "cape.deploy.commit";
    static constexpr auto TemplateLabel = "cape.deploy.template";

    struct Origin
    {
        QString repository;
        QString commit;
    };

    // The spec, or nullopt with every problem found in *errors.
    static std::optional<QJsonObject> build(const QJsonObject &described, const Origin &origin,
                                            QStringList *errors);
    // Every service a template returned; what cannot be built in *errors.
    static QList<QJsonObject> buildAll(const QJsonArray &described, const Origin &origin,
                                       QStringList *errors);
    // "5s", "1m30s", "500ms", or a number of seconds, in nanoseconds; -1: not a duration.
    static qint64 nanoseconds(const QJsonValue &value);
    // "256M", "1G", "512k", or a number of bytes; -1: not a size.
    static qint64 bytes(const QJsonValue &value);
};

} // namespace cape
