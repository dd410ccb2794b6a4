#include "redisconnection.h"

#include <QSocketNotifier>

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <vector>

namespace cape {

namespace {
constexpr int WatchdogMs = 250;
}

struct RedisConnection::Pending
{
    RedisConnection *connection = nullptr;
    Callback callback;
    MessageHandler handler; // set for a subscription: called for every message
    bool tracked = false;   // has a deadline in m_deadlines
};

RedisConnection::RedisConnection(QObject *parent)
    : QObject(parent)
{
    m_watchdog.setInterval(WatchdogMs);
    connect(&m_watchdog, &QTimer::timeout, this, &RedisConnection::checkTimeouts);
}

RedisConnection::~RedisConnection()
{
    // Pending callbacks are freed without being called: their owners may be
    // gone already.
    m_destroying = true;
    if (m_context) {
        redisAsyncContext *context = std::exchange(m_context, nullptr);
        redisAsyncFree(context);
    }
}

QString RedisConnection::address() const
{
    return QStringLiteral("%1:%2").arg(m_options.host).arg(m_options.port);
}

void RedisConnection::open(const Options &options)
{
    if (m_context)
        close();
    m_options = options;
    m_failure.clear();
    m_deadlines.clear();
    redisAsyncContext *context = redisAsyncConnect(options.host.toUtf8().constData(), options.port);
    if (!context || context->err) {
        const QString reason = context ? QString::fromUtf8(context->errstr) : QStringLiteral("out of memory");
        if (context)
            redisAsyncFree(context);
        m_state = State::Disconnected;
        QMetaObject::invokeMethod(
            this, [this, reason] { emit disconnected(tr("Redis at %1: %2").arg(address(), reason)); },
            Qt::QueuedConnection);
        return;
    }
    m_context = context;
    m_fd = context->c.fd;
    m_context->data = this;
    m_context->ev.data = this;
    m_context->ev.addRead = &RedisConnection::addRead;
    m_context->ev.delRead = &RedisConnection::delRead;
    m_context->ev.addWrite = &RedisConnection::addWrite;
    m_context->ev.delWrite = &RedisConnection::delWrite;
    m_context->ev.cleanup = &RedisConnection::cleanup;
    redisAsyncSetConnectCallback(m_context, &RedisConnection::onConnect);
    redisAsyncSetDisconnectCallback(m_context, &RedisConnection::onDisconnect);
    m_state = State::Connecting;
    m_connectDeadline = QDeadlineTimer(options.connectTimeoutMs);
    m_watchdog.start();

    // Ready once the server answers (and has accepted the password): hiredis
    // queues commands until the socket connects.
    auto *hello = new Pending{this, {}, {}, false};
    hello->callback = [this](const RedisValue &reply) {
        if (reply.isConnectionError())
            return; // disconnected() says why
        if (reply.isError()) {
            fail(tr("Redis at %1 refused the password: %2").arg(address(), reply.errorMessage()));
            return;
        }
        m_state = State::Ready;
        emit ready();
    };
    if (options.password.isEmpty())
        send({QByteArrayLiteral("PING")}, hello);
    else
        send({QByteArrayLiteral("AUTH"), options.password}, hello);
}

void RedisConnection::close()
{
    if (m_context)
        fail(tr("closed"));
}

void RedisConnection::command(const QList<QByteArray> &args, Callback callback, int extraTimeoutMs)
{
    if (!m_context || m_state != State::Ready) {
        if (callback) {
            const QString reason = tr("not connected to Redis at %1").arg(address());
            QMetaObject::invokeMethod(
                this, [callback, reason] { callback(RedisValue::error(reason.toUtf8(), true)); },
                Qt::QueuedConnection);
        }
        return;
    }
    if (!callback) {
        // No one waits for it (the commands of a MULTI): no callback, no
        // deadline of its own; the next tracked command's covers it, since
        // replies come in order.
        send(args, nullptr);
        return;
    }
    m_deadlines.emplace_back(m_options.commandTimeoutMs + extraTimeoutMs);
    send(args, new Pending{this, std::move(callback), {}, true});
}

void RedisConnection::subscribe(const QByteArray &channel, MessageHandler handler)
{
    if (!m_context || m_state != State::Ready)
        return;
    send({QByteArrayLiteral("SUBSCRIBE"), channel}, new Pending{this, {}, std::move(handler), false});
}

void RedisConnection::psubscribe(const QByteArray &pattern, MessageHandler handler)
{
    if (!m_context || m_state != State::Ready)
        return;
    send({QByteArrayLiteral("PSUBSCRIBE"), pattern}, new Pending{this, {}, std::move(handler), false});
}

void RedisConnection::send(const QList<QByteArray> &args, Pending *pending)
{
    std::vector<const char *> argv;
    std::vector<size_t> lengths;
    argv.reserve(size_t(args.size()));
    lengths.reserve(size_t(args.size()));
    for (const QByteArray &arg : args) {
        argv.push_back(arg.constData());
        lengths.push_back(size_t(arg.size()));
    }
    if (redisAsyncCommandArgv(m_context, pending ? &RedisConnection::onReply : nullptr, pending,
                              int(argv.size()), argv.data(), lengths.data()) != REDIS_OK) {
        if (!pending)
            return;
        // Only when the context is already being torn down.
        if (pending->tracked)
            m_deadlines.pop_back();
        Callback callback = std::move(pending->callback);
        delete pending;
        if (callback && !m_destroying) {
            const QString reason = tr("Redis at %1 is disconnecting").arg(address());
            QMetaObject::invokeMethod(
                this, [callback, reason] { callback(RedisValue::error(reason.toUtf8(), true)); },
                Qt::QueuedConnection);
        }
    }
}

void RedisConnection::fail(const QString &reason)
{
    if (!m_context)
        return;
    if (m_failure.isEmpty())
        m_failure = reason;
    redisAsyncContext *context = std::exchange(m_context, nullptr);
    const bool connected = context->c.flags & REDIS_CONNECTED;
    // Inside one of its callbacks hiredis frees it on the way out; either
    // way pending callbacks get a null reply (a connection error) first.
    redisAsyncFree(context);
    // hiredis says disconnected only for a connected context.
    if (!connected)
        QMetaObject::invokeMethod(
            this, [this, reason = m_failure] { finish(reason); }, Qt::QueuedConnection);
}

void RedisConnection::finish(const QString &reason)
{
    if (m_context || m_state == State::Disconnected)
        return; // reopened meanwhile, or said already
    m_state = State::Disconnected;
    m_deadlines.clear();
    m_watchdog.stop();
    emit disconnected(tr("Redis at %1: %2").arg(address(), reason));
}

void RedisConnection::checkTimeouts()
{
    if (!m_context)
        return;
    if (m_state == State::Connecting && m_connectDeadline.hasExpired())
        fail(tr("no answer within %1 ms of connecting").arg(m_options.connectTimeoutMs));
    else if (!m_deadlines.empty() && m_deadlines.front().hasExpired())
        fail(tr("no reply within %1 ms").arg(m_options.commandTimeoutMs));
}

void RedisConnection::onConnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (status == REDIS_OK || !self)
        return;
    // hiredis frees the context after this returns.
    if (self->m_failure.isEmpty())
        self->m_failure = QString::fromUtf8(context->errstr);
    if (self->m_context == context)
        self->m_context = nullptr;
    QMetaObject::invokeMethod(
        self, [self, reason = self->m_failure] { self->finish(reason); }, Qt::QueuedConnection);
}

