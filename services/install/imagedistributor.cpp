#include "imagedistributor.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerreply.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>

namespace cape {

ImageDistributor::ImageDistributor(QObject *parent)
    : QObject(parent)
{}

ImageDistributor::~ImageDistributor() = default;

QString ImageDistributor::stateText(Node::State state)
{
    switch (state) {
    case Node::State::Checking:
        return tr("checking…");
    case Node::State::Present:
        return tr("present");
    case Node::State::Missing:
        return tr("missing");
    case Node::State::Loading:
        return tr("loading…");
    case Node::State::Loaded:
        return tr("loaded");
    case Node::State::Failed:
        return tr("failed");
    }
    return {};
}

bool ImageDistributor::allPresent() const
{
    if (m_nodes.isEmpty() || isBusy())
        return false;
    return std::all_of(m_nodes.begin(), m_nodes.end(), [](const Node &node) {
        return node.state == Node::State::Present || node.state == Node::State::Loaded;
    });
}

void ImageDistributor::check(const QList<DockerEndpoint> &engines, const QString &image)
{
    qDeleteAll(m_clients);
    m_clients.clear();
    m_nodes.clear();
    m_image = image;
    m_busy = 0;
    for (const DockerEndpoint &engine : engines) {
        const int index = int(m_nodes.size());
        m_nodes.append({engine.toString(), engine.toString(), {}, Node::State::Checking, {}});
        auto *client = new DockerClient(engine, this);
        m_clients << client;
        m_busy += 2;
        client->info()->then(this, [this, index](DockerReply *reply) {
            if (!reply->error()) {
                m_nodes[index].name = reply->object()[QLatin1String("Name")].toString();
                m_nodes[index].nodeId =
                    reply->object()[QLatin1String("Swarm")][QLatin1String("NodeID")].toString();
                emit nodeChanged(index);
            }
            settle();
        });
        client->listImages({{QStringLiteral("reference"), {image}}})
            ->then(this, [this, index](DockerReply *reply) {
                if (reply->error())
                    set(index, Node::State::Failed, reply->error().toString());
                else
                    set(index, reply->array().isEmpty() ? Node::State::Missing : Node::State::Present);
                settle();
            });
    }
    if (engines.isEmpty())
        emit finished();
}

void ImageDistributor::load(const QString &archive)
{
    if (!QFileInfo(archive).isFile()) {
        for (int i = 0; i < m_nodes.size(); ++i) {
            if (m_nodes[i].state == Node::State::Missing)
                set(i, Node::State::Failed, tr("no image archive at %1").arg(archive));
        }
        emit finished();
        return;
    }
    for (int i = 0; i < m_nodes.size(); ++i) {
        const Node::State state = m_nodes[i].state;
        if (state != Node::State::Missing && state != Node::State::Failed)
            continue;
        auto file = std::make_shared<QFile>(archive);
        if (!file->open(QIODevice::ReadOnly)) {
            set(i, Node::State::Failed, tr("cannot read %1: %2").arg(archive, file->errorString()));
            continue;
        }
        set(i, Node::State::Loading);
        ++m_busy;
        m_clients[i]->loadImage(file, file->size())->then(this, [this, i](DockerReply *reply) {
            // The engine answers 200 and puts a failure in the progress stream's "error".
            QString error = reply->error() ? reply->error().toString() : QString();
            if (error.isEmpty() && reply->body().contains("\"error\""))
                error = QString::fromUtf8(reply->body()).trimmed();
            if (error.isEmpty())
                set(i, Node::State::Loaded);
            else
                set(i, Node::State::Failed, error);
            settle();
        });
    }
    if (m_busy == 0)
        emit finished();
}

void ImageDistributor::set(int index, Node::State state, const QString &message)
{
    m_nodes[index].state = state;
    m_nodes[index].message = message;
    emit nodeChanged(index);
}

void ImageDistributor::settle()
{
    if (--m_busy == 0)
        emit finished();
}

} // namespace cape
