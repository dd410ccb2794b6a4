#pragma once

#include "daemoninstallsettings.h"

#include "services/swarm/stackplan.h"

#include <QStringList>

#include <optional>

namespace cape {

// The install wizard's settings made into the plan `docker stack deploy -c
// packaging/stack.yml cape` would carry out with the same choices: the same
// stack file (built into the program), its variables set from the settings,
// its configuration documents written for them, and the daemons not chosen
// left out with what only they use.
class DaemonStackBuilder
{
public:
    // The stack file and documents as built in (":/packaging/…").
    static QByteArray stackFile();

    // nullopt with *errors when the settings or the stack file do not make a plan.
    static std::optional<StackPlan> build(const DaemonInstallSettings &settings, QStringList *errors);
    static std::optional<StackPlan> build(const DaemonInstallSettings &settings, const QByteArray &stackFile,
                                          QStringList *errors);

    // cape-deployd's configuration document for the settings.
    static QByteArray deploydConfig(const DaemonInstallSettings &settings);
    // A fresh API token: 32 random bytes, hex.
    static QString newToken();

private:
    static QStringList check(const DaemonInstallSettings &settings);
    static void keepChosen(const DaemonInstallSettings &settings, StackPlan *plan);
};

} // namespace cape
