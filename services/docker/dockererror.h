#pragma once

#include <QString>

namespace cape {

// What went wrong with a request to an engine, with enough context to show
// the user where: the engine's own message, the HTTP status, the endpoint.
struct DockerError
{
    enum class Kind {
        None,
        Connection, // refused, unreachable, reset, closed mid-response
        Tls,        // handshake refused, certificate rejected
        Timeout,    // connect, response or idle-stream timeout
        Protocol,   // malformed or truncated HTTP
        Http,       // the engine answered with a 4xx/5xx status
        Decode,     // the body is not what the API promises (invalid JSON...)
        Cancelled,  // the caller cancelled
        Config,     // a malformed endpoint or unreadable certificate
        Ssh,        // the ssh client ended before the engine answered (message: SshFailure)
    };

    Kind kind = Kind::None;
    int httpStatus = 0;
    QString message;  // the engine's message for Kind::Http, ours otherwise
    QString endpoint; // as DOCKER_HOST spells it
    QString request;  // "GET /v1.41/nodes"

    bool isError() const { return kind != Kind::None; }
    explicit operator bool() const { return isError(); }

    // "GET /v1.41/services/x on unix:///run/docker.sock: 404 service x not found"
    QString toString() const;

    static QString kindName(Kind kind);
};

} // namespace cape
