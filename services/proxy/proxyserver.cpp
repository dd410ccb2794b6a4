#include "proxyserver.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QFile>
#include <QPointer>
#include <QThread>
#include <QThreadPool>

#include <netdb.h>

#include <cstring>

namespace cape {

namespace {

// Every address of host:port, as the system resolver answers (blocking:
// called at load for fixed endpoints, and in the background for services).
QList<ProxyState::Endpoint> resolve(const QString &host, quint16 port, QString *problem)
{
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    addrinfo *found = nullptr;
    const QByteArray portText = QByteArray::number(port);
    if (const int status = getaddrinfo(host.toUtf8().constData(), portText.constData(), &hints, &found);
        status != 0) {
        *problem =
            QStringLiteral("%1 does not resolve: %2").arg(host, QString::fromLocal8Bit(gai_strerror(status)));
        return {};
    }
    QList<ProxyState::Endpoint> endpoints;
    for (addrinfo *at = found; at; at = at->ai_next) {
        ProxyState::Endpoint endpoint;
        std::memcpy(&endpoint.address, at->ai_addr, at->ai_addrlen);
        endpoint.length = at->ai_addrlen;
        char text[NI_MAXHOST] = {};
        getnameinfo(at->ai_addr, at->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST);
        endpoint.label = at->ai_family == AF_INET6
                             ? QStringLiteral("[%1]:%2").arg(QString::fromLatin1(text)).arg(port)
                             : QStringLiteral("%1:%2").arg(QString::fromLatin1(text)).arg(port);
        const bool seen =
            std::any_of(endpoints.cbegin(), endpoints.cend(),
                        [&endpoint](const ProxyState::Endpoint &e) { return e.label == endpoint.label; });
        if (!seen)
            endpoints << endpoint;
    }
    freeaddrinfo(found);
    return endpoints;
}

} // namespace

ProxyServer::ProxyServer(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_health([this] { return state(); }, options.healthIntervalMs, options.healthTimeoutMs)
{
    connect(&m_health, &UpstreamHealthChecker::changed, this, [this] {
        const auto current = state();
        if (!current)
            return;
        auto next = std::make_shared<ProxyState>(*current);
        applyHealth(*next);
        setState(next);
    });
    m_resolveTimer.setInterval(m_options.resolveIntervalMs);
    connect(&m_resolveTimer, &QTimer::timeout, this, &ProxyServer::resolveServices);
}

ProxyServer::~ProxyServer()
{
    stop();
}

std::shared_ptr<const ProxyState> ProxyServer::state() const
{
    std::lock_guard lock(m_stateMutex);
    return m_state;
}

void ProxyServer::applyHealth(ProxyState &state) const
{
    state.unhealthy.clear();
    for (const ProxyConfig::Route &route : state.config.routes)
        state.unhealthy << m_health.unhealthy().value(route.host + route.path);
}

void ProxyServer::setState(std::shared_ptr<const ProxyState> state)
{
    std::lock_guard lock(m_stateMutex);
    m_state = std::move(state);
}

int ProxyServer::openConnections() const
{
    int open = 0;
    for (const auto &worker : m_workers)
        open += worker->openConnections();
    return open;
}

bool ProxyServer::load(QStringList *errors, std::shared_ptr<ProxyState> *state) const
{
    QFile file(m_options.configPath);
    if (!file.open(QIODevice::ReadOnly)) {
        *errors = {QStringLiteral("%1: %2").arg(m_options.configPath, file.errorString())};
        return false;
    }
    const auto config = ProxyConfig::fromJson(file.readAll(), errors);
    if (!config)
        return false;
    auto built = std::make_shared<ProxyState>();
    built->config = *config;
    if (!config->certificates.isEmpty()) {
        built->tls = TlsContexts::load(*config, errors);
        if (!built->tls)
            return false;
    }
    built->routes = RouteTable(config->routes);
    for (const ProxyConfig::Route &route : config->routes) {
        QList<ProxyState::Endpoint> endpoints;
        QString problem;
        for (const HostPort &endpoint : route.endpoints) {
            QString unresolved;
            endpoints << resolve(endpoint.host, endpoint.port, &unresolved);
            if (!unresolved.isEmpty())
                problem = unresolved;
        }
        if (!route.service.isEmpty()) {
            // Resolved in the background, never per request: kept from the
            // state in force until the first answer.
            if (const auto previous = this->state()) {
                for (qsizetype i = 0; i < previous->config.routes.size(); ++i) {
                    const ProxyConfig::Route &old = previous->config.routes.at(i);
                    if (old.service == route.service && old.port == route.port) {
                        endpoints = previous->upstreams.value(i);
                        break;
                    }
                }
            }
            if (endpoints.isEmpty())
                problem = QStringLiteral("tasks.%1 not resolved yet").arg(route.service);
        }
        built->upstreams << endpoints;
        built->problems << problem;
        built->labels << route.host + route.path;
    }
    applyHealth(*built);
    *state = built;
    return true;
}

bool ProxyServer::start(QString *error)
{
    QStringList errors;
    std::shared_ptr<ProxyState> state;
    if (!load(&errors, &state)) {
        *error = errors.join(u'\n');
        return false;
    }
    setState(state);
    const int count = m_options.workers > 0 ? m_options.workers : std::max(1, QThread::idealThreadCount());
    for (int i = 0; i < count; ++i) {
        auto worker = std::make_unique<ProxyWorker>([this] { return this->state(); }, m_options.limits);
        worker->setAccessLog(m_options.accessLogFd);
        if (!worker->listen(state->config.listen, error)) {
            stop();
            return false;
        }
        m_workers.push_back(std::move(worker));
    }
    for (const auto &worker : m_workers)
        worker->start();
    resolveServices();
    m_resolveTimer.start();
    m_health.start();
    return true;
}

bool ProxyServer::reload(QStringList *errors)
{
    std::shared_ptr<ProxyState> state;
    if (!load(errors, &state)) {
        ++m_reloadFailures;
        return false;
    }
    const auto current = this->state();
    const auto addresses = [](const ProxyConfig &config) {
        QStringList list;
        for (const ProxyConfig::Listener &listener : config.listen)
            list << listener.address.toString() + (listener.tls ? QStringLiteral(" tls") : QString());
        return list;
    };
    if (current && addresses(current->config) != addresses(state->config)) {
        *errors = {
            QStringLiteral("$.listen: the listeners changed; that takes a restart (the routes were not "
                           "reloaded either)")};
        ++m_reloadFailures;
        return false;
    }
    ++m_reloads;
    setState(state);
    resolveServices();
    emit reloaded();
    return true;
}

QByteArray ProxyServer::metrics() const
{
    ProxyWorker::Stats total;
    for (const auto &worker : m_workers) {
        const ProxyWorker::Stats stats = worker->stats();
        for (auto it = stats.routes.cbegin(); it != stats.routes.cend(); ++it) {
            ProxyWorker::RouteStats &route = total.routes[it.key()];
            for (auto status = it->byStatus.cbegin(); status != it->byStatus.cend(); ++status)
                route.byStatus[status.key()] += status.value();
            for (size_t i = 0; i < route.latency.size(); ++i)
                route.latency[i] += it->latency[i];
            route.latencySeconds += it->latencySeconds;
            route.count += it->count;
        }
        for (auto it = stats.upstreamErrors.cbegin(); it != stats.upstreamErrors.cend(); ++it)
            total.upstreamErrors[it.key()] += it.value();
    }
    // Label values escaped as the text format wants.
    const auto label = [](const QString &value) {
        QByteArray text = value.toUtf8();
        text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
        return text;
    };
    QByteArray out;
    out +=
        "# HELP cape_proxyd_requests_total Requests answered, by route (host/path; empty: none matched) and "
        "status (499: the client left first).\n# TYPE cape_proxyd_requests_total counter\n";
    QStringList routes = total.routes.keys();
    routes.sort();
    for (const QString &route : std::as_const(routes)) {
        const ProxyWorker::RouteStats &stats = total.routes[route];
        QList<int> statuses = stats.byStatus.keys();
        std::sort(statuses.begin(), statuses.end());
        for (const int status : std::as_const(statuses))
            out += "cape_proxyd_requests_total{route=\"" + label(route) + "\",status=\"" +
                   QByteArray::number(status) + "\"} " + QByteArray::number(stats.byStatus.value(status)) +
                   '\n';
    }
    out += "# HELP cape_proxyd_request_duration_seconds From a request's head to the end of its answer.\n"
           "# TYPE cape_proxyd_request_duration_seconds histogram\n";
    for (const QString &route : std::as_const(routes)) {
        const ProxyWorker::RouteStats &stats = total.routes[route];
        const QByteArray name = "cape_proxyd_request_duration_seconds";
        const QByteArray labels = "route=\"" + label(route) + '"';
        quint64 cumulative = 0;
        for (size_t i = 0; i < ProxyWorker::LatencyBounds.size(); ++i) {
            cumulative += stats.latency[i];
            out += name + "_bucket{" + labels + ",le=\"" + QByteArray::number(ProxyWorker::LatencyBounds[i]) +
                   "\"} " + QByteArray::number(cumulative) + '\n';
        }
        out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + QByteArray::number(stats.count) + '\n';
        out += name + "_sum{" + labels + "} " + QByteArray::number(stats.latencySeconds, 'g', 9) + '\n';
        out += name + "_count{" + labels + "} " + QByteArray::number(stats.count) + '\n';
    }
    out += "# HELP cape_proxyd_upstream_errors_total Upstream connections refused, reset or closed early, by "
           "endpoint.\n# TYPE cape_proxyd_upstream_errors_total counter\n";
    for (auto it = total.upstreamErrors.cbegin(); it != total.upstreamErrors.cend(); ++it)
        out += "cape_proxyd_upstream_errors_total{upstream=\"" + label(it.key()) + "\"} " +
               QByteArray::number(it.value()) + '\n';
    out += "# HELP cape_proxyd_open_connections Client connections open now.\n"
           "# TYPE cape_proxyd_open_connections gauge\ncape_proxyd_open_connections " +
           QByteArray::number(openConnections()) + '\n';
    out += "# HELP cape_proxyd_reloads_total Configurations reloaded.\n# TYPE cape_proxyd_reloads_total "
           "counter\n"
           "cape_proxyd_reloads_total " +
           QByteArray::number(m_reloads) + '\n';
    out += "# HELP cape_proxyd_reload_failures_total Reloads refused (the configuration in force stayed).\n"
           "# TYPE cape_proxyd_reload_failures_total counter\ncape_proxyd_reload_failures_total " +
           QByteArray::number(m_reloadFailures) + '\n';
    return out;
}

void ProxyServer::drain(int timeoutMs, std::function<void()> done)
{
    m_resolveTimer.stop();
    for (const auto &worker : m_workers)
        worker->drain();
    auto *poll = new QTimer(this);
    const QDeadlineTimer deadline(timeoutMs);
    connect(poll, &QTimer::timeout, this, [this, poll, deadline, done] {
        if (openConnections() > 0 && !deadline.hasExpired())
            return;
        poll->deleteLater();
        done();
    });
    poll->start(50);
}

void ProxyServer::stop()
{
    m_health.stop();
    m_resolveTimer.stop();
    for (const auto &worker : m_workers)
        worker->stop();
    m_workers.clear();
}

void ProxyServer::resolveServices()
{
    const auto current = state();
    if (!current || m_resolving)
        return;
    QList<std::pair<QString, quint16>> services;
    for (const ProxyConfig::Route &route : current->config.routes) {
        if (!route.service.isEmpty() && !services.contains(std::pair{route.service, route.port}))
            services << std::pair{route.service, route.port};
    }
    if (services.isEmpty())
        return;
    m_resolving = true;
    QPointer<ProxyServer> self(this);
    QThreadPool::globalInstance()->start([self, services] {
        // Swarm DNS: tasks.<service> answers every running task's address.
        QHash<std::pair<QString, quint16>, std::pair<QList<ProxyState::Endpoint>, QString>> answers;
        for (const auto &[service, port] : services) {
            QString problem;
            auto endpoints = resolve(QStringLiteral("tasks.") + service, port, &problem);
            answers.insert({service, port}, {endpoints, problem});
        }
        QMetaObject::invokeMethod(QCoreApplication::instance(), [self, answers] {
            if (!self)
                return;
            self->m_resolving = false;
            const auto inForce = self->state();
            if (!inForce)
                return;
            auto next = std::make_shared<ProxyState>(*inForce);
            bool changed = false;
            for (qsizetype i = 0; i < next->config.routes.size(); ++i) {
                const ProxyConfig::Route &route = next->config.routes.at(i);
                const auto it = answers.constFind({route.service, route.port});
                if (route.service.isEmpty() || it == answers.cend())
                    continue;
                // A failed lookup keeps what was known: a DNS hiccup is no outage.
                if (it->first.isEmpty() && !next->upstreams[i].isEmpty())
                    continue;
                QStringList before, after;
                for (const auto &e : next->upstreams[i])
                    before << e.label;
                for (const auto &e : it->first)
                    after << e.label;
                if (before != after || next->problems[i] != it->second) {
                    next->upstreams[i] = it->first;
                    next->problems[i] = it->second;
                    changed = true;
                }
            }
            if (changed)
                self->setState(next);
        });
    });
}

} // namespace cape
