#include "proxyserver.h"

#include <QCoreApplication>
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
{
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
    }
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
    return true;
}

bool ProxyServer::reload(QStringList *errors)
{
    std::shared_ptr<ProxyState> state;
    if (!load(errors, &state))
        return false;
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
        return false;
    }
    setState(state);
    resolveServices();
    emit reloaded();
    return true;
}

void ProxyServer::stop()
{
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
