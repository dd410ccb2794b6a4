#pragma once

#include <QByteArray>
#include <QProcessEnvironment>
#include <QString>

#include <memory>

namespace cape {

class DockerTunnel;

// Where an engine listens, spelled as DOCKER_HOST spells it:
//   unix:///var/run/docker.sock, tcp://10.0.0.1:2376 (+ TLS material),
//   ssh://ops@manager[:port] (the OpenSSH client runs `docker system
//   dial-stdio` there; the user's ~/.ssh/config, agent and known_hosts apply).
// A Tunnel endpoint has no spelling: it is made in code (a node's engine
// through cape-agent) and is equal only to itself.
// TLS material comes from memory (the *Pem fields, when non-empty) or from
// files (the *File fields otherwise), so a key from a keychain never has to
// touch the disk.
struct DockerEndpoint
{
    enum class Transport { Unix, Tcp, Ssh, Tunnel };

    Transport transport = Transport::Unix;
    QString socketPath; // Unix
    QString host;       // Tcp, Ssh (a name ~/.ssh/config may know)
    quint16 port = 0;   // Tcp; Ssh: 0 leaves it to the ssh configuration
    QString user;       // Ssh: empty leaves it to the ssh configuration
    bool tls = false;
    bool tlsVerify = false;               // verify the engine's certificate against caFile
    QString caFile;                       // ca.pem
    QString certFile;                     // cert.pem (client certificate)
    QString keyFile;                      // key.pem
    QByteArray caPem;                     // PEM in memory: used instead of caFile when non-empty
    QByteArray certPem;                   // ... instead of certFile
    QByteArray keyPem;                    // ... instead of keyFile
    std::shared_ptr<DockerTunnel> tunnel; // Tunnel

    static constexpr auto DefaultSocket = "/var/run/docker.sock";

    // Parses "unix:///path", "tcp://host:port", "ssh://[user@]host[:port]",
    // "/path". On failure returns false and sets *error; the endpoint is then
    // left unchanged.
    static bool parse(const QString &spec, DockerEndpoint *endpoint, QString *error);

    // DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH, as the docker CLI
    // reads them (default cert path ~/.docker, default socket DefaultSocket).
    static bool fromEnvironment(const QProcessEnvironment &env, DockerEndpoint *endpoint, QString *error);

    // Uses ca.pem, cert.pem and key.pem from dir; verify checks the engine.
    void useCertificateDirectory(const QString &dir, bool verify);

    // Uses PEM material held in memory; an empty ca means the system's CAs.
    void useCertificates(const QByteArray &ca, const QByteArray &cert, const QByteArray &key, bool verify);

    static DockerEndpoint through(std::shared_ptr<DockerTunnel> tunnel);

    QString toString() const;
    bool operator==(const DockerEndpoint &other) const = default;
};

} // namespace cape
