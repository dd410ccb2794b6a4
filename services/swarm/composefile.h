#pragma once

#include "composediagnostic.h"
#include "stackplan.h"

#include <QByteArray>
#include <QList>
#include <QProcessEnvironment>
#include <QString>

namespace cape {

// A compose file (version 3.x, or the versionless compose spec) read for a
// stack, and the StackPlan that `docker stack deploy` would carry out for it.
//
// Files that the compose file names (env_file, secrets and configs with
// `file:`, relative bind mounts) are read relative to a base directory; when
// none is given they are refused with an error. Never throws.
class ComposeFile
{
public:
    ComposeFile() = default;

    static ComposeFile parse(const QByteArray &text, const QString &stack,
                             const QProcessEnvironment &environment);
    static ComposeFile parse(const QByteArray &text, const QString &stack,
                             const QProcessEnvironment &environment, const QString &baseDirectory);
    // Reads the file; its folder is the base directory.
    static ComposeFile load(const QString &path, const QString &stack,
                            const QProcessEnvironment &environment);

    bool isValid() const { return m_parsed && m_errors.isEmpty(); }
    // Every error, each with its line, column and key path.
    QList<ComposeDiagnostic> errors() const { return m_errors; }
    // Unknown or unsupported keys, unset variables: the plan is still made.
    QList<ComposeDiagnostic> warnings() const { return m_warnings; }
    // The errors, one a line.
    QString errorString() const { return ComposeDiagnostic::join(m_errors); }
    // As the file states it; empty for the versionless compose spec.
    QString version() const { return m_version; }
    // Empty unless isValid().
    const StackPlan &plan() const { return m_plan; }

    // Stack names become prefixes of swarm object names: letters, digits, - and _.
    static bool isValidStackName(const QString &name);

private:
    void read(const QByteArray &text, const QString &stack, const QProcessEnvironment &environment,
              const QString &baseDirectory);

    bool m_parsed = false;
    QString m_version;
    QList<ComposeDiagnostic> m_errors;
    QList<ComposeDiagnostic> m_warnings;
    StackPlan m_plan;
};

} // namespace cape
