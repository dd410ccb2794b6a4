#include "eventsourceclient.h"

#include "eventkeys.h"
#include "jsontext.h"
#include "queuedevent.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

#include <memory>

namespace cape {

namespace {

QByteArray bytes(const char *text)
{
    return QByteArray(text);
}

QByteArray compact(const QJsonValue &value)
{
    if (value.isObject())
        return QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact);
    if (value.isArray())
        return QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact);
    const QByteArray wrapped = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return wrapped.mid(1, wrapped.size() - 2);
}

QByteArray nullable(const QString &text)
{
    return text.isEmpty() ? QByteArrayLiteral("null") : JsonText::quote(text);
}

// Sorted-set members are the ids as JSON strings.
QStringList idsOf(const RedisValue &members)
{
    QStringList ids;
    ids.reserve(members.elements.size());
    for (const RedisValue &member : members.elements) {
        const auto id = JsonText::parseValue(member.text);
        ids << (id && id->isString() ? id->toString() : QString::fromUtf8(member.text));
    }
    return ids;
}

QByteArray scoreBound(std::optional<qint64> ms, const char *open)
{
    return ms ? QByteArray::number(*ms) : QByteArray(open);
}

} // namespace

std::optional<EventsourceClient::Event> EventsourceClient::Event::fromJson(const QString &id,
                                                                           const QByteArray &json)
{
    QJsonParseError error{};
    const QJsonObject object = QJsonDocument::fromJson(json, &error).object();
    if (error.error != QJsonParseError::NoError || object.isEmpty())
        return std::nullopt;
    Event event;
    event.id = id;
    event.domain = object.value(QLatin1String("domain")).toString();
    event.pid = object.value(QLatin1String("pid")).toString();
    event.ppid = object.value(QLatin1String("ppid")).toString();
    event.name = object.value(QLatin1String("name")).toString();
    event.rid = object.value(QLatin1String("rid")).toString();
    event.timestamp = object.value(QLatin1String("timestamp")).toString();
    event.timestampMs = QueuedEvent::parseTimestamp(event.timestamp).value_or(0);
    event.data = object.value(QLatin1String("data"));
    return event;
}

EventsourceClient::EventsourceClient(QObject *parent)
    : QObject(parent)
{
    connect(&m_commands, &RedisConnection::ready, this, &EventsourceClient::ready);
    connect(&m_commands, &RedisConnection::disconnected, this, [this](const QString &reason) {
        m_queueGroupMade = false;
        emit disconnected(reason);
    });
    connect(&m_subscriber, &RedisConnection::ready, this, [this] {
        for (auto it = m_listeners.cbegin(); it != m_listeners.cend(); ++it)
            listen(it.key(), {});
    });
    // Subscriptions outlive a lost connection: reopened, subscribed again.
    connect(&m_subscriber, &RedisConnection::disconnected, this, [this] {
        if (!m_listeners.isEmpty() && m_commands.state() != RedisConnection::State::Disconnected)
            QTimer::singleShot(1000, this, [this] {
                if (m_subscriber.state() == RedisConnection::State::Disconnected && !m_listeners.isEmpty())
                    m_subscriber.open(m_options);
            });
    });
}

void EventsourceClient::open(const RedisConnection::Options &options)
{
    m_options = options;
    m_commands.open(options);
    if (!m_listeners.isEmpty())
        m_subscriber.open(options);
}

void EventsourceClient::close()
{
    m_listeners.clear();
    m_commands.close();
    m_subscriber.close();
}

void EventsourceClient::failLater(const std::function<void(const QString &)> &done, const QString &error)
{
    QTimer::singleShot(0, this, [done, error] { done(error); });
}

