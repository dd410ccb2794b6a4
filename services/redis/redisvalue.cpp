#include "redisvalue.h"

#include <hiredis/hiredis.h>

namespace cape {

RedisValue RedisValue::fromReply(const redisReply *reply)
{
    RedisValue value;
    if (!reply)
        return error("no reply", true);
    switch (reply->type) {
    case REDIS_REPLY_STATUS:
        value.type = Type::Status;
        value.text = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ERROR:
        value.type = Type::Error;
        value.text = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_INTEGER:
        value.type = Type::Integer;
        value.integer = reply->integer;
        break;
    case REDIS_REPLY_STRING:
        value.type = Type::String;
        value.text = QByteArray(reply->str, qsizetype(reply->len));
        break;
    case REDIS_REPLY_ARRAY:
        value.type = Type::Array;
        value.elements.reserve(qsizetype(reply->elements));
        for (size_t i = 0; i < reply->elements; ++i)
            value.elements.append(fromReply(reply->element[i]));
        break;
    default:
        value.type = Type::Nil;
        break;
    }
    return value;
}

RedisValue RedisValue::error(const QByteArray &message, bool connection)
{
    RedisValue value;
    value.type = Type::Error;
    value.text = message;
    value.connectionError = connection;
    return value;
}

bool RedisValue::isErrorCode(const char *code) const
{
    if (type != Type::Error || !text.startsWith(code))
        return false;
    const qsizetype length = qsizetype(qstrlen(code));
    return text.size() == length || text.at(length) == ' ';
}

const RedisValue &RedisValue::at(qsizetype i) const
{
    static const RedisValue nil;
    return i >= 0 && i < elements.size() ? elements.at(i) : nil;
}

QList<std::pair<QByteArray, QByteArray>> RedisValue::toPairs() const
{
    QList<std::pair<QByteArray, QByteArray>> pairs;
    pairs.reserve(elements.size() / 2);
    for (qsizetype i = 0; i + 1 < elements.size(); i += 2)
        pairs.append({elements.at(i).text, elements.at(i + 1).text});
    return pairs;
}

} // namespace cape
