#include "upstreamhealthchecker.h"

#include <QHostAddress>
#include <QTcpSocket>

namespace cape {

UpstreamHealthChecker::UpstreamHealthChecker(StateSource state, int intervalMs, int timeoutMs,
                                             QObject *parent)
    : QObject(parent)
    , m_state(std::move(state))
    , m_timeoutMs(timeoutMs)
{
    m_timer.setInterval(intervalMs);
    connect(&m_timer, &QTimer::timeout, this, &UpstreamHealthChecker::checkAll);
}

void UpstreamHealthChecker::start()
{
    m_timer.start();
    checkAll();
}

void UpstreamHealthChecker::stop()
{
    m_timer.stop();
}

void UpstreamHealthChecker::checkAll()
{
    if (m_outstanding > 0)
        return; // the last round is still out: a slow endpoint is its own answer
    const auto state = m_state();
    if (!state)
        return;
    m_round.clear();
    for (qsizetype r = 0; r < state->config.routes.size(); ++r) {
        const ProxyConfig::Route &route = state->config.routes.at(r);
        if (route.healthPath.isEmpty())
            continue;
        const QString key = route.host + route.path;
        for (const ProxyState::Endpoint &endpoint : state->upstreams.value(r)) {
            ++m_outstanding;
            auto *socket = new QTcpSocket(this);
            auto *deadline = new QTimer(socket);
            deadline->setSingleShot(true);
            auto answer = std::make_shared<QByteArray>();
            auto done = std::make_shared<bool>(false);
            const QString label = endpoint.label;
            const auto finish = [this, socket, answer, done, key, label] {
                if (std::exchange(*done, true))
                    return;
                // "HTTP/1.1 204 …": 2xx and 3xx are healthy.
                const int status = answer->startsWith("HTTP/1.") ? answer->mid(9, 3).toInt() : 0;
                if (status < 200 || status >= 400)
                    m_round[key].insert(label);
                socket->abort();
                socket->deleteLater();
                if (--m_outstanding == 0)
                    finishRound();
            };
            connect(deadline, &QTimer::timeout, socket, finish);
            connect(socket, &QTcpSocket::errorOccurred, socket, finish);
            connect(socket, &QTcpSocket::readyRead, socket, [socket, answer, finish] {
                *answer += socket->readAll();
                if (answer->contains("\r\n"))
                    finish();
            });
            const QByteArray host =
                route.host.startsWith(QLatin1String("*.")) ? route.host.mid(2).toUtf8() : route.host.toUtf8();
            const QByteArray request =
                "GET " + route.healthPath.toUtf8() + " HTTP/1.1\r\nHost: " + host +
                "\r\nUser-Agent: cape-proxyd health check\r\nConnection: close\r\n\r\n";
            connect(socket, &QTcpSocket::connected, socket, [socket, request] { socket->write(request); });
            socket->connectToHost(QHostAddress(reinterpret_cast<const sockaddr *>(&endpoint.address)),
                                  endpoint.label.section(u':', -1).toUShort());
            deadline->start(m_timeoutMs);
        }
    }
    if (m_outstanding == 0)
        finishRound();
}

void UpstreamHealthChecker::finishRound()
{
    if (m_round == m_unhealthy)
        return;
    m_unhealthy = m_round;
    emit changed();
}

} // namespace cape
