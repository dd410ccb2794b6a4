#pragma once

#include "services/docker/dockererror.h"

#include <QCoreApplication>
#include <QString>

#include <functional>

namespace cape {

// An engine's error in the user's terms: names instead of IDs, the gRPC
// wrapping the swarm adds ("rpc error: code = FailedPrecondition desc = …")
// taken off, and for the refusals people meet most a sentence that says
// what to do. The engine's own words, with the request, stay available as
// the details. Pure: the caller says how an ID is named.
struct ErrorText
{
    Q_DECLARE_TR_FUNCTIONS(cape::ErrorText)

public:
    QString summary; // "node3 is still up: …"
    QString details; // "DELETE /v1.41/nodes/y7a2… on unix:///…: 400 rpc error: …"

    // nameOf: the name of a node, service, task, network, config or secret
    // by its ID (full or a prefix of 12 or more), empty when unknown.
    using NameOf = std::function<QString(const QString &id)>;
    static ErrorText of(const DockerError &error, const NameOf &nameOf = {});
    // The engine's message alone, IDs named and the wrapping taken off.
    static QString plain(const QString &message, const NameOf &nameOf = {});
    // A connection error's cause, without what each layer was doing
    // ("API version negotiation failed: cannot connect to …: ").
    static QString innermost(const QString &message);
};

} // namespace cape
