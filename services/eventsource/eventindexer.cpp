#include "eventindexer.h"

#include "eventkeys.h"
#include "jsontext.h"

#include <QDateTime>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcEventd, "cape.eventd")

namespace cape {

namespace {

constexpr int MaxInFlight = 3; // batches written while the next is read
constexpr int MaxRetryDelayMs = 10000;
constexpr int ScheduleRecheckMs = 30000; // besides the wake-ups, in case one was missed

QByteArray bytes(const char *text)
{
    return QByteArray(text);
}

QByteArray number(qint64 value)
{
    return QByteArray::number(value);
}

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

} // namespace

EventIndexer::EventIndexer(const Options &options, QObject *parent)
    : QObject(parent)
    , m_options(options)
{
    for (RedisConnection *connection : {&m_reader, &m_writer, &m_scheduler, &m_subscriber}) {
        connect(connection, &RedisConnection::ready, this, &EventIndexer::onConnectionReady);
        connect(connection, &RedisConnection::disconnected, this, &EventIndexer::onConnectionLost);
    }
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &EventIndexer::connectAll);
    m_reclaimTimer.setInterval(m_options.reclaimIntervalMs);
    connect(&m_reclaimTimer, &QTimer::timeout, this, &EventIndexer::reclaim);
    m_scheduleTimer.setSingleShot(true);
    connect(&m_scheduleTimer, &QTimer::timeout, this, &EventIndexer::checkSchedule);
    m_statsTimer.setInterval(m_options.statsIntervalMs);
    connect(&m_statsTimer, &QTimer::timeout, this, &EventIndexer::refreshStats);
    m_stopDeadline.setSingleShot(true);
    connect(&m_stopDeadline, &QTimer::timeout, this, &EventIndexer::finishStop);
}

EventIndexer::~EventIndexer() = default;

void EventIndexer::setState(State state)
{
    if (m_state == state)
        return;
    m_state = state;
    emit stateChanged(state);
}

bool EventIndexer::isHealthy() const
{
    return m_state == State::Running && m_reader.isReady() && m_writer.isReady() && m_scheduler.isReady() &&
           m_subscriber.isReady();
}

void EventIndexer::report(const QString &message)
{
    m_lastProblem = message;
    qCWarning(lcEventd).noquote() << message;
    emit problem(message);
}

void EventIndexer::start()
{
    if (m_state != State::Idle && m_state != State::Stopped)
        return;
    connectAll();
}

void EventIndexer::connectAll()
{
    setState(State::Connecting);
    m_ready = 0;
    m_reading = m_reclaiming = m_moving = false;
    m_inFlight = 0;
    m_knownGroups.clear();
    for (RedisConnection *connection : {&m_reader, &m_writer, &m_scheduler, &m_subscriber}) {
        RedisConnection::Options options = m_options.redis;
        if (connection == &m_reader)
            options.commandTimeoutMs += m_options.blockMs;
        connection->open(options);
    }
}

void EventIndexer::onConnectionReady()
{
    if (m_state == State::Connecting && ++m_ready == 4)
        onConnected();
}

void EventIndexer::onConnectionLost(const QString &reason)
{
    if (m_state == State::Stopping) {
        if (!m_writer.isReady() || m_inFlight == 0)
            finishStop();
        return;
    }
    if (m_state == State::Stopped || m_state == State::Idle || m_reconnect.isActive())
        return;
    // One connection lost: start over on all four, from what the group says.
    for (RedisConnection *connection : {&m_reader, &m_writer, &m_scheduler, &m_subscriber})
        connection->close();
    m_reclaimTimer.stop();
    m_scheduleTimer.stop();
    m_statsTimer.stop();
    const int delay = std::min(MaxRetryDelayMs, 500 << std::min(m_attempt++, 5));
    ++m_counters.reconnects;
    report(tr("%1; reconnecting in %2 ms").arg(reason).arg(delay));
    setState(State::Connecting);
    m_reconnect.start(delay);
}