void EventsourceClient::write(const Input &given, Written done, bool broadcast,
                              const std::optional<Event> &chain)
{
    Input input = given;
    if (chain) {
        const auto lend = [](QString &field, const QString &value) {
            if (field.isEmpty())
                field = value;
        };
        lend(input.rid, chain->id);
        lend(input.domain, chain->domain);
        lend(input.pid, chain->pid);
        lend(input.ppid, chain->ppid);
        lend(input.name, chain->name);
    }
    if (input.domain.isEmpty() || input.pid.isEmpty() || input.name.isEmpty()) {
        failLater([done](const QString &error) { done({}, error); },
                  tr("an event needs a domain, a pid and a name"));
        return;
    }
    const QByteArray queue = bytes(EventKeys::Queue);
    if (!m_queueGroupMade) {
        // As the client: the queue and its group exist before the first write.
        m_commands.command({bytes("XGROUP"), bytes("CREATE"), queue, queue, bytes("$"), bytes("MKSTREAM")},
                           [this](const RedisValue &reply) {
                               m_queueGroupMade = !reply.isError() || reply.isErrorCode("BUSYGROUP");
                           });
    }
    const QDateTime timestamp = input.timestamp.isValid() ? input.timestamp : QDateTime::currentDateTimeUtc();
    m_commands.command({bytes("XADD"), queue, bytes("*"), bytes("data"), compact(input.data), bytes("rid"),
                        nullable(input.rid), bytes("timestamp"),
                        '"' + QueuedEvent::isoTimestamp(timestamp.toMSecsSinceEpoch()) + '"', bytes("domain"),
                        JsonText::quote(input.domain), bytes("pid"), JsonText::quote(input.pid),
                        bytes("ppid"), nullable(input.ppid), bytes("name"), JsonText::quote(input.name),
                        bytes("broadcast"), broadcast ? bytes("true") : bytes("false")},
                       [done](const RedisValue &reply) {
                           if (reply.isError())
                               done({}, reply.errorMessage());
                           else
                               done(QString::fromUtf8(reply.text), {});
                       });
    m_commands.command({bytes("PUBLISH"), queue, bytes("null")});
}

void EventsourceClient::schedule(const QDateTime &due, const Input &input, Done done)
{
    if (input.domain.isEmpty() || input.pid.isEmpty() || input.name.isEmpty() || !due.isValid()) {
        failLater(done, tr("a scheduled event needs a due time, a domain, a pid and a name"));
        return;
    }
    const QDateTime timestamp = input.timestamp.isValid() ? input.timestamp : QDateTime::currentDateTimeUtc();
    // The member is the event's JSON in the schema's order, as the client writes it.
    const QByteArray event = "{\"data\":" + compact(input.data) + ",\"rid\":" + nullable(input.rid) +
                             ",\"timestamp\":\"" + QueuedEvent::isoTimestamp(timestamp.toMSecsSinceEpoch()) +
                             "\",\"domain\":" + JsonText::quote(input.domain) +
                             ",\"pid\":" + JsonText::quote(input.pid) + ",\"ppid\":" + nullable(input.ppid) +
                             ",\"name\":" + JsonText::quote(input.name) + '}';
    const QByteArray score = QByteArray::number(due.toMSecsSinceEpoch());
    m_commands.command(
        {bytes("ZADD"), bytes(EventKeys::Scheduled), score, event},
        [done](const RedisValue &reply) { done(reply.isError() ? reply.errorMessage() : QString()); });
    m_commands.command({bytes("PUBLISH"), bytes(EventKeys::Scheduled), score});
}

void EventsourceClient::readEventById(const QString &id, EventRead done)
{
    m_commands.command({bytes("HGET"), bytes(EventKeys::Data), id.toUtf8()},
                       [done, id](const RedisValue &reply) {
                           if (reply.isError()) {
                               done(std::nullopt, reply.errorMessage());
                               return;
                           }
                           if (reply.isNil()) {
                               done(std::nullopt, {});
                               return;
                           }
                           const auto event = Event::fromJson(id, reply.text);
                           done(event, event ? QString() : tr("event %1 is not JSON in pd").arg(id));
                       });
}

