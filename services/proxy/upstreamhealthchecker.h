#pragma once

#include "proxystate.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>

namespace cape {

// Active health checks: every interval, a GET of each route's healthPath on
// each of its endpoints (Host: the route's host); an endpoint that does not
// answer 2xx or 3xx within the timeout is reported unhealthy for that route
// until it does again. Runs on the Qt event loop; the workers only read the
// outcome, through the state.
class UpstreamHealthChecker : public QObject
{
    Q_OBJECT

public:
    using StateSource = std::function<std::shared_ptr<const ProxyState>()>;
    // "host/path of the route" -> endpoint labels that failed their last check.
    using Unhealthy = QHash<QString, QSet<QString>>;

    UpstreamHealthChecker(StateSource state, int intervalMs, int timeoutMs, QObject *parent = nullptr);
    void start();
    void stop();
    const Unhealthy &unhealthy() const { return m_unhealthy; }

signals:
    void changed();

private:
    void checkAll();
    void finishRound();

    StateSource m_state;
    int m_timeoutMs;
    QTimer m_timer;
    int m_outstanding = 0;
    Unhealthy m_round;     // what this round has found so far
    Unhealthy m_unhealthy; // the last round's
};

} // namespace cape
