#pragma once

#include <QObject>
#include <QPointer>
#include <QStringList>

#include <functional>

namespace cape {

class DockerClient;

// Builds a service's image from a commit's tree on the manager's engine
// (POST /build with the context as a tar, tagged with the commit), then —
// where no registry serves the swarm, as in the sandbox — copies it onto
// the other nodes' engines (docker save from the manager, docker load on
// each), so that any node can run its tasks.
class ImageBuilder : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(const QString &error, const QStringList &log)>;

    // nodes: the engines to copy built images onto (endpoints as cape-deployd's configuration gives them).
    ImageBuilder(DockerClient *manager, const QStringList &nodes, QObject *parent = nullptr);

    void setTimeout(int ms) { m_timeoutMs = ms; }
    void build(const QByteArray &contextTar, const QString &tag, const QString &dockerfile, Done done);

    // The error a build's JSON-lines answer ends with, or empty; its output lines into *log.
    static QString buildError(const QByteArray &output, QStringList *log);

private:
    void distribute(const QString &tag, QStringList log, Done done);

    QPointer<DockerClient> m_manager;
    QStringList m_nodes;
    int m_timeoutMs = 600000;
};

} // namespace cape
