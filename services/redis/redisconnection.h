#pragma once

#include "redisvalue.h"

#include <QDeadlineTimer>
#include <QObject>
#include <QTimer>

#include <deque>
#include <functional>

struct redisAsyncContext;
class QSocketNotifier;

namespace cape {

// One connection to a Redis server, driven by the Qt event loop: hiredis's
// asynchronous API with socket notifiers, without blocking anything.
//
// Commands are pipelined in the order given; each callback gets the reply,
// or an Error value marked as a connection error when the connection is
// lost, refused or stops answering (connect and command timeouts). After
// disconnected() every pending callback has been called; open() again to
// reconnect (the owner decides on back-off).
//
// Callbacks run inside hiredis's read handler: they may issue commands, and
// close() the connection, but must not delete it (deleteLater does).
class RedisConnection : public QObject
{
    Q_OBJECT

public:
    struct Options
    {
        QString host = QStringLiteral("127.0.0.1");
        quint16 port = 6379;
        QByteArray password; // AUTH when set
        int connectTimeoutMs = 5000;
        int commandTimeoutMs = 10000;
    };
    enum class State { Disconnected, Connecting, Ready };
    Q_ENUM(State)

    using Callback = std::function<void(const RedisValue &)>;
    using MessageHandler = std::function<void(const QByteArray &channel, const QByteArray &message)>;

    explicit RedisConnection(QObject *parent = nullptr);
    ~RedisConnection() override;

    void open(const Options &options);
    void close();
    State state() const { return m_state; }
    bool isReady() const { return m_state == State::Ready; }
    QString address() const;

    // Sends a command (its arguments as Redis reads them, binary-safe).
    // Without a callback its reply is dropped, errors included: for the
    // commands of a MULTI, whose results come with EXEC.
    // extraTimeoutMs: for a command that blocks on the server (XREADGROUP
    // BLOCK), how much longer than the command timeout it may take.
    void command(const QList<QByteArray> &args, Callback callback = {}, int extraTimeoutMs = 0);
    // SUBSCRIBE: the handler gets every message on the channel until the
    // connection ends. A subscribed connection takes no other commands.
    void subscribe(const QByteArray &channel, MessageHandler handler);
    // PSUBSCRIBE: the same, for every channel matching a glob pattern.
    void psubscribe(const QByteArray &pattern, MessageHandler handler);
    int pendingCount() const { return int(m_deadlines.size()); }

signals:
    void ready();
    // Lost, refused, timed out or closed: why, in a sentence.
    void disconnected(const QString &reason);

private:
    struct Pending;
    static void onConnect(const redisAsyncContext *context, int status);
    static void onDisconnect(const redisAsyncContext *context, int status);
    static void onReply(redisAsyncContext *context, void *reply, void *privdata);
    static void addRead(void *data);
    static void delRead(void *data);
    static void addWrite(void *data);
    static void delWrite(void *data);
    static void cleanup(void *data);

    void send(const QList<QByteArray> &args, Pending *pending);
    void fail(const QString &reason);
    void finish(const QString &reason);
    void checkTimeouts();

    Options m_options;
    redisAsyncContext *m_context = nullptr;
    int m_fd = -1;
    QSocketNotifier *m_readNotifier = nullptr;
    QSocketNotifier *m_writeNotifier = nullptr;
    State m_state = State::Disconnected;
    QString m_failure; // why the connection is being dropped
    bool m_destroying = false;
    std::deque<QDeadlineTimer> m_deadlines; // of commands awaiting replies, in order
    QTimer m_watchdog;
    QDeadlineTimer m_connectDeadline;
};

} // namespace cape