void EventIndexer::onConnected()
{
    // The queue and its group, as the client creates them (from the start of
    // the stream here: what was queued before the group existed is not lost).
    m_writer.command({bytes("XGROUP"), bytes("CREATE"), bytes(EventKeys::Queue), bytes(EventKeys::Queue),
                      bytes("0"), bytes("MKSTREAM")},
                     [this](const RedisValue &reply) {
                         if (reply.isError() && !reply.isErrorCode("BUSYGROUP")) {
                             if (!reply.isConnectionError())
                                 report(tr("Cannot create the queue's group: %1").arg(reply.errorMessage()));
                             return;
                         }
                         setState(State::Running);
                         m_readMode = ReadMode::OwnPending; // what this consumer read before a crash first
                         m_pendingCursor = QByteArrayLiteral("0");
                         read();
                         reclaim();
                         checkSchedule();
                         refreshStats();
                         m_reclaimTimer.start();
                         m_statsTimer.start();
                     });
    const auto wake = [this](const QByteArray &channel, const QByteArray &) {
        if (channel == EventKeys::Scheduled || channel == EventKeys::ScheduleCleared)
            checkSchedule();
    };
    m_subscriber.subscribe(bytes(EventKeys::Scheduled), wake);
    m_subscriber.subscribe(bytes(EventKeys::ScheduleCleared), wake);
}

void EventIndexer::read()
{
    if (m_state != State::Running || m_reading || m_inFlight >= MaxInFlight)
        return;
    m_reading = true;
    QList<QByteArray> args{bytes("XREADGROUP"), bytes("GROUP"), bytes(EventKeys::Queue),
                           m_options.consumer,  bytes("COUNT"), number(m_options.batchSize)};
    int extra = 0;
    if (m_readMode == ReadMode::New) {
        args << bytes("BLOCK") << number(m_options.blockMs);
        extra = m_options.blockMs;
    }
    args << bytes("STREAMS") << bytes(EventKeys::Queue)
         << (m_readMode == ReadMode::New ? QByteArrayLiteral(">") : m_pendingCursor);
    m_reader.command(
        args, [this](const RedisValue &reply) { onRead(reply); }, extra);
}

QList<EventIndexer::Entry> EventIndexer::entriesOf(const RedisValue &list)
{
    QList<Entry> entries;
    for (const RedisValue &item : list.elements) {
        Entry entry;
        entry.id = item.at(0).text;
        if (item.at(1).isNil())
            entry.deleted = true;
        else
            entry.fields = item.at(1).toPairs();
        if (!entry.id.isEmpty())
            entries.append(std::move(entry));
    }
    return entries;
}

void EventIndexer::onRead(const RedisValue &reply)
{
    m_reading = false;
    if (m_state != State::Running)
        return;
    if (reply.isError()) {
        if (reply.isConnectionError())
            return; // onConnectionLost starts over
        if (reply.isErrorCode("NOGROUP")) {
            // Someone deleted the queue or its group: make them again.
            onConnected();
            return;
        }
        report(tr("Reading the queue failed: %1").arg(reply.errorMessage()));
        QTimer::singleShot(1000, this, &EventIndexer::read);
        return;
    }
    // [[stream, [[id, [field, value, …]], …]]], or nil when BLOCK timed out.
    const QList<Entry> entries = reply.isNil() ? QList<Entry>{} : entriesOf(reply.at(0).at(1));
    if (m_readMode == ReadMode::OwnPending) {
        if (entries.isEmpty())
            m_readMode = ReadMode::New;
        else
            m_pendingCursor = entries.last().id;
    }
    if (!entries.isEmpty())
        writeBatch(entries);
    read();
}

