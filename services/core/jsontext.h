#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

#include <optional>

namespace cape::JsonText {

// JSON text as JavaScript writes and reads it, where the exact bytes matter:
// the reference stores JSON.stringify output, so Cape must write the same
// bytes, and keep the key order of what it passes through.

// One JSON value of any kind (Qt's parser takes only arrays and objects).
std::optional<QJsonValue> parseValue(const QByteArray &text);
// A string as JSON.stringify writes it.
QByteArray quote(const QString &text);
// The members of a JSON object with their values as written, in order;
// nullopt when the text is not one JSON object.
std::optional<QList<std::pair<QString, QByteArray>>> objectMembers(const QByteArray &object);

} // namespace cape::JsonText
