#include "replayserver.h"

#include "replaycluster.h"
#include "replayconnection.h"

#include <QElapsedTimer>
#include <QLocalServer>
#include <QLocalSocket>
#include <QRegularExpression>
#include <QTextStream>
#include <QUrl>
#include <QUrlQuery>

namespace cape {

ReplayServer::ReplayServer(ReplayCluster *cluster, QObject *parent)
    : QObject(parent)
    , m_cluster(cluster)
    , m_server(new QLocalServer(this))
{
    connect(m_server, &QLocalServer::newConnection, this, &ReplayServer::onNewConnection);
}

bool ReplayServer::listen(const QString &path, QString *error)
{
    QLocalServer::removeServer(path);
    m_server->setMaxPendingConnections(128);
    if (!m_server->listen(path)) {
        *error = QStringLiteral("cannot listen on %1: %2").arg(path, m_server->errorString());
        return false;
    }
    return true;
}

void ReplayServer::onNewConnection()
{
    while (QLocalSocket *socket = m_server->nextPendingConnection()) {
        auto *connection = new ReplayConnection(socket, m_cluster->commonHeaders(), this);
        connect(connection, &ReplayConnection::requestReceived, this, &ReplayServer::handle);
        connect(connection, &ReplayConnection::closed, this, [this](ReplayConnection *c) {
            m_eventStreams.removeAll(c);
            c->deleteLater();
        });
    }
}

void ReplayServer::answer(ReplayConnection *connection, const HttpRequest &request, int status,
                          const QByteArray &body)
{
    connection->respond(request, status, body);
}

void ReplayServer::handle(ReplayConnection *connection, const HttpRequest &request)
{
    QElapsedTimer timer;
    timer.start();
    const qsizetype mark = request.target.indexOf('?');
    const QString path = QString::fromUtf8(
        QByteArray::fromPercentEncoding(request.target.left(mark < 0 ? request.target.size() : mark)));
    const QString query = mark < 0 ? QString() : QString::fromUtf8(request.target.mid(mark + 1));
    route(connection, request, path, query);
    if (m_verbose)
        QTextStream(stderr) << "cape-engine-replay: " << request.method << ' ' << request.target << " ("
                            << timer.nsecsElapsed() / 1000 << " us)\n";
}

void ReplayServer::route(ReplayConnection *connection, const HttpRequest &request, const QString &fullPath,
                         const QString &queryText)
{
    const QUrlQuery query(queryText);
    const auto param = [&](const char *name) {
        // Go's ParseQuery reads '+' as a space; QUrlQuery does not.
        QString value = query.queryItemValue(QLatin1String(name), QUrl::FullyDecoded);
        return value.replace(u'+', u' ');
    };
    const bool get = request.method == "GET" || request.method == "HEAD";

    // The control endpoints are the benchmark's, unversioned.
    if (fullPath.startsWith(QLatin1String("/_replay/"))) {
        if (request.method != "POST")
            return answer(connection, request, 405,
                          ReplayCluster::error(405, QStringLiteral("POST only")).body);
        if (fullPath == QLatin1String("/_replay/reset")) {
            m_cluster->reset();
            return answer(connection, request, 200, "{}\n");
        }
        if (fullPath == QLatin1String("/_replay/task-state")) {
            const bool replace =
                param("replace") == QLatin1String("1") || param("replace") == QLatin1String("true");
            const ReplayCluster::Change change =
                m_cluster->setTaskState(param("task"), param("state"), replace);
            // Every open /events stream has the line before the answer goes.
            for (ReplayConnection *stream : std::as_const(m_eventStreams)) {
                stream->writeChunk(change.event);
                stream->flush();
            }
            return answer(connection, request, change.answer.status, change.answer.body);
        }
        return answer(connection, request, 404,
                      ReplayCluster::error(404, QStringLiteral("page not found")).body);
    }

    // /v1.41/tasks -> /tasks; a version newer than the engine's is refused.
    static const QRegularExpression versioned(QStringLiteral("^/v(\\d+\\.\\d+)(/.*)$"));
    QString path = fullPath;
    if (const QRegularExpressionMatch m = versioned.match(fullPath); m.hasMatch()) {
        path = m.captured(2);
        const auto parts = [](const QString &v) {
            const QStringList p = v.split(u'.');
            return std::pair(p.value(0).toInt(), p.value(1).toInt());
        };
        if (parts(m.captured(1)) > parts(m_cluster->apiVersion()))
            return answer(
                connection, request, 400,
                ReplayCluster::error(
                    400, QStringLiteral("client version %1 is too new. Maximum supported API version is %2")
                             .arg(m.captured(1), m_cluster->apiVersion()))
                    .body);
    }
    if (path.endsWith(u'/') && path.size() > 1)
        path.chop(1);

    if (path == QLatin1String("/_ping") && get)
        return connection->respond(request, 200, "OK", "text/plain; charset=utf-8", m_cluster->pingHeaders());
    if (!get)
        return answer(connection, request, 404,
                      ReplayCluster::error(404, QStringLiteral("page not found")).body);

    ReplayCluster::Filters filters;
    QString filterError;
    if (!ReplayCluster::parseFilters(param("filters"), &filters, &filterError))
        return answer(connection, request, 400, ReplayCluster::error(400, filterError).body);
    const auto reply = [&](const ReplayCluster::Answer &a) { answer(connection, request, a.status, a.body); };
    const QStringList parts = path.split(u'/', Qt::SkipEmptyParts);
    const QString kind = parts.value(0);
    const QString id = parts.value(1);
    if (parts.size() > 2)
        return answer(connection, request, 404,
                      ReplayCluster::error(404, QStringLiteral("page not found")).body);

    if (path == QLatin1String("/version"))
        return answer(connection, request, 200, m_cluster->version());
    if (path == QLatin1String("/info"))
        return answer(connection, request, 200, m_cluster->info());
    if (path == QLatin1String("/swarm"))
        return answer(connection, request, 200, m_cluster->swarm());
    if (path == QLatin1String("/networks"))
        return answer(connection, request, 200, m_cluster->networks());
    if (path == QLatin1String("/configs"))
        return answer(connection, request, 200, m_cluster->configs());
    if (path == QLatin1String("/secrets"))
        return answer(connection, request, 200, m_cluster->secrets());
    if (kind == QLatin1String("nodes"))
        return reply(id.isEmpty() ? m_cluster->nodes(filters) : m_cluster->node(id));
    if (kind == QLatin1String("services")) {
        const QString status = param("status");
        return reply(id.isEmpty() ? m_cluster->services(filters, status == QLatin1String("true") ||
                                                                     status == QLatin1String("1"))
                                  : m_cluster->service(id));
    }
    if (kind == QLatin1String("tasks"))
        return reply(id.isEmpty() ? m_cluster->tasks(filters) : m_cluster->task(id));
    if (path == QLatin1String("/events")) {
        connection->startStream(request);
        // A bounded window (until=) is history: the replay has none to tell.
        if (!param("until").isEmpty())
            connection->endStream();
        else
            m_eventStreams.append(connection);
        return;
    }
    answer(connection, request, 404, ReplayCluster::error(404, QStringLiteral("page not found")).body);
}

} // namespace cape