void EventIndexer::reclaim()
{
    if (m_state != State::Running || m_reclaiming)
        return;
    m_reclaiming = true;
    // Entries another consumer (a crashed replica, the reference server's
    // 'consumer', or this one before a restart under another name) read and
    // never acknowledged.
    auto next = std::make_shared<std::function<void(const QByteArray &)>>();
    *next = [this, next](const QByteArray &cursor) {
        m_writer.command(
            {bytes("XAUTOCLAIM"), bytes(EventKeys::Queue), bytes(EventKeys::Queue), m_options.consumer,
             number(m_options.reclaimIdleMs), cursor, bytes("COUNT"), number(m_options.batchSize)},
            [this, next](const RedisValue &reply) {
                if (reply.isError() || m_state != State::Running) {
                    m_reclaiming = false;
                    if (reply.isError() && !reply.isConnectionError() && !reply.isErrorCode("NOGROUP"))
                        report(tr("Reclaiming pending entries failed: %1").arg(reply.errorMessage()));
                    return;
                }
                // [next cursor, [[id, fields], …], [deleted ids…]]
                const QList<Entry> entries = entriesOf(reply.at(1));
                m_counters.reclaimed += quint64(entries.size());
                if (!entries.isEmpty())
                    writeBatch(entries);
                const QByteArray nextCursor = reply.at(0).text;
                if (nextCursor.isEmpty() || nextCursor == "0-0")
                    m_reclaiming = false;
                else
                    (*next)(nextCursor);
            });
    };
    (*next)(QByteArrayLiteral("0-0"));
}

