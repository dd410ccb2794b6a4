#pragma once

#include "services/docker/dockerendpoint.h"

#include <QList>
#include <QObject>
#include <QString>

namespace cape {

class DockerClient;

// Whether an image is on each node's engine, and `docker load` of its
// archive onto those that lack it: without a registry, every node that may
// run a task needs the image in its own engine.
class ImageDistributor : public QObject
{
    Q_OBJECT

public:
    struct Node
    {
        enum class State { Checking, Present, Missing, Loading, Loaded, Failed };
        QString endpoint; // as given
        QString name;     // the engine's host name, once known
        QString nodeId;   // Swarm.NodeID, once known
        State state = State::Checking;
        QString message; // why it failed
    };

    explicit ImageDistributor(QObject *parent = nullptr);
    ~ImageDistributor() override;

    // Asks every engine (GET /info, GET /images/json?filters=reference).
    void check(const QList<DockerEndpoint> &engines, const QString &image);
    // Loads the archive onto the engines found Missing (or Failed to load).
    void load(const QString &archive);

    const QList<Node> &nodes() const { return m_nodes; }
    QString image() const { return m_image; }
    bool isBusy() const { return m_busy > 0; }
    // Every engine answered and has the image.
    bool allPresent() const;

    static QString stateText(Node::State state);

signals:
    void nodeChanged(int index);
    // check() or load() has its answer from every engine.
    void finished();

private:
    void set(int index, Node::State state, const QString &message = {});
    void settle();

    QString m_image;
    QList<Node> m_nodes;
    QList<DockerClient *> m_clients;
    int m_busy = 0;
};

} // namespace cape
