#include "models/clusterstore.h"
#include "models/servicetablemodel.h"
#include "services/connections/connectionstore.h"
#include "services/docker/dockerendpoint.h"
#include "stackbootstrap.h"
#include "ui/eventsource/eventsourceview.h"
#include "ui/logs/logpanel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/settings/preferencesdialog.h"
#include "ui/stats/statsview.h"
#include "ui/style/capestyle.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QLibraryInfo>
#include <QLocale>
#include <QTextStream>
#include <QTimer>
#include <QTranslator>

#include <memory>
#include <sys/resource.h>

namespace {

// One stats stream per container, one log stream per panel: a large
// cluster needs more sockets than the usual soft limit of 1024.
void raiseOpenFileLimit()
{
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        setrlimit(RLIMIT_NOFILE, &limit);
    }
}

// --version and --help answer without a display stack: on a server, or as
// a package's smoke test, there is no display for QApplication to open.
bool onlyAsksForInformation(int argc, char *argv[])
{
    for (int i = 1; i < argc; ++i) {
        const QByteArray argument(argv[i]);
        if (argument == "-v" || argument == "--version" || argument == "-h" || argument == "--help" ||
            argument == "--help-all")
            return true;
    }
    return false;
}

int fail(const QString &message)
{
    QTextStream(stderr) << "cape: " << message << '\n';
    return 2;
}

} // namespace

