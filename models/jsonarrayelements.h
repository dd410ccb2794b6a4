#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

#include <functional>

namespace cape {

// Hands each element of a JSON array to `element` as raw text, without
// building the whole document: a 17 MB task listing then never exists as
// one QJsonDocument (tens of megabytes more at the peak), only one task at
// a time. Only the structure is scanned here (nesting, strings, escapes);
// each element is parsed by QJsonDocument. Returns an error, or empty.
QString forEachJsonArrayElement(const QByteArray &json, const std::function<QString(QByteArrayView element, qsizetype offset)> &element);

} // namespace cape