void EventsourceClient::readIds(const QByteArray &key, std::optional<qint64> fromMs,
                                std::optional<qint64> toMs, EventsRead done)
{
    m_commands.command({bytes("ZRANGEBYSCORE"), key, scoreBound(fromMs, "-inf"), scoreBound(toMs, "+inf")},
                       [this, done](const RedisValue &members) {
                           if (members.isError()) {
                               done({}, members.errorMessage());
                               return;
                           }
                           readEvents(idsOf(members), done);
                       });
}

void EventsourceClient::readEvents(const QStringList &ids, EventsRead done)
{
    if (ids.isEmpty()) {
        QTimer::singleShot(0, this, [done] { done({}, {}); });
        return;
    }
    QList<QByteArray> args{bytes("HMGET"), bytes(EventKeys::Data)};
    for (const QString &id : ids)
        args << id.toUtf8();
    m_commands.command(args, [done, ids](const RedisValue &reply) {
        if (reply.isError()) {
            done({}, reply.errorMessage());
            return;
        }
        QList<Event> events;
        QStringList broken;
        for (qsizetype i = 0; i < ids.size(); ++i) {
            if (reply.at(i).isNil())
                continue; // deleted since it was indexed
            if (const auto event = Event::fromJson(ids.at(i), reply.at(i).text))
                events << *event;
            else
                broken << ids.at(i);
        }
        done(events, broken.isEmpty() ? QString() : tr("not JSON in pd: %1").arg(broken.join(u' ')));
    });
}

QByteArray EventsourceClient::indexKey(Index index, const QString &domain, const QString &key)
{
    switch (index) {
    case Index::DomainAndPid:
        return EventKeys::history(domain, key);
    case Index::Pid:
        return EventKeys::historyOnlyByPid(key);
    case Index::Ppid:
        return EventKeys::historyOnlyByPpid(key);
    case Index::DomainAndPpid:
        return EventKeys::historyByPpid(domain, key);
    case Index::Name:
        return EventKeys::historyOnlyByName(key);
    }
    return {};
}

void EventsourceClient::countEventlog(Index index, const QString &domain, const QString &key, Counted done)
{
    m_commands.command({bytes("ZCARD"), indexKey(index, domain, key)}, [done](const RedisValue &reply) {
        done(reply.integer, reply.isError() ? reply.errorMessage() : QString());
    });
}

void EventsourceClient::readEventlogPage(Index index, const QString &domain, const QString &key,
                                         qint64 offset, int count, EventsRead done)
{
    m_commands.command({bytes("ZREVRANGEBYSCORE"), indexKey(index, domain, key), bytes("+inf"), bytes("-inf"),
                        bytes("LIMIT"), QByteArray::number(offset), QByteArray::number(count)},
                       [this, done](const RedisValue &members) {
                           if (members.isError()) {
                               done({}, members.errorMessage());
                               return;
                           }
                           readEvents(idsOf(members), done);
                       });
}

void EventsourceClient::countEvents(Counted done)
{
    m_commands.command({bytes("HLEN"), bytes(EventKeys::Data)}, [done](const RedisValue &reply) {
        done(reply.integer, reply.isError() ? reply.errorMessage() : QString());
    });
}

void EventsourceClient::scanEvents(const QByteArray &cursor, int count, Scanned done)
{
    m_commands.command(
        {bytes("HSCAN"), bytes(EventKeys::Data), cursor, bytes("COUNT"), QByteArray::number(count)},
        [done](const RedisValue &reply) {
            if (reply.isError()) {
                done(QByteArrayLiteral("0"), {}, reply.errorMessage());
                return;
            }
            QList<Event> events;
            for (const auto &[id, json] : reply.at(1).toPairs()) {
                if (const auto event = Event::fromJson(QString::fromUtf8(id), json))
                    events << *event;
            }
            done(reply.at(0).text, events, {});
        });
}

