#include "sshmasters.h"

#include "sshcommand.h"

#include <QCoreApplication>
#include <QList>
#include <QMutex>
#include <QProcess>

namespace cape {

namespace {
QMutex mutex;
QList<DockerEndpoint> used;
bool hooked = false;
} // namespace

void SshMasters::noteUsed(const DockerEndpoint &endpoint)
{
    const QMutexLocker lock(&mutex);
    if (!used.contains(endpoint))
        used.append(endpoint);
    if (!hooked && QCoreApplication::instance()) {
        hooked = true;
        QObject::connect(QCoreApplication::instance(), &QCoreApplication::aboutToQuit, &SshMasters::closeAll);
    }
}

void SshMasters::closeAll()
{
    QList<DockerEndpoint> endpoints;
    {
        const QMutexLocker lock(&mutex);
        endpoints = std::exchange(used, {});
    }
    const QString dir = SshCommand::controlDirectory();
    for (const DockerEndpoint &endpoint : std::as_const(endpoints)) {
        QProcess exit;
        exit.setProgram(SshCommand::program());
        exit.setArguments(SshCommand::exitArguments(endpoint, dir));
        exit.setStandardOutputFile(QProcess::nullDevice());
        exit.setStandardErrorFile(QProcess::nullDevice()); // "Exit request sent."
        exit.startDetached();
    }
}

} // namespace cape
