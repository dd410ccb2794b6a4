#pragma once

#include "services/core/httprequestreader.h"

#include <QList>
#include <QObject>

class QLocalServer;

namespace cape {

class ReplayCluster;
class ReplayConnection;

// Serves a ReplayCluster over a unix socket as the engine's API: the calls
// the Cape client and the docker CLI make, versioned (/v1.41/...) or not,
// /events held open, and POST /_replay/... for the benchmark to change the
// cluster.
class ReplayServer : public QObject
{
    Q_OBJECT

public:
    ReplayServer(ReplayCluster *cluster, QObject *parent = nullptr);

    bool listen(const QString &path, QString *error);
    void setVerbose(bool verbose) { m_verbose = verbose; }

private:
    void onNewConnection();
    void handle(ReplayConnection *connection, const HttpRequest &request);
    void route(ReplayConnection *connection, const HttpRequest &request, const QString &path,
               const QString &query);
    void answer(ReplayConnection *connection, const HttpRequest &request, int status, const QByteArray &body);

    ReplayCluster *m_cluster;
    QLocalServer *m_server;
    QList<ReplayConnection *> m_eventStreams;
    bool m_verbose = false;
};

} // namespace cape
