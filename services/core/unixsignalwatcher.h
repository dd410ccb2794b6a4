#pragma once

#include <QObject>

class QSocketNotifier;

namespace cape {

// SIGTERM, SIGINT and SIGHUP as Qt signals on the event loop (the
// self-pipe trick: a signal handler may only write to a file descriptor).
// One per process.
class UnixSignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit UnixSignalWatcher(QObject *parent = nullptr);
    ~UnixSignalWatcher() override;

signals:
    void terminate(int signal); // SIGTERM or SIGINT
    void hangup();              // SIGHUP

private:
    QSocketNotifier *m_notifier = nullptr;
};

} // namespace cape