int main(int argc, char *argv[])
{
    raiseOpenFileLimit();
    const std::unique_ptr<QCoreApplication> application = onlyAsksForInformation(argc, argv)
                                                              ? std::make_unique<QCoreApplication>(argc, argv)
                                                              : std::make_unique<QApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("cape"));
    QGuiApplication::setApplicationDisplayName(QStringLiteral("Cape"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CAPE_VERSION_STRING));
    QCoreApplication::setOrganizationName(QStringLiteral("Cape"));
    // The chosen language (Preferences, or --language), else the system's, when Cape speaks it;
    // English (its plural forms) otherwise. Qt's own texts (OK, Cancel…) from Qt's translations.
    const QString languageFlag = QStringLiteral("--language");
    QLocale locale = cape::PreferencesDialog::locale();
    for (int i = 1; i + 1 < argc; ++i) {
        if (QString::fromLocal8Bit(argv[i]) == languageFlag)
            locale = QLocale(QString::fromLocal8Bit(argv[i + 1]));
    }
    QLocale::setDefault(locale);
    QTranslator translator;
    QTranslator qtTranslator;
    if (translator.load(locale, QStringLiteral("cape"), QStringLiteral("_"), QStringLiteral(":/i18n")) ||
        translator.load(QStringLiteral("cape_en"), QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(&translator);
    if (qtTranslator.load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                          QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&qtTranslator);

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("A desktop cockpit for Docker Swarm."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption connectOption(QStringLiteral("connect"),
                                           QStringLiteral("The manager's engine, as DOCKER_HOST spells it."),
                                           QStringLiteral("endpoint"));
    const QCommandLineOption nodeOption(
        QStringLiteral("node"),
        QStringLiteral("Another node's engine, for its container events, logs and "
                       "stats (repeatable)."),
        QStringLiteral("endpoint"));
    const QCommandLineOption viewOption(
        QStringLiteral("view"),
        QStringLiteral("The view to open: overview, visualizer, nodes, services, tasks, "
                       "logs, stats, stacks, networks, configs, secrets, swarm, events, eventsource, "
                       "routes, certificates, deploy, daemons."),
        QStringLiteral("name"));
    const QCommandLineOption languageOption(
        QStringLiteral("language"), QStringLiteral("Speak this language (en, ja) instead of the chosen one."),
        QStringLiteral("code"));
    const QCommandLineOption screenshotOption(
        QStringLiteral("screenshot"), QStringLiteral("Save the window once its data has loaded, and exit."),
        QStringLiteral("file.png"));
    const QCommandLineOption sizeOption(QStringLiteral("size"), QStringLiteral("Window size, WIDTHxHEIGHT."),
                                        QStringLiteral("size"));
    const QCommandLineOption deployOption(
        QStringLiteral("deploy-stack"),
        QStringLiteral("Deploy a compose file as a stack once connected, and wait until it "
                       "runs (for the demo)."),
        QStringLiteral("name=file"));
    const QCommandLineOption logsOption(QStringLiteral("logs"),
                                        QStringLiteral("Open the logs of this service once connected."),
                                        QStringLiteral("service"));
    const QCommandLineOption searchOption(QStringLiteral("log-search"),
                                          QStringLiteral("Search the opened logs for this text."),
                                          QStringLiteral("text"));
    const QCommandLineOption statsOption(QStringLiteral("stats"),
                                         QStringLiteral("Show the stats of this service once connected."),
                                         QStringLiteral("service"));
    const QCommandLineOption settleOption(
        QStringLiteral("screenshot-after"),
        QStringLiteral("Seconds to wait after loading before the screenshot "
                       "(default 1.5; charts need history)."),
        QStringLiteral("seconds"), QStringLiteral("1.5"));
    const QCommandLineOption eventsourceOption(QStringLiteral("eventsource"),
                                               QStringLiteral("Browse the eventsource in this Redis."),
                                               QStringLiteral("host:port"));
    parser.addOptions({connectOption, nodeOption, viewOption, languageOption, screenshotOption, settleOption,
                       sizeOption, deployOption, logsOption, searchOption, statsOption, eventsourceOption});
    parser.process(*application); // --help and --version end here
    auto &app = static_cast<QApplication &>(*application);
    cape::applyCapeStyle(app);

    std::unique_ptr<cape::MainWindow> owner;
    if (parser.isSet(connectOption)) {
        // One engine, named on the command line: no connection manager.
        cape::DockerEndpoint endpoint;
        QString error;
        if (!cape::DockerEndpoint::parse(parser.value(connectOption), &endpoint, &error))
            return fail(error);
        QList<cape::DockerEndpoint> nodes;
        for (const QString &spec : parser.values(nodeOption)) {
            cape::DockerEndpoint node = endpoint; // the same TLS material as the manager
            if (!cape::DockerEndpoint::parse(spec, &node, &error))
                return fail(error);
            nodes << node;
        }
        owner = std::make_unique<cape::MainWindow>(endpoint, nodes);
    } else {
        auto *store = new cape::ClusterStore;
        owner = std::make_unique<cape::MainWindow>(store);
        store->setParent(owner.get());
        auto *connections = new cape::ConnectionStore(owner.get());
        // First start: what the docker CLI would use (DOCKER_HOST, its contexts).
        if (connections->profiles().isEmpty()) {
            QStringList problems;
            connections->importFromDocker(QProcessEnvironment::systemEnvironment(), &problems);
            for (const QString &problem : std::as_const(problems))
                QTextStream(stderr) << "cape: " << problem << '\n';
        }
        owner->setConnections(connections);
        QString current = connections->currentId();
        if (!connections->contains(current) && !connections->profiles().isEmpty())
            current = connections->profiles().first().id;
        if (current.isEmpty())
            owner->openConnectionsDialog();
        else
            owner->connectToProfile(current);
    }
    cape::MainWindow &window = *owner;
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
    // The window is ready once loaded, or once a stack to deploy runs.
    cape::StackBootstrap *bootstrap = nullptr;
    if (parser.isSet(deployOption)) {
        const QString spec = parser.value(deployOption);
        const qsizetype eq = spec.indexOf(u'=');
        if (eq <= 0)
            return fail(QStringLiteral("--deploy-stack takes NAME=FILE"));
        bootstrap = new cape::StackBootstrap(window.store(), spec.left(eq), spec.mid(eq + 1), &window);
        QObject::connect(&window, &cape::MainWindow::loaded, bootstrap, &cape::StackBootstrap::start);
        QObject::connect(bootstrap, &cape::StackBootstrap::failed, &window, [](const QString &message) {
            QTextStream(stderr) << "cape: " << message << '\n';
            QCoreApplication::exit(2);
        });
    }
    if (parser.isSet(logsOption)) {
        const QString name = parser.value(logsOption);
        const QString search = parser.value(searchOption);
        QObject::connect(&window, &cape::MainWindow::loaded, &window, [&window, name, search] {
            for (const cape::ServiceRecord &service : window.store()->services()->records()) {
                if (service.name != name)
                    continue;
                cape::LogPanel *panel =
                    window.openLogs({cape::LogFeed::Kind::Service, service.id, name, {}, false});
                if (!search.isEmpty())
                    panel->setSearch(search);
                return;
            }
            QTextStream(stderr) << "cape: no service named " << name << '\n';
            QCoreApplication::exit(2);
        });
    }
    if (parser.isSet(eventsourceOption)) {
        auto *eventsource = qobject_cast<cape::EventsourceView *>(window.view(QStringLiteral("eventsource")));
        eventsource->connectTo(parser.value(eventsourceOption));
        if (!parser.isSet(viewOption))
            window.showView(QStringLiteral("eventsource"));
    }
    if (parser.isSet(statsOption)) {
        const QString name = parser.value(statsOption);
        QObject::connect(&window, &cape::MainWindow::loaded, &window, [&window, name] {
            for (const cape::ServiceRecord &service : window.store()->services()->records()) {
                if (service.name != name)
                    continue;
                auto *stats = qobject_cast<cape::StatsView *>(window.view(QStringLiteral("stats")));
                window.showView(QStringLiteral("stats"));
                stats->setGrouping(cape::StatsCollector::Group::Service);
                // Its row appears with the first sample of one of its containers.
                auto *poll = new QTimer(stats);
                QObject::connect(poll, &QTimer::timeout, stats, [stats, poll, id = service.id] {
                    if (stats->select(id))
                        poll->deleteLater();
                });
                poll->start(250);
                return;
            }
            QTextStream(stderr) << "cape: no service named " << name << '\n';
            QCoreApplication::exit(2);
        });
    }
    if (parser.isSet(screenshotOption)) {
        const QString file = parser.value(screenshotOption);
        bool validDelay = false;
        const double delay = parser.value(settleOption).toDouble(&validDelay);
        if (!validDelay || delay < 0 || delay > 3600)
            return fail(QStringLiteral("--screenshot-after takes seconds, e.g. 30"));
        const auto grabLater = [&window, file, delay] {
            // Let event-driven updates (task listings after the first sync)
            // and layouts settle, and charts gather history, before grabbing.
            QTimer::singleShot(int(delay * 1000), &window, [&window, file] {
                const bool saved = window.grab().save(file);
                if (!saved)
                    QTextStream(stderr) << "cape: cannot write " << file << '\n';
                QCoreApplication::exit(saved ? 0 : 1);
            });
        };
        if (bootstrap)
            QObject::connect(bootstrap, &cape::StackBootstrap::ready, &window, grabLater);
        else
            QObject::connect(&window, &cape::MainWindow::loaded, &window, grabLater);
    }
    return app.exec();
}
