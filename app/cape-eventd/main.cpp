#include "services/core/daemoncommandline.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-eventd"),
        QStringLiteral("An eventsource server over Redis streams, wire-compatible with "
                       "@superhero/core.eventsource 3.x clients."));
    commandLine.parser().addOption({QStringLiteral("redis"), QStringLiteral("The Redis server."),
                                    QStringLiteral("host:port")});
    if (!commandLine.process(app))
        return commandLine.exitCode();
    qCritical("cape-eventd: the eventsource server is not implemented yet in this build");
    return 1;
}
