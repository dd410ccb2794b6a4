#pragma once

#include <QCommandLineParser>
#include <QString>

class QCoreApplication;

namespace cape {

// The command line every Cape daemon shares: --help and --version answer
// and exit, the name and description come from the daemon, each daemon
// adds its own options before process(). --probe asks a running daemon's
// /health and exits 0 (healthy) or 1: a scratch image has no curl for its
// HEALTHCHECK, so the daemon is its own probe.
class DaemonCommandLine
{
public:
    static constexpr auto HealthAddressVariable = "CAPE_HEALTH_ADDRESS";
    static constexpr int ProbeTimeoutMs = 3000;

    // healthAddress: where this daemon usually serves /health (host:port),
    // probed unless CAPE_HEALTH_ADDRESS says otherwise.
    DaemonCommandLine(const QString &name, const QString &description, const QString &healthAddress);

    QCommandLineParser &parser() { return m_parser; }

    // Parses; prints help, version or the error and returns false when the
    // program should exit (with exitCode()).
    bool process(const QCoreApplication &app);
    int exitCode() const { return m_exitCode; }

private:
    // GET http://address/health; prints what it found. 0: 200, 1: anything else.
    static int probe(const QString &address);

    QCommandLineParser m_parser;
    QString m_healthAddress;
    int m_exitCode = 0;
};

} // namespace cape
