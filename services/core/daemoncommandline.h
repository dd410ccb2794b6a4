#pragma once

#include <QCommandLineParser>
#include <QString>

class QCoreApplication;

namespace cape {

// The command line every Cape daemon shares: --help and --version answer
// and exit, the name and description come from the daemon, each daemon
// adds its own options before process().
class DaemonCommandLine
{
public:
    DaemonCommandLine(const QString &name, const QString &description);

    QCommandLineParser &parser() { return m_parser; }

    // Parses; prints help, version or the error and returns false when the
    // program should exit (with exitCode()).
    bool process(const QCoreApplication &app);
    int exitCode() const { return m_exitCode; }

private:
    QCommandLineParser m_parser;
    int m_exitCode = 0;
};

} // namespace cape
