#pragma once

#include "services/docker/httpresponseparser.h"

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

#include <functional>

class QLocalSocket;
class QProcess;

namespace cape {

// The benchmark's side of cape-engine-replay: starts it as a child process
// and sends it control requests (POST /_replay/...) on a plain connection of
// its own, answered asynchronously so that the event loop keeps running.
class ReplayControl : public QObject
{
    Q_OBJECT

public:
    using Done = std::function<void(int status, const QByteArray &body)>;

    explicit ReplayControl(QObject *parent = nullptr);
    ~ReplayControl() override;

    // Runs the replay and waits (in an event loop) for its "listening" line.
    bool start(const QString &program, const QStringList &arguments, int timeoutMs, QString *error);
    QString readyLine() const { return m_readyLine; }

    void setSocketPath(const QString &path) { m_socketPath = path; }
    QString socketPath() const { return m_socketPath; }

    // One request at a time, in order; done runs when the answer is complete.
    void post(const QString &pathAndQuery, Done done);

private:
    struct Pending
    {
        QByteArray request;
        Done done;
    };

    void sendNext();
    void fail(const QString &message);

    QProcess *m_process = nullptr;
    QString m_readyLine;
    QString m_socketPath;
    QLocalSocket *m_socket = nullptr;
    HttpResponseParser m_parser;
    QList<Pending> m_queue;
    bool m_busy = false;
    int m_status = 0;
    QByteArray m_body;
};

} // namespace cape
