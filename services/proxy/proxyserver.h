#pragma once

#include "proxystate.h"
#include "proxyworker.h"
#include "upstreamhealthchecker.h"

#include <QObject>
#include <QStringList>
#include <QTimer>

#include <memory>
#include <mutex>

namespace cape {

// cape-proxyd's control side, on the Qt event loop: reads the configuration,
// resolves each route's upstreams (fixed endpoints; a service's tasks through
// Swarm DNS, tasks.<service>, again every few seconds in the background),
// and runs the workers. reload() reads the file again and swaps the state
// whole; a document with errors is refused with them and the old one stays.
class ProxyServer : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString configPath;
        int workers = 0; // 0: one per CPU
        ProxyWorker::Limits limits;
        int resolveIntervalMs = 5000;
        int accessLogFd = -1;        // JSON lines of every exchange; -1: none
        int healthIntervalMs = 5000; // routes with a healthPath
        int healthTimeoutMs = 2000;
    };

    explicit ProxyServer(const Options &options, QObject *parent = nullptr);
    ~ProxyServer() override;

    // Reads the configuration, listens, starts the workers.
    bool start(QString *error);
    // Reads the configuration again; false with its errors (the old one stays).
    bool reload(QStringList *errors);
    void stop();
    // Every worker drains (see ProxyWorker::drain); done() once no client
    // connection is left, or when timeoutMs have passed.
    void drain(int timeoutMs, std::function<void()> done);

    std::shared_ptr<const ProxyState> state() const;
    int openConnections() const;
    // Prometheus text: requests by route and status, their latency, upstream
    // errors, open connections, reloads.
    QByteArray metrics() const;
    bool isRunning() const { return !m_workers.empty(); }

signals:
    void reloaded();

private:
    bool load(QStringList *errors, std::shared_ptr<ProxyState> *state) const;
    void resolveServices();
    void setState(std::shared_ptr<const ProxyState> state);
    // The health checker's findings, written into a state's routes.
    void applyHealth(ProxyState &state) const;

    Options m_options;
    mutable std::mutex m_stateMutex;
    std::shared_ptr<const ProxyState> m_state;
    std::vector<std::unique_ptr<ProxyWorker>> m_workers;
    QTimer m_resolveTimer;
    UpstreamHealthChecker m_health;
    bool m_resolving = false;
    quint64 m_reloads = 0;
    quint64 m_reloadFailures = 0;
};

} // namespace cape