void EventIndexer::writeBatch(const QList<Entry> &entries)
{
    const qint64 now = nowMs();
    const QByteArray queue = bytes(EventKeys::Queue);
    struct Outcome
    {
        QByteArray id;
        int firstCommand = 0; // its commands' replies in EXEC's answer
        int lastCommand = 0;
        bool indexed = false;
    };
    auto outcomes = std::make_shared<QList<Outcome>>();
    QList<QList<QByteArray>> transaction;
    bool anyFailed = false;

    for (const Entry &entry : entries) {
        Outcome outcome{entry.id, int(transaction.size()), 0, false};
        if (entry.deleted) {
            // Deleted from the stream while pending: nothing left to index.
            transaction.append({bytes("XACK"), queue, queue, entry.id});
            outcome.lastCommand = int(transaction.size()) - 1;
            outcomes->append(outcome);
            continue;
        }
        const QueuedEvent event = QueuedEvent::fromFields(entry.fields, now);
        if (!event.isValid()) {
            // Kept with its reason and fields, acknowledged, and the queue moves on.
            QByteArray fields = "{";
            for (const auto &[name, raw] : entry.fields) {
                if (fields.size() > 1)
                    fields += ',';
                fields +=
                    JsonText::quote(QString::fromUtf8(name)) + ':' + JsonText::quote(QString::fromUtf8(raw));
            }
            fields += '}';
            const QByteArray chain =
                "{\"id\":" + JsonText::quote(QString::fromUtf8(entry.id)) + ",\"fields\":" + fields + '}';
            transaction.append({bytes("XADD"), bytes(EventKeys::ErrorQueued), bytes("*"), bytes("code"),
                                bytes("\"E_EVENTSOURCE_INVALID_EVENT\""), bytes("message"),
                                JsonText::quote(QStringLiteral("%1 cannot be indexed: %2")
                                                    .arg(QString::fromUtf8(entry.id), event.error())),
                                bytes("chain"), chain});
            transaction.append({bytes("XACK"), queue, queue, entry.id});
            outcome.lastCommand = int(transaction.size()) - 1;
            outcomes->append(outcome);
            anyFailed = true;
            qCWarning(lcEventd).noquote() << entry.id << "cannot be indexed:" << event.error();
            continue;
        }
        // As the reference's persistProcess, in its order.
        const QByteArray member =
            JsonText::quote(QString::fromUtf8(entry.id)); // ZADD members are JSON strings
        const QByteArray score = number(event.timestampMs());
        transaction.append({bytes("HSET"), bytes(EventKeys::Data), entry.id, event.json()});
        transaction.append({bytes("ZADD"), EventKeys::history(event.domain(), event.pid()), score, member});
        transaction.append({bytes("ZADD"),
                            EventKeys::historyByName(event.domain(), event.pid(), event.name()), score,
                            member});
        transaction.append({bytes("ZADD"), EventKeys::historyOnlyByName(event.name()), score, member});
        transaction.append({bytes("ZADD"), EventKeys::historyOnlyByPid(event.pid()), score, member});
        if (!event.ppid().isEmpty()) {
            transaction.append({bytes("ZADD"), EventKeys::historyOnlyByPpid(event.ppid()), score, member});
            transaction.append(
                {bytes("ZADD"), EventKeys::historyByPpid(event.domain(), event.ppid()), score, member});
        }
        transaction.append({bytes("XDEL"), queue, entry.id});
        if (event.broadcast()) {
            const QByteArray persisted = EventKeys::persisted(event.domain(), event.name());
            if (!m_knownGroups.contains(persisted)) {
                // Before the transaction, as the reference creates it before writing.
                m_writer.command(
                    {bytes("XGROUP"), bytes("CREATE"), persisted, persisted, bytes("$"), bytes("MKSTREAM")});
                m_knownGroups.insert(persisted);
            }
            const QByteArray message = "{\"id\":" + member + '}';
            transaction.append({bytes("XADD"), persisted, bytes("*"), bytes("id"), member});
            transaction.append({bytes("PUBLISH"), persisted, message});
            transaction.append(
                {bytes("PUBLISH"), EventKeys::persistedPid(event.domain(), event.pid()), message});
            transaction.append({bytes("PUBLISH"),
                                EventKeys::persistedPidName(event.domain(), event.pid(), event.name()),
                                message});
        }
        transaction.append({bytes("XACK"), queue, queue, entry.id});
        outcome.lastCommand = int(transaction.size()) - 1;
        outcome.indexed = true;
        outcomes->append(outcome);
    }
    if (anyFailed)
        transaction.append({bytes("PUBLISH"), bytes(EventKeys::ErrorQueued), bytes("null")});

    ++m_inFlight;
    m_writer.command({bytes("MULTI")});
    for (const QList<QByteArray> &command : std::as_const(transaction))
        m_writer.command(command);
    m_writer.command({bytes("EXEC")}, [this, outcomes](const RedisValue &reply) {
        --m_inFlight;
        if (reply.isConnectionError()) {
            // Unknown whether it ran: it ran whole or not at all, and the
            // group still lists what did not.
            onBatchWritten();
            return;
        }
        if (!reply.isArray()) {
            report(tr("A batch of %1 was refused (%2); it stays pending and is retried")
                       .arg(outcomes->size())
                       .arg(reply.isError() ? reply.errorMessage() : tr("no answer")));
            onBatchWritten();
            return;
        }
        int indexed = 0;
        for (const Outcome &outcome : std::as_const(*outcomes)) {
            QString failure;
            for (int i = outcome.firstCommand; i <= outcome.lastCommand && failure.isEmpty(); ++i) {
                if (reply.at(i).isError())
                    failure = reply.at(i).errorMessage();
            }
            if (!failure.isEmpty()) {
                ++m_counters.failed;
                report(tr("Event %1 was not fully indexed: %2").arg(QString::fromUtf8(outcome.id), failure));
            } else if (outcome.indexed) {
                ++indexed;
            } else {
                ++m_counters.failed;
            }
        }
        m_counters.indexed += quint64(indexed);
        ++m_counters.batches;
        m_attempt = 0;
        emit batchIndexed(indexed);
        onBatchWritten();
    });
}

void EventIndexer::onBatchWritten()
{
    if (m_state == State::Stopping) {
        if (m_inFlight == 0)
            finishStop();
        return;
    }
    read();
}

