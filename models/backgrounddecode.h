#pragma once

#include <QFutureWatcher>
#include <QJsonArray>
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

// A JSON array into records (Record::fromJson), off any thread.
template <typename Record>
DecodedList<Record> decodeList(const QByteArray &body)
{
    DecodedList<Record> out;
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        out.error = QStringLiteral("invalid JSON at offset %1: %2").arg(parseError.offset).arg(parseError.errorString());
        return out;
    }
    if (!document.isArray()) {
        out.error = QStringLiteral("expected a JSON array");
        return out;
    }
    const QJsonArray array = document.array();
    out.records.reserve(array.size());
    for (const QJsonValue &value : array)
        out.records.append(Record::fromJson(value.toObject()));
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
