#include "imagebuilder.h"

#include "services/docker/dockerclient.h"
#include "services/docker/dockerendpoint.h"
#include "services/docker/dockerreply.h"

#include <QBuffer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTimer>

#include <memory>

namespace cape {

ImageBuilder::ImageBuilder(DockerClient *manager, const QStringList &nodes, QObject *parent)
    : QObject(parent)
    , m_manager(manager)
    , m_nodes(nodes)
{}

QString ImageBuilder::buildError(const QByteArray &output, QStringList *log)
{
    QString error;
    for (const QByteArray &line : output.split('\n')) {
        const QJsonObject message = QJsonDocument::fromJson(line).object();
        if (message.contains(QLatin1String("error")))
            error = message[QLatin1String("error")].toString().trimmed();
        const QString stream = message[QLatin1String("stream")].toString().trimmed();
        if (!stream.isEmpty())
            *log << stream;
    }
    return error;
}

void ImageBuilder::build(const QByteArray &contextTar, const QString &tag, const QString &dockerfile,
                         Done done)
{
    if (!m_manager) {
        done(tr("no connection to the engine"), {});
        return;
    }
    auto answered = std::make_shared<bool>(false);
    QTimer::singleShot(m_timeoutMs, this, [answered, done, tag, timeout = m_timeoutMs] {
        if (*answered)
            return;
        *answered = true;
        done(tr("building %1 took longer than %2 s").arg(tag).arg(timeout / 1000), {});
    });
    m_manager->buildImage(contextTar, tag, dockerfile)
        ->then(this, [this, answered, done, tag](DockerReply *reply) {
            if (*answered)
                return;
            *answered = true;
            QStringList log;
            if (reply->error()) {
                done(tr("building %1: %2").arg(tag, reply->error().toString()), log);
                return;
            }
            if (const QString error = buildError(reply->body(), &log); !error.isEmpty()) {
                done(tr("building %1: %2").arg(tag, error), log);
                return;
            }
            distribute(tag, log, done);
        });
}

void ImageBuilder::distribute(const QString &tag, QStringList log, Done done)
{
    if (m_nodes.isEmpty()) {
        done({}, log);
        return;
    }
    m_manager->saveImage(tag)->then(this, [this, tag, log, done](DockerReply *saved) {
        if (saved->error()) {
            done(tr("saving %1 to copy it onto the nodes: %2").arg(tag, saved->error().toString()), log);
            return;
        }
        const QByteArray image = saved->body();
        auto remaining = std::make_shared<int>(int(m_nodes.size()));
        auto problems = std::make_shared<QStringList>();
        auto lines = std::make_shared<QStringList>(log);
        for (const QString &node : std::as_const(m_nodes)) {
            DockerEndpoint endpoint;
            QString error;
            if (!DockerEndpoint::parse(node, &endpoint, &error)) {
                *problems << QStringLiteral("%1: %2").arg(node, error);
                if (--*remaining == 0)
                    done(tr("copying %1 onto the nodes: %2").arg(tag, problems->join(QStringLiteral("; "))),
                         *lines);
                continue;
            }
            auto *client = new DockerClient(endpoint, this);
            auto buffer = std::make_shared<QBuffer>();
            buffer->setData(image);
            buffer->open(QIODevice::ReadOnly);
            client->loadImage(buffer, image.size())
                ->then(this, [client, node, tag, remaining, problems, lines, done](DockerReply *loaded) {
                    client->deleteLater();
                    if (loaded->error())
                        *problems << QStringLiteral("%1: %2").arg(node, loaded->error().toString());
                    else
                        *lines << QStringLiteral("%1 loaded onto %2").arg(tag, node);
                    if (--*remaining > 0)
                        return;
                    done(problems->isEmpty() ? QString()
                                             : tr("copying %1 onto the nodes: %2")
                                                   .arg(tag, problems->join(QStringLiteral("; "))),
                         *lines);
                });
        }
    });
}

} // namespace cape