void RedisConnection::onDisconnect(const redisAsyncContext *context, int status)
{
    auto *self = static_cast<RedisConnection *>(context->data);
    if (!self || self->m_destroying)
        return;
    if (self->m_failure.isEmpty())
        self->m_failure = status == REDIS_OK ? tr("closed") : QString::fromUtf8(context->errstr);
    if (self->m_failure.isEmpty())
        self->m_failure = tr("the server closed the connection");
    if (self->m_context == context)
        self->m_context = nullptr;
    QMetaObject::invokeMethod(
        self, [self, reason = self->m_failure] { self->finish(reason); }, Qt::QueuedConnection);
}

void RedisConnection::onReply(redisAsyncContext *context, void *reply, void *privdata)
{
    auto *pending = static_cast<Pending *>(privdata);
    RedisConnection *self = pending->connection;
    if (!reply) {
        // The connection went: every pending command hears why.
        if (!self->m_destroying && pending->callback) {
            QString reason = self->m_failure;
            if (reason.isEmpty())
                reason = context->errstr[0] ? QString::fromUtf8(context->errstr) : tr("connection lost");
            pending->callback(
                RedisValue::error(tr("Redis at %1: %2").arg(self->address(), reason).toUtf8(), true));
        }
        delete pending;
        return;
    }
    const auto *redisReplyValue = static_cast<const redisReply *>(reply);
    if (pending->handler) {
        // ["message", channel, payload] or ["pmessage", pattern, channel,
        // payload]; the subscribe confirmations are neither.
        const auto text = [redisReplyValue](size_t i) {
            return QByteArray(redisReplyValue->element[i]->str, qsizetype(redisReplyValue->element[i]->len));
        };
        const bool isArray = redisReplyValue->type == REDIS_REPLY_ARRAY && !self->m_destroying;
        if (isArray && redisReplyValue->elements == 4 &&
            qstrcmp(redisReplyValue->element[0]->str, "pmessage") == 0)
            pending->handler(text(2), text(3));
        else if (isArray && redisReplyValue->elements == 3 &&
                 qstrcmp(redisReplyValue->element[0]->str, "message") == 0)
            pending->handler(text(1), text(2));
        return;
    }
    if (pending->tracked && !self->m_deadlines.empty())
        self->m_deadlines.pop_front();
    if (!self->m_destroying && pending->callback)
        pending->callback(RedisValue::fromReply(redisReplyValue));
    delete pending;
}

void RedisConnection::addRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (!self->m_readNotifier) {
        self->m_readNotifier = new QSocketNotifier(qintptr(self->m_fd), QSocketNotifier::Read, self);
        connect(self->m_readNotifier, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleRead(self->m_context);
        });
    }
    self->m_readNotifier->setEnabled(true);
}

void RedisConnection::delRead(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self->m_readNotifier)
        self->m_readNotifier->setEnabled(false);
}

void RedisConnection::addWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (!self->m_writeNotifier) {
        self->m_writeNotifier = new QSocketNotifier(qintptr(self->m_fd), QSocketNotifier::Write, self);
        connect(self->m_writeNotifier, &QSocketNotifier::activated, self, [self] {
            if (self->m_context)
                redisAsyncHandleWrite(self->m_context);
        });
    }
    self->m_writeNotifier->setEnabled(true);
}

void RedisConnection::delWrite(void *data)
{
    auto *self = static_cast<RedisConnection *>(data);
    if (self->m_writeNotifier)
        self->m_writeNotifier->setEnabled(false);
}

void RedisConnection::cleanup(void *data)
{
    // The socket is closing; the notifiers may be the ones calling.
    auto *self = static_cast<RedisConnection *>(data);
    for (QSocketNotifier **notifier : {&self->m_readNotifier, &self->m_writeNotifier}) {
        if (*notifier) {
            (*notifier)->setEnabled(false);
            (*notifier)->deleteLater();
            *notifier = nullptr;
        }
    }
}

} // namespace cape
