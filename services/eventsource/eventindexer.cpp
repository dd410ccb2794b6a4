#include "eventindexer.h"

#include "eventkeys.h"
#include "indexbatch.h"
#include "services/core/jsontext.h"

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
    connect(&m_router, &RedisCluster::disconnected, this, &EventIndexer::onConnectionLost);
    connect(&m_router, &RedisCluster::ready, this, [this] {
        // The queue's own connections go to the master of its slot.
        const HostPort queueNode = m_router.masterOf(EventKeys::Queue);
        RedisConnection::Options where = m_options.redis;
        where.host = queueNode.host;
        where.port = queueNode.port;
        openQueueConnections(where);
    });
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

QList<RedisConnection *> EventIndexer::queueConnections()
{
    // On a cluster the schedule goes through the router: no connection of its own.
    if (isCluster())
        return {&m_reader, &m_writer, &m_subscriber};
    return {&m_reader, &m_writer, &m_scheduler, &m_subscriber};
}

bool EventIndexer::isHealthy() const
{
    return m_state == State::Running && m_reader.isReady() && m_writer.isReady() &&
           (isCluster() || m_scheduler.isReady()) && m_subscriber.isReady() &&
           (!isCluster() || m_router.isReady());
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
    if (isCluster())
        m_router.open({m_options.cluster, m_options.redis}); // then the queue's node
    else
        openQueueConnections(m_options.redis);
}

void EventIndexer::openQueueConnections(const RedisConnection::Options &where)
{
    for (RedisConnection *connection : queueConnections()) {
        RedisConnection::Options options = where;
        if (connection == &m_reader)
            options.commandTimeoutMs += m_options.blockMs;
        connection->open(options);
    }
}

void EventIndexer::onConnectionReady()
{
    if (m_state == State::Connecting && ++m_ready == queueConnections().size())
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
    m_router.close();
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
                             // CLUSTERDOWN, LOADING, a full memory: tried again, with back-off.
                             if (!reply.isConnectionError())
                                 onConnectionLost(
                                     tr("Cannot create the queue's group: %1").arg(reply.errorMessage()));
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
        if (reply.isErrorCode("MOVED")) {
            // The queue's slot went to another master: find it again.
            onConnectionLost(
                tr("the queue moved to another node of the cluster (%1)").arg(reply.errorMessage()));
            return;
        }
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
    if (isCluster()) {
        writeBatchAcrossSlots(entries);
        return;
    }
    const auto batch = std::make_shared<IndexBatch>(entries, nowMs());
    // The groups first, as the reference creates them before writing.
    for (const QByteArray &persisted : batch->persistedStreams()) {
        if (!m_knownGroups.contains(persisted)) {
            m_writer.command({QByteArrayLiteral("XGROUP"), QByteArrayLiteral("CREATE"), persisted, persisted,
                              QByteArrayLiteral("$"), QByteArrayLiteral("MKSTREAM")});
            m_knownGroups.insert(persisted);
        }
    }
    // One transaction: indexed and acknowledged whole, or not at all. The
    // commands whose failure EXEC could report, with the events they serve.
    auto described = std::make_shared<QList<std::pair<QByteArray, int>>>();
    ++m_inFlight;
    m_writer.command({QByteArrayLiteral("MULTI")});
    for (const IndexBatch::Command &command : batch->index()) {
        m_writer.command(command.args);
        described->append({command.key, command.events});
    }
    for (const IndexBatch::Append &append : batch->appends()) {
        m_writer.command(QList<QByteArray>{QByteArrayLiteral("XADD"), append.stream, QByteArrayLiteral("*")} +
                         append.fields);
        described->append({append.stream, 1});
        for (const QByteArray &channel : append.channels) {
            m_writer.command({QByteArrayLiteral("PUBLISH"), channel, append.message});
            described->append({channel, 0});
        }
    }
    if (const QList<QByteArray> xdel = batch->deleteCommand(); !xdel.isEmpty()) {
        m_writer.command(xdel);
        described->append({bytes(EventKeys::Queue), 0});
    }
    m_writer.command(batch->acknowledgeCommand());
    described->append({bytes(EventKeys::Queue), 0});
    m_writer.command({QByteArrayLiteral("EXEC")}, [this, batch, described](const RedisValue &reply) {
        --m_inFlight;
        if (reply.isConnectionError()) {
            // Unknown whether it ran: it ran whole or not at all, and the
            // group still lists what did not.
            onBatchWritten();
            return;
        }
        if (!reply.isArray()) {
            report(tr("A batch of %1 was refused (%2); it stays pending and is retried")
                       .arg(batch->size())
                       .arg(reply.isError() ? reply.errorMessage() : tr("no answer")));
            onBatchWritten();
            return;
        }
        // A command that failed inside the transaction (a key of another
        // type, say) leaves the events it served not fully indexed.
        int notFullyIndexed = 0;
        for (qsizetype i = 0; i < described->size(); ++i) {
            if (!reply.at(i).isError())
                continue;
            const auto &[key, events] = described->at(i);
            notFullyIndexed = std::max(notFullyIndexed, events);
            report(tr("Writing %1 failed (%2): %3 event(s) not fully indexed")
                       .arg(QString::fromUtf8(key), reply.at(i).errorMessage())
                       .arg(events));
        }
        notFullyIndexed = std::min(notFullyIndexed, batch->indexed());
        m_counters.indexed += quint64(batch->indexed() - notFullyIndexed);
        m_counters.failed += quint64(batch->invalid() + notFullyIndexed);
        ++m_counters.batches;
        m_attempt = 0;
        emit batchIndexed(batch->indexed() - notFullyIndexed);
        onBatchWritten();
    });
}

