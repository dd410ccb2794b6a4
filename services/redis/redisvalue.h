#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

struct redisReply;

namespace cape {

// One reply of Redis (RESP2), owned and copyable, so that it outlives
// hiredis's callback. A failure of the connection itself (lost, timed out)
// arrives as an Error too, with isConnectionError() set.
struct RedisValue
{
    enum class Type { Nil, Status, Error, Integer, String, Array };

    Type type = Type::Nil;
    QByteArray text; // Status, Error, String
    qint64 integer = 0;
    QList<RedisValue> elements;
    bool connectionError = false;

    static RedisValue fromReply(const redisReply *reply);
    static RedisValue error(const QByteArray &message, bool connection = false);

    bool isNil() const { return type == Type::Nil; }
    bool isError() const { return type == Type::Error; }
    bool isConnectionError() const { return connectionError; }
    bool isArray() const { return type == Type::Array; }
    // Error texts begin with their code: BUSYGROUP, NOGROUP, MOVED…
    bool isErrorCode(const char *code) const;
    QString errorMessage() const { return QString::fromUtf8(text); }
    // The element at i, or Nil.
    const RedisValue &at(qsizetype i) const;
    // A flat [field, value, …] array as pairs.
    QList<std::pair<QByteArray, QByteArray>> toPairs() const;
};

} // namespace cape
