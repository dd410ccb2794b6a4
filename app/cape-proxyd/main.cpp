#include "services/core/daemoncommandline.h"
#include "services/core/observabilityserver.h"
#include "services/core/unixsignalwatcher.h"
#include "services/proxy/proxyserver.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QFileSystemWatcher>
#include <QJsonArray>
#include <QJsonObject>
#include <QTextStream>
#include <QTimer>

#include <csignal>
#include <fcntl.h>

#include <memory>

namespace {

int fail(const QString &message)
{
    QTextStream(stderr) << "cape-proxyd: " << message << '\n';
    return 2;
}

void say(const QString &message)
{
    QTextStream(stderr) << "cape-proxyd: " << message << '\n';
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    // OpenSSL writes to sockets without MSG_NOSIGNAL: a peer gone mid-write
    // must be an error, not the end of the process.
    ::signal(SIGPIPE, SIG_IGN);
    cape::DaemonCommandLine commandLine(
        QStringLiteral("cape-proxyd"),
        QStringLiteral(
            "The swarm's entry point: routes requests by host and path to swarm services (their tasks "
            "through Swarm DNS) or fixed endpoints, round robin, with failover.\n\n"
            "SIGHUP, or a change of the configuration file, reloads the routes; a configuration with "
            "errors is refused and the one in force stays. The format: docs/proxy.md."),
        QStringLiteral("127.0.0.1:9000"));
    QCommandLineParser &parser = commandLine.parser();
    const QCommandLineOption configOption(
        QStringLiteral("config"), QStringLiteral("The configuration (JSON)."), QStringLiteral("file"));
    const QCommandLineOption workersOption(QStringLiteral("workers"),
                                           QStringLiteral("Worker threads (default: one per CPU)."),
                                           QStringLiteral("n"), QStringLiteral("0"));
    const QCommandLineOption headerTimeoutOption(
        QStringLiteral("header-timeout"),
        QStringLiteral("A request's head must come within this (default 10000): slow clients get 408."),
        QStringLiteral("ms"), QStringLiteral("10000"));
    const QCommandLineOption idleTimeoutOption(
        QStringLiteral("idle-timeout"),
        QStringLiteral("A kept-alive client may stay quiet this long (default 60000)."), QStringLiteral("ms"),
        QStringLiteral("60000"));
    const QCommandLineOption upstreamTimeoutOption(
        QStringLiteral("upstream-timeout"),
        QStringLiteral("An upstream may stay silent this long while a response is due (default 60000): 504."),
        QStringLiteral("ms"), QStringLiteral("60000"));
    const QCommandLineOption connectTimeoutOption(
        QStringLiteral("connect-timeout"),
        QStringLiteral(
            "An upstream must take a connection within this (default 5000), or another endpoint is "
            "tried."),
        QStringLiteral("ms"), QStringLiteral("5000"));
    const QCommandLineOption maxConnectionsOption(
        QStringLiteral("max-connections"), QStringLiteral("Client connections per worker (default 10000)."),
        QStringLiteral("n"), QStringLiteral("10000"));
    const QCommandLineOption maxBodyOption(
        QStringLiteral("max-body"),
        QStringLiteral(
            "The largest request body passed on, in bytes (default 1073741824): larger ones get 413."),
        QStringLiteral("bytes"), QStringLiteral("1073741824"));
    const QCommandLineOption healthIntervalOption(
        QStringLiteral("health-interval"),
        QStringLiteral("How often routes with a healthPath check each endpoint (default 5000)."),
        QStringLiteral("ms"), QStringLiteral("5000"));
    const QCommandLineOption drainTimeoutOption(
        QStringLiteral("drain-timeout"),
        QStringLiteral("On SIGTERM, answers in progress may take this long to finish (default 10000)."),
        QStringLiteral("ms"), QStringLiteral("10000"));
    const QCommandLineOption accessLogOption(
        QStringLiteral("access-log"),
        QStringLiteral(
            "Write every request as a JSON line (time, client, host, path, route, upstream, status, "
            "bytes, durationMs) to this file, or - for standard output."),
        QStringLiteral("file"));
    parser.addOptions({configOption, workersOption, headerTimeoutOption, idleTimeoutOption,
                       upstreamTimeoutOption, connectTimeoutOption, maxConnectionsOption, accessLogOption,
                       drainTimeoutOption, healthIntervalOption, maxBodyOption});
    if (!commandLine.process(app))
        return commandLine.exitCode();
    if (!parser.isSet(configOption))
        return fail(QStringLiteral("--config FILE is required"));

    cape::ProxyServer::Options options;
    options.configPath = parser.value(configOption);
    const auto number = [&parser](const QCommandLineOption &option, int minimum, int *out) {
        bool valid = false;
        *out = parser.value(option).toInt(&valid);
        return valid && *out >= minimum;
    };
    if (!number(workersOption, 0, &options.workers) || options.workers > 256)
        return fail(QStringLiteral("--workers takes a number from 0 to 256"));
    if (!number(headerTimeoutOption, 100, &options.limits.headerTimeoutMs) ||
        !number(idleTimeoutOption, 100, &options.limits.idleTimeoutMs) ||
        !number(upstreamTimeoutOption, 100, &options.limits.upstreamTimeoutMs) ||
        !number(connectTimeoutOption, 100, &options.limits.connectTimeoutMs))
        return fail(QStringLiteral("timeouts are milliseconds, at least 100"));
    if (!number(healthIntervalOption, 100, &options.healthIntervalMs))
        return fail(QStringLiteral("--health-interval takes milliseconds, at least 100"));
    bool bodyValid = false;
    options.limits.bodyBytes = parser.value(maxBodyOption).toLongLong(&bodyValid);
    if (!bodyValid || options.limits.bodyBytes < 0)
        return fail(QStringLiteral("--max-body takes a number of bytes"));
    int drainTimeoutMs = 0;
    if (!number(drainTimeoutOption, 0, &drainTimeoutMs))
        return fail(QStringLiteral("--drain-timeout takes milliseconds"));
    if (!number(maxConnectionsOption, 1, &options.limits.maxConnections))
        return fail(QStringLiteral("--max-connections takes a positive number"));

    if (parser.isSet(accessLogOption)) {
        const QString path = parser.value(accessLogOption);
        options.accessLogFd = path == u'-' ? 1
                                           : ::open(QFile::encodeName(path).constData(),
                                                    O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
        if (options.accessLogFd < 0)
            return fail(QStringLiteral("cannot open the access log %1").arg(path));
    }

    cape::ProxyServer server(options);
    QString error;
    if (!server.start(&error))
        return fail(error);
    say(QStringLiteral("serving %1 route(s) from %2")
            .arg(server.state()->config.routes.size())
            .arg(options.configPath));

    const auto reload = [&server, &options](const QString &why) {
        QStringList errors;
        if (server.reload(&errors)) {
            say(QStringLiteral("reloaded %1 (%2)").arg(options.configPath, why));
            return errors;
        }
        say(QStringLiteral("%1 not reloaded (%2); the routes in force stay:\n  %3")
                .arg(options.configPath, why, errors.join(QStringLiteral("\n  "))));
        return errors;
    };
    // The admin listener: /health, /metrics, POST /admin/reload.
    std::unique_ptr<cape::ObservabilityServer> admin;
    if (const auto address = server.state()->config.admin) {
        admin = std::make_unique<cape::ObservabilityServer>(
            [&server] {
                const auto state = server.state();
                QJsonObject problems;
                for (qsizetype i = 0; i < state->config.routes.size(); ++i) {
                    if (!state->problems.value(i).isEmpty())
                        problems.insert(state->config.routes.at(i).host + state->config.routes.at(i).path,
                                        state->problems.value(i));
                }
                QJsonObject details{{QStringLiteral("routes"), int(state->config.routes.size())},
                                    {QStringLiteral("openConnections"), server.openConnections()}};
                if (!problems.isEmpty())
                    details.insert(QStringLiteral("problems"), problems);
                return cape::ObservabilityServer::Health{server.isRunning(), details};
            },
            [&server] { return server.metrics(); });
        admin->addAction(QStringLiteral("/admin/reload"), [&reload] {
            const QStringList errors = reload(QStringLiteral("POST /admin/reload"));
            QJsonObject details{{QStringLiteral("reloaded"), errors.isEmpty()}};
            if (!errors.isEmpty())
                details.insert(QStringLiteral("errors"), QJsonArray::fromStringList(errors));
            return cape::ObservabilityServer::Health{errors.isEmpty(), details};
        });
        if (!admin->listen(address->toString(), &error))
            return fail(error);
    }
    cape::UnixSignalWatcher unixSignals;
    QObject::connect(&unixSignals, &cape::UnixSignalWatcher::hangup, &app,
                     [&reload] { reload(QStringLiteral("SIGHUP")); });
    // SIGTERM (a rolling update's): no new connections; those open end after
    // their answer, within --drain-timeout. A second signal stops at once.
    bool draining = false;
    QObject::connect(&unixSignals, &cape::UnixSignalWatcher::terminate, &app, [&](int) {
        if (std::exchange(draining, true)) {
            say(QStringLiteral("stopping now"));
            server.stop();
            QCoreApplication::exit(0);
            return;
        }
        say(QStringLiteral("draining: %1 connection(s) open").arg(server.openConnections()));
        server.drain(drainTimeoutMs, [&server] {
            say(QStringLiteral("stopping (%1 connection(s) left)").arg(server.openConnections()));
            server.stop();
            QCoreApplication::exit(0);
        });
    });
    // A swarm config or secret is replaced, not edited: watch the directory too.
    QFileSystemWatcher watcher({options.configPath, QFileInfo(options.configPath).absolutePath()});
    QTimer settle; // editors write in several steps
    settle.setSingleShot(true);
    settle.setInterval(200);
    const auto contentOf = [&options] {
        QFile file(options.configPath);
        return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
    };
    QByteArray loaded = contentOf();
    QObject::connect(&settle, &QTimer::timeout, &app, [&] {
        if (!watcher.files().contains(options.configPath) && QFileInfo::exists(options.configPath))
            watcher.addPath(options.configPath);
        const QByteArray content = contentOf();
        if (content == loaded)
            return; // another file of the directory
        loaded = content;
        reload(QStringLiteral("the file changed"));
    });
    QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, &settle, qOverload<>(&QTimer::start));
    QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, &settle, qOverload<>(&QTimer::start));
    return app.exec();
}