void EventsourceClient::readEventlog(Index index, const QString &domain, const QString &key, EventsRead done,
                                     std::optional<qint64> fromMs, std::optional<qint64> toMs)
{
    readIds(indexKey(index, domain, key), fromMs, toMs, std::move(done));
}

void EventsourceClient::readEventlogByName(const QString &domain, const QString &pid, const QString &name,
                                           EventsRead done)
{
    readIds(EventKeys::historyByName(domain, pid, name), {}, {}, std::move(done));
}

void EventsourceClient::readEvent(const QString &domain, const QString &pid, const QString &name,
                                  EventRead done, std::optional<qint64> timestampMs)
{
    readIds(EventKeys::historyByName(domain, pid, name), timestampMs, timestampMs,
            [done](const QList<Event> &events, const QString &error) {
                done(events.isEmpty() ? std::nullopt : std::optional<Event>(events.last()), error);
            });
}

void EventsourceClient::hasEvent(const QString &domain, const QString &pid, const QString &name, Found done)
{
    m_commands.command({bytes("ZCARD"), EventKeys::historyByName(domain, pid, name)},
                       [done](const RedisValue &reply) {
                           done(reply.integer > 0, reply.isError() ? reply.errorMessage() : QString());
                       });
}

QJsonValue EventsourceClient::deepMerge(const QJsonValue &into, const QJsonValue &from)
{
    if (from.isUndefined())
        return into;
    if (!into.isObject() || !from.isObject())
        return from;
    QJsonObject merged = into.toObject();
    const QJsonObject source = from.toObject();
    for (auto it = source.begin(); it != source.end(); ++it)
        merged.insert(it.key(),
                      merged.contains(it.key()) ? deepMerge(merged.value(it.key()), it.value()) : it.value());
    return merged;
}

void EventsourceClient::readState(const QString &domain, const QString &pid, StateRead done)
{
    readEventlog(Index::DomainAndPid, domain, pid, [done](const QList<Event> &events, const QString &error) {
        QJsonValue state = QJsonObject{};
        for (const Event &event : events)
            state = deepMerge(state, event.data);
        done(state.toObject(), error);
    });
}

void EventsourceClient::listen(const QByteArray &channel, std::function<void(const QByteArray &)> handler)
{
    if (handler)
        m_listeners[channel].append(std::move(handler));
    if (m_subscriber.state() == RedisConnection::State::Disconnected) {
        m_subscriber.open(m_options);
        return; // subscribes to every channel once ready
    }
    if (!m_subscriber.isReady() || (handler && m_listeners.value(channel).size() > 1))
        return;
    if (channel.startsWith("pattern:")) {
        m_subscriber.psubscribe(channel.mid(8),
                                [this, channel](const QByteArray &, const QByteArray &message) {
                                    for (const auto &listener : m_listeners.value(channel))
                                        listener(message);
                                });
        return;
    }
    m_subscriber.subscribe(channel, [this](const QByteArray &from, const QByteArray &message) {
        for (const auto &listener : m_listeners.value(from))
            listener(message);
    });
}

void EventsourceClient::followEvents(const QByteArray &channel, Observer observer)
{
    // The server publishes {"id": …}; the event is read from pd.
    listen(channel, [this, observer](const QByteArray &message) {
        const auto id = JsonText::parseValue(message);
        readEventById(id ? id->toObject().value(QLatin1String("id")).toString() : QString(),
                      [observer](const std::optional<Event> &event, const QString &) {
                          if (event)
                              observer(*event);
                      });
    });
}

void EventsourceClient::followAll(Observer observer)
{
    m_followers << std::move(observer);
    if (m_followers.size() > 1)
        return;
    // Only the domain-and-name channels: each persisted event once.
    listen(QByteArrayLiteral("pattern:process-*-persisted"), [this](const QByteArray &message) {
        const auto id = JsonText::parseValue(message);
        readEventById(id ? id->toObject().value(QLatin1String("id")).toString() : QString(),
                      [this](const std::optional<Event> &event, const QString &) {
                          if (!event)
                              return;
                          for (const Observer &follower : std::as_const(m_followers))
                              follower(*event);
                      });
    });
}

