#include "models/backgrounddecode.h"
#include "models/taskrecord.h"

#include <QSignalSpy>
#include <QTest>

using namespace cape;

namespace {
struct Name
{
    QString id;
    static Name fromJson(const QJsonObject &o) { return {o.value(QLatin1String("ID")).toString()}; }
};

QStringList ids(const DecodedList<Name> &list)
{
    QStringList out;
    for (const Name &n : list.records)
        out << n.id;
    return out;
}
} // namespace

// Listings are decoded element by element, so that a 17 MB answer never
// exists as one document: the scan must respect strings, escapes and
// nesting, and every malformed answer must give an error, never records.
class TestBackgroundDecode : public QObject
{
    Q_OBJECT

private slots:
    void elementsAcrossNestingStringsAndEscapes()
    {
        const QByteArray body = " [ {\"ID\": \"a\", \"X\": {\"y\": [1, {\"z\": \"]\"}]}},\n            {\"ID\": \"b\\\"},{\", \"S\": \"\\\\\"} ,{\"ID\":\"c\"}] ";
        const auto list = decodeList<Name>(body);
        QVERIFY2(list.error.isEmpty(), qPrintable(list.error));
        QCOMPARE(ids(list), (QStringList{QStringLiteral("a"), QStringLiteral("b\"},{"), QStringLiteral("c")}));
    }

    void emptyArray()
    {
        const auto list = decodeList<Name>(" [ ] ");
        QVERIFY(list.error.isEmpty());
        QVERIFY(list.records.isEmpty());
    }

    void malformedAnswersGiveErrorsAndNoRecords_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an array") << QByteArray("{\"ID\": \"a\"}") << QStringLiteral("expected a JSON array");
        QTest::newRow("truncated") << QByteArray("[{\"ID\": \"a\"}, {\"ID\": \"b\"") << QStringLiteral("truncated");
        QTest::newRow("unterminated string") << QByteArray("[{\"ID\": \"a}]") << QStringLiteral("truncated");
        QTest::newRow("missing value") << QByteArray("[{\"ID\": \"a\"},,{\"ID\": \"b\"}]") << QStringLiteral("missing");
        QTest::newRow("trailing comma") << QByteArray("[{\"ID\": \"a\"},]") << QStringLiteral("missing");
        QTest::newRow("bad element") << QByteArray("[{\"ID\": \"a\"}, {\"ID\" \"b\"}]") << QStringLiteral("offset 21");
        QTest::newRow("not an object") << QByteArray("[{\"ID\": \"a\"}, 42]") << QStringLiteral("expected a JSON object");
        QTest::newRow("text after") << QByteArray("[{\"ID\": \"a\"}] x") << QStringLiteral("text after");
        QTest::newRow("empty") << QByteArray() << QStringLiteral("expected a JSON array");
    }

    void malformedAnswersGiveErrorsAndNoRecords()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, error);
        const auto list = decodeList<Name>(body);
        QVERIFY2(list.error.contains(error), qPrintable(list.error));
        QVERIFY(list.records.isEmpty());
    }

    void decodesOnThePoolAndDeliversOnTheCallersThread()
    {
        QObject context;
        bool delivered = false;
        QThread *deliveredOn = nullptr;
        decodeInBackground<TaskRecord>(&context, "[{\"ID\": \"t1\", \"ServiceID\": \"s\", \"Slot\": 2,\n            \"Status\": {\"State\": \"running\", \"Timestamp\": \"2026-11-25T10:00:00.5Z\"}, \"DesiredState\": \"running\"}]",
                                       [&](const DecodedList<TaskRecord> &list) {
                                           delivered = true;
                                           deliveredOn = QThread::currentThread();
                                           QCOMPARE(list.records.size(), 1);
                                           QCOMPARE(list.records.first().slot, 2);
                                           QCOMPARE(list.records.first().sinceMs, 1795600800500LL);
                                       });
        QTRY_VERIFY(delivered);
        QCOMPARE(deliveredOn, QThread::currentThread());
    }
};

QTEST_GUILESS_MAIN(TestBackgroundDecode)
#include "tst_backgrounddecode.moc"
