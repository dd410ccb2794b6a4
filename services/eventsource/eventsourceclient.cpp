#include "eventsourceclient.h"

#include "eventkeys.h"
#include "queuedevent.h"
#include "services/core/isotime.h"
#include "services/core/jsontext.h"

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
    m_followers.clear();
    m_followingAll = false;
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
                        '"' + IsoTime::format(timestamp.toMSecsSinceEpoch()) + '"', bytes("domain"),
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
                             ",\"timestamp\":\"" + IsoTime::format(timestamp.toMSecsSinceEpoch()) +
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

void EventsourceClient::countEventlog(Index index, const QString &domain, const QString &key, Counted done,
                                      std::optional<qint64> fromMs, std::optional<qint64> toMs)
{
    m_commands.command(
        {bytes("ZCOUNT"), indexKey(index, domain, key), scoreBound(fromMs, "-inf"), scoreBound(toMs, "+inf")},
        [done](const RedisValue &reply) {
            done(reply.integer, reply.isError() ? reply.errorMessage() : QString());
        });
}

void EventsourceClient::readEventlogPage(Index index, const QString &domain, const QString &key,
                                         qint64 offset, int count, EventsRead done,
                                         std::optional<qint64> fromMs, std::optional<qint64> toMs)
{
    m_commands.command({bytes("ZREVRANGEBYSCORE"), indexKey(index, domain, key), scoreBound(toMs, "+inf"),
                        scoreBound(fromMs, "-inf"), bytes("LIMIT"), QByteArray::number(offset),
                        QByteArray::number(count)},
                       [this, done](const RedisValue &members) {
                           if (members.isError()) {
                               done({}, members.errorMessage());
                               return;
                           }
                           readEvents(idsOf(members), done);
                       });
}

void EventsourceClient::readCauses(const Event &event, EventsRead done, int maxDepth)
{
    // One HGET per link: a chain is short, and each link names the next.
    auto chain = std::make_shared<QList<Event>>();
    auto seen = std::make_shared<QSet<QString>>(QSet<QString>{event.id});
    auto step = std::make_shared<std::function<void(const QString &)>>();
    *step = [this, chain, seen, step, done, maxDepth](const QString &rid) {
        if (rid.isEmpty() || seen->contains(rid) || chain->size() >= maxDepth) {
            std::reverse(chain->begin(), chain->end());
            done(*chain, {});
            *step = nullptr; // the cycle of shared pointers ends here
            return;
        }
        seen->insert(rid);
        readEventById(rid, [chain, step, done](const std::optional<Event> &cause, const QString &error) {
            if (!error.isEmpty()) {
                done({}, error);
                *step = nullptr;
                return;
            }
            if (!cause) {
                (*step)({});
                return;
            }
            chain->append(*cause);
            (*step)(cause->rid);
        });
    };
    (*step)(event.rid);
}