void EventIndexer::checkSchedule()
{
    if (m_state != State::Running || m_moving)
        return;
    m_scheduler.command({bytes("ZRANGEBYSCORE"), bytes(EventKeys::Scheduled), bytes("-inf"), bytes("+inf"),
                         bytes("WITHSCORES"), bytes("LIMIT"), bytes("0"), bytes("1")},
                        [this](const RedisValue &reply) {
                            if (reply.isError() || m_state != State::Running) {
                                if (reply.isError() && !reply.isConnectionError())
                                    report(tr("Reading the schedule failed: %1").arg(reply.errorMessage()));
                                return;
                            }
                            if (reply.elements.size() < 2) {
                                m_scheduleTimer.start(ScheduleRecheckMs);
                                return;
                            }
                            const qint64 due = qint64(reply.at(1).text.toDouble());
                            const qint64 wait = due - nowMs();
                            if (wait <= 0)
                                moveDueEvents();
                            else
                                m_scheduleTimer.start(int(std::min<qint64>(wait, ScheduleRecheckMs)));
                        });
}

void EventIndexer::moveDueEvents()
{
    if (m_state != State::Running || m_moving)
        return;
    m_moving = true;
    const QByteArray scheduled = bytes(EventKeys::Scheduled);
    const QByteArray now = number(nowMs());
    m_scheduler.command({bytes("WATCH"), scheduled});
    m_scheduler.command(
        {bytes("ZRANGEBYSCORE"), scheduled, bytes("-inf"), now, bytes("LIMIT"), bytes("0"),
         number(m_options.batchSize)},
        [this, scheduled](const RedisValue &due) {
            if (due.isError() || m_state != State::Running) {
                m_moving = false;
                if (due.isError() && !due.isConnectionError())
                    report(tr("Reading due scheduled events failed: %1").arg(due.errorMessage()));
                return;
            }
            if (due.elements.isEmpty()) {
                m_scheduler.command({bytes("UNWATCH")});
                m_moving = false;
                checkSchedule();
                return;
            }
            const qint64 movedAt = nowMs();
            int queued = 0;
            m_scheduler.command({bytes("MULTI")});
            for (const RedisValue &member : due.elements) {
                QString error;
                std::optional<QueuedEvent::Fields> fields;
                // Members are the event's JSON, as a JSON value (JSON.stringify of it).
                const auto text = JsonText::parseValue(member.text);
                if (text && text->isObject())
                    fields = QueuedEvent::fieldsOfJson(member.text, &error);
                else
                    error = tr("not an event: %1").arg(QString::fromUtf8(member.text.left(80)));
                const QueuedEvent event = fields ? QueuedEvent::fromFields(*fields, movedAt) : QueuedEvent{};
                if (fields && event.isValid()) {
                    QList<QByteArray> add{bytes("XADD"), bytes(EventKeys::Queue), bytes("*")};
                    for (const auto &[name, value] : event.queueFields())
                        add << name << value;
                    m_scheduler.command(add);
                    ++queued;
                } else {
                    const QString reason = fields ? event.error() : error;
                    m_scheduler.command(
                        {bytes("XADD"), bytes(EventKeys::ErrorScheduled), bytes("*"), bytes("code"),
                         bytes("\"E_EVENTSOURCE_INVALID_SCHEDULED_EVENT\""), bytes("message"),
                         JsonText::quote(tr("a scheduled event cannot be queued: %1").arg(reason)),
                         bytes("chain"),
                         "{\"event\":" + JsonText::quote(QString::fromUtf8(member.text)) + '}'});
                    m_scheduler.command({bytes("PUBLISH"), bytes(EventKeys::ErrorScheduled), bytes("null")});
                    ++m_counters.failed;
                }
                m_scheduler.command({bytes("ZREM"), scheduled, member.text});
            }
            m_scheduler.command({bytes("PUBLISH"), bytes(EventKeys::Queue), bytes("null")});
            m_scheduler.command({bytes("EXEC")}, [this, queued](const RedisValue &reply) {
                m_moving = false;
                if (reply.isError()) {
                    if (!reply.isConnectionError())
                        report(tr("Queueing scheduled events failed: %1").arg(reply.errorMessage()));
                    return;
                }
                // Nil: another replica changed the schedule meanwhile; look again.
                if (reply.isArray())
                    m_counters.scheduledQueued += quint64(queued);
                moveDueEvents();
            });
        });
}

