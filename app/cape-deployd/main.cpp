#include "services/core/daemoncommandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-deployd"),
        QStringLiteral("Push-to-deploy for Docker Swarm: watches git repositories, runs JavaScript deploy "
                       "templates and rolls the result out with zero downtime."));
    if (!commandLine.process(app))
        return commandLine.exitCode();
    qCritical("cape-deployd: deployment is not implemented yet in this build");
    return 1;
}
