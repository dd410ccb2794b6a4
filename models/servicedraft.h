#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

#include <functional>

namespace cape {

// A service specification as the editor's form holds it: the text a user
// typed, field by field. validate() names every problem before anything is
// sent; toSpec() builds the Engine API's ServiceSpec over the spec being
// edited, so fields the form does not show survive an edit.
struct ServiceDraft
{
    using KeyValue = QPair<QString, QString>;
    struct Port
    {
        QString published; // empty: the swarm picks one (ingress) or none
        QString target;
        QString protocol = QStringLiteral("tcp");
        QString mode = QStringLiteral("ingress");
    };
    struct Mount
    {
        QString type = QStringLiteral("volume"); // volume | bind | tmpfs
        QString source;
        QString target;
        bool readOnly = false;
    };
    struct FileReference // a secret or config made available as a file
    {
        QString name;
        QString target; // default: /run/secrets/<name> or /<name>
    };
    struct UpdatePolicy
    {
        QString parallelism = QStringLiteral("1");
        QString delay;
        QString failureAction = QStringLiteral("pause"); // pause | continue | rollback
        QString monitor;
        QString maxFailureRatio;
        QString order = QStringLiteral("stop-first"); // stop-first | start-first
    };
    struct Problem
    {
        QString field; // "name", "ports", "update.delay", ...
        QString message;
    };
    // Names of networks, secrets and configs to their IDs; empty when unknown.
    using Resolver = std::function<QString(const QString &kind, const QString &name)>;
    // IDs to names, for a spec being loaded into the form.
    using NameOf = std::function<QString(const QString &kind, const QString &id)>;

    QString name;
    QString image;
    QString mode = QStringLiteral("replicated"); // replicated | global
    QString replicas = QStringLiteral("1");
    QString command; // shell words, split as the docker CLI splits them
    QString args;
    QString workingDir;
    QString user;
    QString hostname;
    QList<KeyValue> env;
    QList<KeyValue> labels;          // the service's labels
    QList<KeyValue> containerLabels; // its containers' labels
    QList<Port> ports;
    QList<Mount> mounts;
    QStringList networks;
    QList<FileReference> secrets;
    QList<FileReference> configs;
    QStringList constraints;  // node.role==worker
    QStringList preferences;  // spread descriptors: node.labels.zone
    QString maxReplicasPerNode;
    QString limitCpus;
    QString limitMemory;
    QString reserveCpus;
    QString reserveMemory;
    QString restartCondition = QStringLiteral("any"); // none | on-failure | any
    QString restartDelay;
    QString restartMaxAttempts;
    QString restartWindow;
    UpdatePolicy update;
    UpdatePolicy rollback;
    QString healthTest; // a shell command (CMD-SHELL); empty: the image's own
    bool healthDisabled = false;
    QString healthInterval;
    QString healthTimeout;
    QString healthRetries;
    QString healthStartPeriod;

    static ServiceDraft fromSpec(const QJsonObject &spec, const NameOf &nameOf);
    QList<Problem> validate(const Resolver &resolve) const;
    QJsonObject toSpec(const QJsonObject &base, const Resolver &resolve) const;
};

} // namespace cape
