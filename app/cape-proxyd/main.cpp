#include "services/core/daemoncommandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-proxyd"),
        QStringLiteral("The swarm's TLS entry point: routes by host and path to swarm services, "
                       "round-robin over their tasks."));
    commandLine.parser().addOption({QStringLiteral("config"), QStringLiteral("The route configuration (JSON)."),
                                    QStringLiteral("file")});
    if (!commandLine.process(app))
        return commandLine.exitCode();
    qCritical("cape-proxyd: proxying is not implemented yet in this build");
    return 1;
}
