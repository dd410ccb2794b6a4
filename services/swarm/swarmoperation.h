#pragma once

#include <QObject>
#include <QString>

#include <functional>

namespace cape {

class DockerReply;

// An operation on the swarm made of engine calls, one after another: it
// reports progress, and ends once with finished() — the first failing
// call ends it as "<what it was doing>: <the engine's error>".
class SwarmOperation : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

signals:
    void progress(const QString &line);
    void finished(bool ok, const QString &message);

protected:
    using Handler = std::function<void(DockerReply *)>;
    // Runs handler with the reply when it succeeds.
    void call(DockerReply *reply, const QString &what, Handler handler);
};

} // namespace cape
