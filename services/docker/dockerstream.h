#pragma once

#include "dockerexchange.h"

#include <QTimer>

#include <functional>

namespace cape {

// A response that never has to end: /events, logs with follow, streamed
// stats. It holds its own connection; decoded items are emitted as they
// arrive by the subclasses. abort() ends it; finished() says how it ended.
class DockerStream : public DockerExchange
{
    Q_OBJECT

public:
    // Silence longer than this on a live stream is checked: if a probe is
    // set (the client pings the engine), the stream lives on while the engine
    // answers; without one the stream fails with a timeout. 0 disables.
    void setIdleTimeout(int milliseconds);
    using Probe = std::function<void(QObject *context, std::function<void(const DockerError &)> done)>;
    void setLivenessProbe(Probe probe) { m_probe = std::move(probe); }

    bool isLive() const { return m_live; }

signals:
    // The engine accepted the request (2xx headers): items will follow.
    void live();

protected:
    DockerStream(DockerRequest request, QString endpoint, QObject *parent);

    void handleHeaders() final;
    void handleBody(const QByteArray &data) final;
    DockerError handleComplete() final;

    virtual void decode(const QByteArray &data) = 0;
    virtual DockerError decodeEnd() = 0;

private:
    void onIdle();

    QTimer m_idleTimer;
    Probe m_probe;
    bool m_live = false;
};

} // namespace cape