QList<QByteArray> EventIndexer::queueFieldsOfScheduled(const QByteArray &member, qint64 movedAt,
                                                       QString *reason)
{
    // Members are the event's JSON, as a JSON value (JSON.stringify of it).
    const auto text = JsonText::parseValue(member);
    if (!text || !text->isObject()) {
        *reason = tr("not an event: %1").arg(QString::fromUtf8(member.left(80)));
        return {};
    }
    const std::optional<QueuedEvent::Fields> fields = QueuedEvent::fieldsOfJson(member, reason);
    if (!fields)
        return {};
    const QueuedEvent event = QueuedEvent::fromFields(*fields, movedAt);
    if (!event.isValid()) {
        *reason = event.error();
        return {};
    }
    QList<QByteArray> flat;
    for (const auto &[name, value] : event.queueFields())
        flat << name << value;
    return flat;
}

QList<QByteArray> EventIndexer::invalidScheduledFields(const QByteArray &member, const QString &reason)
{
    return {bytes("code"),    bytes("\"E_EVENTSOURCE_INVALID_SCHEDULED_EVENT\""),
            bytes("message"), JsonText::quote(tr("a scheduled event cannot be queued: %1").arg(reason)),
            bytes("chain"),   "{\"event\":" + JsonText::quote(QString::fromUtf8(member)) + '}'};
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

void EventIndexer::scheduleCommand(const QList<QByteArray> &args, RedisConnection::Callback callback)
{
    // The schedule's key has a slot of its own, not the queue's.
    if (isCluster())
        m_router.command(bytes(EventKeys::Scheduled), args, std::move(callback));
    else
        m_scheduler.command(args, std::move(callback));
}

void EventIndexer::checkSchedule()
{
    if (m_state != State::Running || m_moving)
        return;
    scheduleCommand({bytes("ZRANGEBYSCORE"), bytes(EventKeys::Scheduled), bytes("-inf"), bytes("+inf"),
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
    if (isCluster()) {
        moveDueEventsAcrossSlots();
        return;
    }
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
                QString reason;
                const QList<QByteArray> fields = queueFieldsOfScheduled(member.text, movedAt, &reason);
                if (!fields.isEmpty()) {
                    m_scheduler.command(
                        QList<QByteArray>{bytes("XADD"), bytes(EventKeys::Queue), bytes("*")} + fields);
                    ++queued;
                } else {
                    m_scheduler.command(
                        QList<QByteArray>{bytes("XADD"), bytes(EventKeys::ErrorScheduled), bytes("*")} +
                        invalidScheduledFields(member.text, reason));
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
                             QByteArray lastDelivered;
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
                                 else if (key == "last-delivered-id")
                                     lastDelivered = value.text;
                             }
                             if (ours) {
                                 m_counters.pending = pending;
                                 m_counters.lag = lag;
                                 m_lastDeliveredMs = lastDelivered.split('-').value(0).toLongLong();
                             }
                         }
                     });
    // [count, smallest id, largest id, consumers]: entries older than the
    // oldest pending one (or, with none pending, than the last delivered
    // one) are done for good; their once-only markers may go.
    m_writer.command({bytes("XPENDING"), bytes(EventKeys::Queue), bytes(EventKeys::Queue)},
                     [this](const RedisValue &reply) {
                         if (reply.isError() || m_lastDeliveredMs <= 0)
                             return;
                         m_settledBeforeMs = reply.at(0).integer > 0
                                                 ? reply.at(1).text.split('-').value(0).toLongLong()
                                                 : m_lastDeliveredMs;
                     });
    scheduleCommand({bytes("ZCARD"), bytes(EventKeys::Scheduled)}, [this](const RedisValue &reply) {
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
    m_router.close();
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
