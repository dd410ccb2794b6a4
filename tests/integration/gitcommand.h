#pragma once

// git (the Debian package) for tests that make real repositories: a command
// in a working copy, as a fixed test author.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace cape::test {

struct GitResult
{
    int exitCode = -1;
    QString output; // stdout and stderr, trimmed
};

inline GitResult git(const QString &directory, const QStringList &arguments)
{
    QProcess process;
    process.setWorkingDirectory(directory);
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("git"),
                  QStringList{QStringLiteral("-c"), QStringLiteral("user.name=Cape Test"),
                              QStringLiteral("-c"), QStringLiteral("user.email=test@cape.test")} +
                      arguments);
    process.waitForFinished(30000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
            QString::fromUtf8(process.readAll()).trimmed()};
}

} // namespace cape::test