void EventIndexer::refreshStats()
{
    if (m_state != State::Running)
        return;
    m_writer.command({bytes("XINFO"), bytes("GROUPS"), bytes(EventKeys::Queue)},
                     [this](const RedisValue &reply) {
                         for (const RedisValue &group : reply.elements) {
                             qint64 pending = -1, lag = -1;
                             bool ours = false;
                             for (qsizetype i = 0; i + 1 < group.elements.size(); i += 2) {
                                 const QByteArray &key = group.at(i).text;
                                 const RedisValue &value = group.at(i + 1);
                                 if (key == "name")
                                     ours = value.text == EventKeys::Queue;
                                 else if (key == "pending")
                                     pending = value.integer;
                                 else if (key == "lag")
                                     lag = value.isNil() ? -1 : value.integer;
                             }
                             if (ours) {
                                 m_counters.pending = pending;
                                 m_counters.lag = lag;
                             }
                         }
                     });
    m_writer.command({bytes("ZCARD"), bytes(EventKeys::Scheduled)}, [this](const RedisValue &reply) {
        if (reply.type == RedisValue::Type::Integer)
            m_counters.scheduled = reply.integer;
    });
}

void EventIndexer::stop(int timeoutMs)
{
    if (m_state == State::Stopped || m_state == State::Idle || m_state == State::Stopping) {
        if (m_state != State::Stopping)
            QMetaObject::invokeMethod(this, &EventIndexer::stopped, Qt::QueuedConnection);
        return;
    }
    setState(State::Stopping);
    m_reconnect.stop();
    m_reclaimTimer.stop();
    m_scheduleTimer.stop();
    m_statsTimer.stop();
    // A read in flight may still deliver entries: they stay pending for this
    // consumer and are read first at the next start (or taken over).
    m_reader.close();
    m_subscriber.close();
    m_scheduler.close();
    if (m_inFlight == 0 || !m_writer.isReady()) {
        finishStop();
        return;
    }
    m_stopDeadline.start(timeoutMs);
}

void EventIndexer::finishStop()
{
    if (m_state == State::Stopped)
        return;
    m_stopDeadline.stop();
    m_writer.close();
    setState(State::Stopped);
    emit stopped();
}

QByteArray EventIndexer::metrics() const
{
    QByteArray out;
    const auto metric = [&out](const char *name, const char *type, const char *help, qint64 value) {
        out += QByteArray("# HELP cape_eventd_") + name + ' ' + help + '\n';
        out += QByteArray("# TYPE cape_eventd_") + name + ' ' + type + '\n';
        out += QByteArray("cape_eventd_") + name + ' ' + QByteArray::number(value) + '\n';
    };
    metric("indexed_total", "counter", "Events indexed.", qint64(m_counters.indexed));
    metric("failed_total", "counter",
           "Queue entries that could not be indexed (sent to process-error-queued).",
           qint64(m_counters.failed));
    metric("reclaimed_total", "counter", "Pending entries taken over from consumers that went quiet.",
           qint64(m_counters.reclaimed));
    metric("scheduled_queued_total", "counter", "Scheduled events moved into the queue.",
           qint64(m_counters.scheduledQueued));
    metric("batches_total", "counter", "Batches written (one MULTI/EXEC each).", qint64(m_counters.batches));
    metric("redis_reconnects_total", "counter", "Times the Redis connections were lost and reopened.",
           qint64(m_counters.reconnects));
    metric("redis_up", "gauge", "1 while every Redis connection is ready.", isHealthy() ? 1 : 0);
    if (m_counters.pending >= 0)
        metric("pending", "gauge", "Entries read by a consumer of the queue's group and not acknowledged.",
               m_counters.pending);
    if (m_counters.lag >= 0)
        metric("lag", "gauge", "Entries in the queue not yet read by the group.", m_counters.lag);
    if (m_counters.scheduled >= 0)
        metric("scheduled", "gauge", "Events scheduled for later.", m_counters.scheduled);
    return out;
}

} // namespace cape
