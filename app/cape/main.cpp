#include "services/docker/dockerendpoint.h"
#include "ui/mainwindow/mainwindow.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTextStream>
#include <QTimer>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("cape"));
    QApplication::setApplicationDisplayName(QStringLiteral("Cape"));
    QApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    QApplication::setOrganizationName(QStringLiteral("Cape"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop cockpit for Docker Swarm."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption connectOption(QStringLiteral("connect"),
                                           QStringLiteral("The engine, as DOCKER_HOST spells it."),
                                           QStringLiteral("endpoint"));
    const QCommandLineOption screenshotOption(QStringLiteral("screenshot"),
                                              QStringLiteral("Save the window once loaded and exit."),
                                              QStringLiteral("file.png"));
    parser.addOption(connectOption);
    parser.addOption(screenshotOption);
    parser.process(app);

    cape::DockerEndpoint endpoint;
    QString error;
    const bool ok = parser.isSet(connectOption)
                        ? cape::DockerEndpoint::parse(parser.value(connectOption), &endpoint, &error)
                        : cape::DockerEndpoint::fromEnvironment(QProcessEnvironment::systemEnvironment(),
                                                                &endpoint, &error);
    if (!ok) {
        QTextStream(stderr) << "cape: " << error << '\n';
        return 2;
    }

    cape::MainWindow window(endpoint);
    window.show();
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        QObject::connect(&window, &cape::MainWindow::loaded, &window, [&window, file] {
            // Let layouts settle before grabbing.
            QTimer::singleShot(200, &window, [&window, file] {
                const bool saved = window.grab().save(file);
                QCoreApplication::exit(saved ? 0 : 1);
            });
        });
    }
    return app.exec();
}
