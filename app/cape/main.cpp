#include "services/docker/dockerendpoint.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/style/capestyle.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "cape: " << message << '\n';
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cape"));
    QApplication::setApplicationDisplayName(QStringLiteral("Cape"));
    QApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("Cape"));
    cape::applyCapeStyle(app);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop cockpit for Docker Swarm."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption connectOption(QStringLiteral("connect"),
                                           QStringLiteral("The manager's engine, as DOCKER_HOST spells it."),
                                           QStringLiteral("endpoint"));
    const QCommandLineOption nodeOption(QStringLiteral("node"),
                                        QStringLiteral("Another node's engine, for its container events, logs and "
                                                       "stats (repeatable)."),
                                        QStringLiteral("endpoint"));
    const QCommandLineOption viewOption(QStringLiteral("view"),
                                        QStringLiteral("The view to open: overview, visualizer, nodes, services, tasks, "
                                                       "stacks, networks, configs, secrets, swarm, events."),
                                        QStringLiteral("name"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save the window once its data has loaded, and exit."),
                                              QStringLiteral("file.png"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size, WIDTHxHEIGHT."),
                                        QStringLiteral("size"));
    parser.addOptions({connectOption, nodeOption, viewOption, screenshotOption, sizeOption});
    parser.process(app);

    cape::DockerEndpoint endpoint;
    QString error;
    const bool ok = parser.isSet(connectOption)
                        ? cape::DockerEndpoint::parse(parser.value(connectOption), &endpoint, &error)
                        : cape::DockerEndpoint::fromEnvironment(QProcessEnvironment::systemEnvironment(), &endpoint, &error);
    if (!ok)
        return fail(error);
    QList<cape::DockerEndpoint> nodes;
    for (const QString &spec : parser.values(nodeOption)) {
        cape::DockerEndpoint node = endpoint; // the same TLS material as the manager
        if (!cape::DockerEndpoint::parse(spec, &node, &error))
            return fail(error);
        nodes << node;
    }

    cape::MainWindow window(endpoint, nodes);
    if (parser.isSet(viewOption) && !window.showView(parser.value(viewOption)))
        return fail(QStringLiteral("no view named %1; the views are: %2")
                        .arg(parser.value(viewOption), window.viewNames().join(QLatin1String(", "))));
    if (parser.isSet(sizeOption)) {
        const QStringList size = parser.value(sizeOption).split(u'x');
        if (size.size() != 2 || size[0].toInt() < 200 || size[1].toInt() < 200)
            return fail(QStringLiteral("--size takes WIDTHxHEIGHT, e.g. 1440x860"));
        window.resize(size[0].toInt(), size[1].toInt());
    }
    window.show();
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QObject::connect(&window, &cape::MainWindow::loaded, &window, [&window, file] {
            // Let event-driven updates (task listings after the first sync)
            // and layouts settle before grabbing.
            QTimer::singleShot(1500, &window, [&window, file] {
                const bool saved = window.grab().save(file);
                if (!saved)
                    QTextStream(stderr) << "cape: cannot write " << file << '\n';
                QCoreApplication::exit(saved ? 0 : 1);
            });
        });
    }
    return app.exec();
}
