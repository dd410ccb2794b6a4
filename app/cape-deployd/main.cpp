#include "services/core/daemoncommandline.h"
#include "services/core/unixsignalwatcher.h"
#include "services/deploy/deploydaemon.h"
#include "services/deploy/templatesandbox.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstring>

int main(int argc, char *argv[])
{
    // The template sandbox: this binary again, with no Qt event loop and no daemon.
    if (argc == 2 && std::strcmp(argv[1], "--evaluate-template") == 0) {
        QCoreApplication app(argc, argv);
        return cape::TemplateSandbox::evaluateFromStdin();
    }
    QCoreApplication app(argc, argv);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-deployd"),
        QStringLiteral("Push-to-deploy for Docker Swarm: watches git repositories, runs JavaScript deploy "
                       "templates and rolls the result out with zero downtime. See docs/deployd.md for the "
                       "configuration file and the HTTP API."),
        QStringLiteral("127.0.0.1:9470"));
    QCommandLineParser &parser = commandLine.parser();
    const QCommandLineOption configOption(QStringLiteral("config"),
                                          QStringLiteral("The configuration file (JSON; default "
                                                         "/etc/cape/deployd.json)."),
                                          QStringLiteral("path"), QStringLiteral("/etc/cape/deployd.json"));
    const QCommandLineOption checkOption(QStringLiteral("check"),
                                         QStringLiteral("Check the configuration file and exit."));
    parser.addOptions({configOption, checkOption});
    if (!commandLine.process(app))
        return commandLine.exitCode();

    QTextStream err(stderr);
    QStringList errors;
    const auto config = cape::DeploydConfig::load(parser.value(configOption), &errors);
    if (!config) {
        for (const QString &error : std::as_const(errors))
            err << "cape-deployd: " << error << '\n';
        return 2;
    }
    if (parser.isSet(checkOption)) {
        QTextStream(stdout) << "cape-deployd: " << parser.value(configOption) << " is valid ("
                            << config->repositories.size() << " repositories)\n";
        return 0;
    }
    cape::DeployDaemon daemon(*config);
    QObject::connect(&daemon, &cape::DeployDaemon::message, [&err](const QString &line) {
        err << "cape-deployd: " << line << '\n';
        err.flush();
    });
    QString error;
    if (!daemon.start(&error)) {
        err << "cape-deployd: " << error << '\n';
        return 2;
    }
    err << "cape-deployd: listening on " << config->listen << " (port " << daemon.port() << ")\n";
    err.flush();
    cape::UnixSignalWatcher signalWatcher;
    QObject::connect(&signalWatcher, &cape::UnixSignalWatcher::terminate, &app, [&app] { app.quit(); });
    return app.exec();
}