void EventsourceClient::readConsequences(const Event &event, EventsRead done)
{
    auto found = std::make_shared<QList<Event>>();
    auto remaining = std::make_shared<int>(2);
    auto failure = std::make_shared<QString>();
    const QString id = event.id;
    const auto collect = [found, remaining, failure, done, id](const QList<Event> &events,
                                                               const QString &error) {
        if (!error.isEmpty() && failure->isEmpty())
            *failure = error;
        for (const Event &candidate : events) {
            const bool known = std::any_of(found->cbegin(), found->cend(),
                                           [&candidate](const Event &e) { return e.id == candidate.id; });
            if (candidate.rid == id && !known)
                found->append(candidate);
        }
        if (--*remaining > 0)
            return;
        std::sort(found->begin(), found->end(),
                  [](const Event &a, const Event &b) { return a.timestampMs < b.timestampMs; });
        done(*found, *failure);
    };
    // Chained events are written after their cause: nothing older can follow it.
    readEventlog(Index::DomainAndPid, event.domain, event.pid, collect, event.timestampMs);
    readEventlog(Index::Ppid, {}, event.pid, collect, event.timestampMs);
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

EventsourceClient::SubscriptionId EventsourceClient::listen(const QByteArray &channel,
                                                            std::function<void(const QByteArray &)> handler)
{
    SubscriptionId id = 0;
    if (handler) {
        id = ++m_lastSubscription;
        m_listeners[channel].append({id, std::move(handler)});
    }
    if (m_subscriber.state() == RedisConnection::State::Disconnected) {
        m_subscriber.open(m_options);
        return id; // subscribes to every channel once ready
    }
    if (!m_subscriber.isReady() || (handler && m_listeners.value(channel).size() > 1))
        return id;
    if (channel.startsWith("pattern:")) {
        m_subscriber.psubscribe(
            channel.mid(8),
            [this, channel](const QByteArray &, const QByteArray &message) { dispatch(channel, message); });
        return id;
    }
    m_subscriber.subscribe(
        channel, [this](const QByteArray &from, const QByteArray &message) { dispatch(from, message); });
    return id;
}

void EventsourceClient::dispatch(const QByteArray &channel, const QByteArray &message)
{
    // A listener may unsubscribe itself or others: each is looked up live.
    const auto listeners = m_listeners.value(channel);
    for (const auto &[id, listener] : listeners) {
        const auto current = m_listeners.value(channel);
        if (std::any_of(current.cbegin(), current.cend(),
                        [id](const auto &entry) { return entry.first == id; }))
            listener(message);
    }
}

void EventsourceClient::unsubscribe(SubscriptionId id)
{
    // The channel stays subscribed on the server (cheap); nothing hears it.
    for (auto it = m_listeners.begin(); it != m_listeners.end(); ++it)
        it->removeIf([id](const auto &entry) { return entry.first == id; });
    m_followers.removeIf([id](const auto &entry) { return entry.first == id; });
}

EventsourceClient::SubscriptionId EventsourceClient::followEvents(const QByteArray &channel,
                                                                  Observer observer)
{
    // The server publishes {"id": …}; the event is read from pd.
    return listen(channel, [this, observer](const QByteArray &message) {
        const auto id = JsonText::parseValue(message);
        readEventById(id ? id->toObject().value(QLatin1String("id")).toString() : QString(),
                      [observer](const std::optional<Event> &event, const QString &) {
                          if (event)
                              observer(*event);
                      });
    });
}

EventsourceClient::SubscriptionId EventsourceClient::followAll(Observer observer)
{
    const SubscriptionId id = ++m_lastSubscription;
    m_followers.append({id, std::move(observer)});
    if (m_followingAll)
        return id;
    m_followingAll = true;
    // Only the domain-and-name channels: each persisted event once.
    listen(QByteArrayLiteral("pattern:process-*-persisted"), [this](const QByteArray &message) {
        const auto eventId = JsonText::parseValue(message);
        readEventById(
            eventId ? eventId->toObject().value(QLatin1String("id")).toString() : QString(),
            [this](const std::optional<Event> &event, const QString &) {
                if (!event)
                    return;
                const auto followers = m_followers;
                for (const auto &[followerId, follower] : followers) {
                    if (std::any_of(m_followers.cbegin(), m_followers.cend(),
                                    [followerId](const auto &entry) { return entry.first == followerId; }))
                        follower(*event);
                }
            });
    });
    return id;
}

EventsourceClient::SubscriptionId EventsourceClient::subscribe(const QString &domain, const QString &name,
                                                               Observer observer)
{
    return followEvents(EventKeys::persisted(domain, name), std::move(observer));
}

EventsourceClient::SubscriptionId EventsourceClient::subscribeByPid(const QString &domain, const QString &pid,
                                                                    Observer observer)
{
    return followEvents(EventKeys::persistedPid(domain, pid), std::move(observer));
}

EventsourceClient::SubscriptionId EventsourceClient::consume(const QString &domain, const QString &name,
                                                             Consumer consumer)
{
    const QByteArray stream = EventKeys::persisted(domain, name);
    // Woken by each publication; what was persisted meanwhile is read first.
    auto id = std::make_shared<SubscriptionId>(0);
    *id = listen(stream, [this, stream, consumer, id](const QByteArray &) { drain(stream, *id, consumer); });
    m_commands.command({bytes("XGROUP"), bytes("CREATE"), stream, stream, bytes("$"), bytes("MKSTREAM")},
                       [this, stream, consumer, id](const RedisValue &) { drain(stream, *id, consumer); });
    return *id;
}

bool EventsourceClient::isSubscribed(SubscriptionId id) const
{
    for (const auto &listeners : m_listeners) {
        if (std::any_of(listeners.cbegin(), listeners.cend(),
                        [id](const auto &entry) { return entry.first == id; }))
            return true;
    }
    return false;
}

void EventsourceClient::drain(const QByteArray &stream, SubscriptionId id, const Consumer &consumer)
{
    if (m_draining.contains(stream) || !isSubscribed(id))
        return; // the read in flight goes on until the stream is empty
    m_draining.insert(stream);
    const QByteArray self = "cape-" + QByteArray::number(QCoreApplication::applicationPid()) + '-' +
                            QByteArray::number(quintptr(this), 16);
    m_commands.command({bytes("XREADGROUP"), bytes("GROUP"), stream, self, bytes("COUNT"), bytes("100"),
                        bytes("STREAMS"), stream, bytes(">")},
                       [this, stream, id, consumer](const RedisValue &reply) {
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
                                       const auto parsed = JsonText::parseValue(value);
                                       eventId = parsed ? parsed->toString() : QString();
                                   }
                               }
                               readEventById(
                                   eventId, [this, stream, id, consumer, entryId,
                                             left](const std::optional<Event> &event, const QString &) {
                                       // Unsubscribed meanwhile: left pending, for another consumer.
                                       if (event && isSubscribed(id) && consumer(*event))
                                           m_commands.command({bytes("XACK"), stream, stream, entryId});
                                       if (--*left == 0) {
                                           m_draining.remove(stream);
                                           drain(stream, id, consumer); // more may have come
                                       }
                                   });
                           }
                       });
}

