#pragma once

#include "jsonarrayelements.h"

#include <QFutureWatcher>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QList>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

namespace cape {

template <typename Record>
struct DecodedList
{
    QList<Record> records;
    QString error; // invalid JSON, or not an array
};

// A JSON array into records (Record::fromJson), off any thread, one
// element at a time: the whole document never exists at once.
template <typename Record>
DecodedList<Record> decodeList(const QByteArray &body)
{
    DecodedList<Record> out;
    out.error = forEachJsonArrayElement(body, [&out](QByteArrayView element, qsizetype offset) -> QString {
        if (!element.startsWith('{'))
            return QStringLiteral("expected a JSON object at offset %1").arg(offset);
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(QByteArray::fromRawData(element.data(), element.size()), &parseError);
        if (parseError.error != QJsonParseError::NoError)
            return QStringLiteral("invalid JSON at offset %1: %2").arg(offset + parseError.offset).arg(parseError.errorString());
        out.records.append(Record::fromJson(document.object()));
        return {};
    });
    if (!out.error.isEmpty())
        out.records.clear();
    return out;
}

// Decodes on the thread pool and hands the result to done on context's
// thread; nothing is delivered once context is gone. A listing of 10,000
// tasks is tens of megabytes of JSON: the GUI thread must not parse it.
template <typename Record, typename Done>
void decodeInBackground(QObject *context, QByteArray body, Done done)
{
    auto *watcher = new QFutureWatcher<DecodedList<Record>>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done = std::move(done)] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run([body = std::move(body)] { return decodeList<Record>(body); }));
}

} // namespace cape