void EventsourceClient::subscribe(const QString &domain, const QString &name, Observer observer)
{
    followEvents(EventKeys::persisted(domain, name), std::move(observer));
}

void EventsourceClient::subscribeByPid(const QString &domain, const QString &pid, Observer observer)
{
    followEvents(EventKeys::persistedPid(domain, pid), std::move(observer));
}

void EventsourceClient::consume(const QString &domain, const QString &name, Consumer consumer)
{
    const QByteArray stream = EventKeys::persisted(domain, name);
    // Woken by each publication; what was persisted meanwhile is read first.
    listen(stream, [this, stream, consumer](const QByteArray &) { drain(stream, consumer); });
    m_commands.command({bytes("XGROUP"), bytes("CREATE"), stream, stream, bytes("$"), bytes("MKSTREAM")},
                       [this, stream, consumer](const RedisValue &) { drain(stream, consumer); });
}

void EventsourceClient::drain(const QByteArray &stream, const Consumer &consumer)
{
    if (m_draining.contains(stream))
        return; // the read in flight goes on until the stream is empty
    m_draining.insert(stream);
    const QByteArray self = "cape-" + QByteArray::number(QCoreApplication::applicationPid()) + '-' +
                            QByteArray::number(quintptr(this), 16);
    m_commands.command({bytes("XREADGROUP"), bytes("GROUP"), stream, self, bytes("COUNT"), bytes("100"),
                        bytes("STREAMS"), stream, bytes(">")},
                       [this, stream, consumer](const RedisValue &reply) {
                           const RedisValue entries = reply.at(0).at(1);
                           if (reply.isError() || entries.elements.isEmpty()) {
                               m_draining.remove(stream);
                               return;
                           }
                           auto left = std::make_shared<int>(int(entries.elements.size()));
                           for (const RedisValue &entry : entries.elements) {
                               const QByteArray entryId = entry.at(0).text;
                               const auto fields = entry.at(1).toPairs();
                               QString eventId;
                               for (const auto &[field, value] : fields) {
                                   if (field == "id") {
                                       const auto id = JsonText::parseValue(value);
                                       eventId = id ? id->toString() : QString();
                                   }
                               }
                               readEventById(
                                   eventId, [this, stream, consumer, entryId,
                                             left](const std::optional<Event> &event, const QString &) {
                                       if (event && consumer(*event))
                                           m_commands.command({bytes("XACK"), stream, stream, entryId});
                                       if (--*left == 0) {
                                           m_draining.remove(stream);
                                           drain(stream, consumer); // more may have come
                                       }
                                   });
                           }
                       });
}

void EventsourceClient::wait(const QString &domain, const QString &pid, const QStringList &happy,
                             const QStringList &failure, int timeoutMs, Waited done)
{
    // Answered once: by the first event named, or by the timeout.
    auto answered = std::make_shared<bool>(false);
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [done, answered, timer, domain, pid, timeoutMs] {
        timer->deleteLater();
        if (std::exchange(*answered, true))
            return;
        done(std::nullopt, false, tr("no %1 event for %2 in %3 ms").arg(domain, pid).arg(timeoutMs));
    });
    timer->start(timeoutMs);
    for (const QString &name : happy + failure) {
        listen(EventKeys::persistedPidName(domain, pid, name),
               [this, done, answered, timer, happy](const QByteArray &message) {
                   if (*answered)
                       return;
                   const auto id = JsonText::parseValue(message);
                   readEventById(id ? id->toObject().value(QLatin1String("id")).toString() : QString(),
                                 [done, answered, timer, happy](const std::optional<Event> &event,
                                                                const QString &error) {
                                     if (!event || std::exchange(*answered, true))
                                         return;
                                     timer->stop();
                                     timer->deleteLater();
                                     done(event, happy.contains(event->name), error);
                                 });
               });
    }
}

} // namespace cape