void EventsourceClient::wait(const QString &domain, const QString &pid, const QStringList &happy,
                             const QStringList &failure, int timeoutMs, Waited done)
{
    // Answered once: by the first event named, or by the timeout.
    // The listeners go once it is answered, by an event or by the timeout.
    auto answered = std::make_shared<bool>(false);
    auto listeners = std::make_shared<QList<SubscriptionId>>();
    auto *timer = new QTimer(this);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, this, [this, done, answered, listeners, timer, domain, pid, timeoutMs] {
        timer->deleteLater();
        if (std::exchange(*answered, true))
            return;
        for (const SubscriptionId id : std::as_const(*listeners))
            unsubscribe(id);
        done(std::nullopt, false, tr("no %1 event for %2 in %3 ms").arg(domain, pid).arg(timeoutMs));
    });
    timer->start(timeoutMs);
    for (const QString &name : happy + failure) {
        *listeners << listen(EventKeys::persistedPidName(domain, pid, name),
                             [this, done, answered, listeners, timer, happy](const QByteArray &message) {
                                 if (*answered)
                                     return;
                                 const auto id = JsonText::parseValue(message);
                                 readEventById(
                                     id ? id->toObject().value(QLatin1String("id")).toString() : QString(),
                                     [this, done, answered, listeners, timer,
                                      happy](const std::optional<Event> &event, const QString &error) {
                                         if (!event || std::exchange(*answered, true))
                                             return;
                                         timer->stop();
                                         timer->deleteLater();
                                         for (const SubscriptionId listener : std::as_const(*listeners))
                                             unsubscribe(listener);
                                         done(event, happy.contains(event->name), error);
                                     });
                             });
    }
}

} // namespace cape
