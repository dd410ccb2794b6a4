#pragma once

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QString>

namespace cape {

class DockerClient;

// Follows one service's rolling update (or rollback) until the engine says
// how it ended: UpdateStatus.State completed, rollback_completed, paused
// or rollback_paused — the ones that started after `previousStart` (the
// last update's status stays on the service until the next one starts).
// Polls the service; gives up at a deadline. Ends once with finished().
class ServiceUpdateWatcher : public QObject
{
    Q_OBJECT

public:
    enum class Outcome { Completed, RolledBack, Paused, TimedOut, Failed };

    ServiceUpdateWatcher(DockerClient *client, const QString &serviceId, const QString &previousStart,
                         QObject *parent = nullptr);

    void setPollInterval(int ms) { m_pollMs = ms; }
    void setTimeout(int ms) { m_timeoutMs = ms; }
    void start();

    // The update settings that keep a service answering while it rolls:
    // start-first (stop-first where a host-mode port forbids two tasks on a
    // node), rollback on failure, and a monitor window long enough for the
    // health check to judge each new task.
    static void makeZeroDowntime(QJsonObject &spec);
    // Whether the service's last spec change replaces its tasks (inspect's
    // JSON: Spec against PreviousSpec); when it does not, the engine rolls
    // nothing and sets no new update status.
    static bool needsRollout(const QJsonObject &service);
    // The UpdateStatus.StartedAt of a service (inspect's JSON); empty: none.
    static QString updateStartedAt(const QJsonObject &service);

signals:
    void progress(const QString &line);
    void finished(cape::ServiceUpdateWatcher::Outcome outcome, const QString &message);

private:
    void poll();

    QPointer<DockerClient> m_client;
    QString m_serviceId;
    QString m_previousStart;
    int m_pollMs = 1000;
    int m_timeoutMs = 600000;
    qint64 m_startedMs = 0;
    QString m_lastState;
};

} // namespace cape
