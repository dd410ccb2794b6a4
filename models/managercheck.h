#pragma once

#include "services/docker/dockererror.h"

#include <QCoreApplication>
#include <QJsonObject>
#include <QString>

namespace cape {

// Whether an endpoint can be the cockpit's manager, judged from what it
// answered to GET /info, or from the error it gave instead: the docker CLI
// says at once that a worker "is not a swarm manager", and so must Cape,
// with what to do about it. Pure, so every verdict is tested without one.
struct ManagerCheck
{
    Q_DECLARE_TR_FUNCTIONS(cape::ManagerCheck)

public:
    enum class Verdict {
        Manager,     // a manager of an active swarm: go on
        Worker,      // in a swarm, but cluster state lives on its managers
        NoSwarm,     // an engine that is in no swarm (or locked, or failing to join)
        NotAnEngine, // something answers there, but not the Engine API
        Unreachable, // nothing answered: try again later
    };

    Verdict verdict = Verdict::Unreachable;
    QString message; // what the endpoint is, and what to do, in the user's words

    bool isManager() const { return verdict == Verdict::Manager; }
    // A verdict about the endpoint itself, not the network: retrying soon
    // changes nothing, so it is said as a refusal, not a lost connection.
    bool isRefusal() const
    {
        return verdict == Verdict::Worker || verdict == Verdict::NoSwarm || verdict == Verdict::NotAnEngine;
    }

    static ManagerCheck ofInfo(const QJsonObject &info, const QString &endpoint);
    // handshake: the error answered GET /_ping, the first thing any engine answers.
    static ManagerCheck ofError(const DockerError &error, const QString &endpoint, bool handshake);
};

} // namespace cape
