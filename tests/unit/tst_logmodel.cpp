// The log panel's buffer and model: timestamp order across replicas, late
// lines, the bound, search (plain, regex, case, invalid UTF-8), filters and
// pause, under QAbstractItemModelTester.

#include "models/logmodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace cape;

namespace {

using Stream = LogFrameDecoder::Stream;
constexpr qint64 Second = 1'000'000'000;
constexpr qint64 T0 = 1'764'000'000 * Second;

QByteArrayList texts(const LogModel &model)
{
    QByteArrayList result;
    for (int row = 0; row < model.rowCount(); ++row)
        result.append(model.textAt(row).toByteArray());
    return result;
}

bool waitForSearch(LogModel &model)
{
    if (!model.isSearching())
        return true;
    QSignalSpy done(&model, &LogModel::searchFinished);
    return done.wait(10000);
}

} // namespace

class TestLogModel : public QObject
{
    Q_OBJECT

private slots:
    void mergesReplicasInTimestampOrder();
    void lateLinesLandInPlace();
    void boundedBufferDropsTheOldest();
    void plainSearchIgnoresCaseAndFindsNewLines();
    void regexSearchAndOnlyMatchingLines();
    void invalidPatternSaysWhy();
    void searchesInvalidUtf8();
    void highlightRangesAreUtf16();
    void hidesReplicas();
    void pauseHoldsLinesBack();
    void copiesWithTimestampAndSource();
    void clearDuringASearchKeepsLaterLines();
};

void TestLogModel::mergesReplicasInTimestampOrder()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int a = model.addSource({QStringLiteral("t1"), QStringLiteral("n1"), QStringLiteral("web.1@node1")});
    const int b = model.addSource({QStringLiteral("t2"), QStringLiteral("n2"), QStringLiteral("web.2@node2")});
    QCOMPARE(model.addSource({QStringLiteral("t1"), QStringLiteral("n1"), QStringLiteral("web.1@node1")}), a);
    // Node 2's backlog arrives after node 1's, as the manager forwards it.
    for (int i = 0; i < 5; ++i)
        model.append(T0 + (2 * i) * Second, a, Stream::Stdout, QByteArray("a") + QByteArray::number(2 * i));
    for (int i = 0; i < 5; ++i)
        model.append(T0 + (2 * i + 1) * Second, b, Stream::Stderr, QByteArray("b") + QByteArray::number(2 * i + 1));
    QCOMPARE(model.rowCount(), 0); // staged: merged on the next tick
    QTRY_COMPARE(model.rowCount(), 10);
    QCOMPARE(texts(model), (QByteArrayList{"a0", "b1", "a2", "b3", "a4", "b5", "a6", "b7", "a8", "b9"}));
    QCOMPARE(model.sourceAt(1), b);
    QCOMPARE(model.streamAt(1), Stream::Stderr);
    for (int row = 1; row < model.rowCount(); ++row)
        QVERIFY(model.timestampAt(row - 1) <= model.timestampAt(row));
}

void TestLogModel::lateLinesLandInPlace()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 100; ++i)
        model.append(T0 + i * Second, 0, Stream::Stdout, QByteArray::number(i));
    model.flush();
    QCOMPARE(model.rowCount(), 100);
    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
    // A slow node's line from second 95 comes after second 99's.
    model.append(T0 + 95 * Second + 1, 1, Stream::Stdout, "late");
    model.flush();
    QCOMPARE(model.rowCount(), 101);
    QCOMPARE(QString::fromUtf8(model.textAt(96)), QStringLiteral("late"));
    QCOMPARE(QString::fromUtf8(model.textAt(100)), QStringLiteral("99"));
    QCOMPARE(inserted.count(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 100); // rows only ever appear at the end…
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>().row(), 96); // …and the shifted ones say so
    QCOMPARE(reset.count(), 0);
    // Equal timestamps keep their arrival order.
    model.append(T0 + 200 * Second, 0, Stream::Stdout, "first");
    model.append(T0 + 200 * Second, 1, Stream::Stdout, "second");
    model.flush();
    QCOMPARE(texts(model).mid(101), (QByteArrayList{"first", "second"}));
}

void TestLogModel::boundedBufferDropsTheOldest()
{
    LogModel model(1000);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 5000; ++i) {
        model.append(T0 + i, 0, Stream::Stdout, QByteArray(100, 'x') + QByteArray::number(i));
        if (i % 100 == 99)
            model.flush();
    }
    model.flush();
    QVERIFY2(model.rowCount() <= 1000 + 1000 / 16, qPrintable(QString::number(model.rowCount())));
    QVERIFY(model.rowCount() >= 1000);
    QCOMPARE(model.droppedCount() + model.rowCount(), 5000);
    QVERIFY(QString::fromUtf8(model.textAt(model.rowCount() - 1)).endsWith(QStringLiteral("4999")));
    QVERIFY(QString::fromUtf8(model.textAt(0)).endsWith(QString::number(model.droppedCount())));
}

void TestLogModel::plainSearchIgnoresCaseAndFindsNewLines()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.append(T0 + 1, 0, Stream::Stdout, "GET /health 200");
    model.append(T0 + 2, 0, Stream::Stderr, "connection Refused by upstream");
    model.append(T0 + 3, 0, Stream::Stdout, "a.b literal dot, not any char: axb");
    model.flush();
    QSignalSpy finished(&model, &LogModel::searchFinished);
    model.setQuery({QStringLiteral("refused"), false, false});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 1);
    QVERIFY(model.matchedAt(1));
    QVERIFY(!model.matchedAt(0));
    // Plain means plain: "." is a dot.
    model.setQuery({QStringLiteral("a.b"), false, true});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 1);
    // Lines that arrive after the search are tested as they merge.
    model.append(T0 + 4, 0, Stream::Stdout, "xa.by");
    model.flush();
    QCOMPARE(model.matchCount(), 2);
    QVERIFY(model.matchedAt(3));
    QCOMPARE(model.findMatch(0, true), 2);
    QCOMPARE(model.findMatch(2, true), 3);
    QCOMPARE(model.findMatch(3, true), 2); // wraps
    QCOMPARE(model.findMatch(2, false), 3);
    model.setQuery({});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 0);
    QVERIFY(!model.matchedAt(2));
}

void TestLogModel::regexSearchAndOnlyMatchingLines()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 300; ++i)
        model.append(T0 + i, 0, Stream::Stdout, QStringLiteral("request %1 status %2").arg(i).arg(i % 3 == 0 ? 500 : 200).toUtf8());
    model.flush();
    model.setQuery({QStringLiteral("status 5\\d\\d$"), true, true});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 100);
    model.setOnlyMatching(true);
    QCOMPARE(model.rowCount(), 100);
    for (const QByteArray &line : texts(model))
        QVERIFY(line.endsWith("500"));
    model.append(T0 + 1000, 0, Stream::Stdout, "request x status 503");
    model.append(T0 + 1001, 0, Stream::Stdout, "request y status 200");
    model.flush();
    QCOMPARE(model.rowCount(), 101);
    QCOMPARE(QString::fromUtf8(model.textAt(100)), QStringLiteral("request x status 503"));
    model.setOnlyMatching(false);
    QCOMPARE(model.rowCount(), 302);
}

void TestLogModel::invalidPatternSaysWhy()
{
    LogModel model;
    model.append(T0, 0, Stream::Stdout, "(unbalanced");
    model.flush();
    QSignalSpy failed(&model, &LogModel::searchFailed);
    model.setQuery({QStringLiteral("(unbal"), true, false});
    QCOMPARE(failed.count(), 1);
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("parenthesis")), qPrintable(failed.at(0).at(0).toString()));
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 0);
    // The same text searched plainly is fine.
    model.setQuery({QStringLiteral("(unbal"), false, false});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 1);
}

void TestLogModel::searchesInvalidUtf8()
{
    LogModel model;
    model.append(T0, 0, Stream::Stdout, QByteArray("binary \xff\xfe junk then ERROR here"));
    model.append(T0 + 1, 0, Stream::Stdout, QByteArray("Grüße aus Köln"));
    model.flush();
    model.setQuery({QStringLiteral("error"), false, false});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 1);
    model.setQuery({QStringLiteral("KÖLN"), false, false});
    QVERIFY(waitForSearch(model));
    QCOMPARE(model.matchCount(), 1);
    QVERIFY(model.matchedAt(1));
}

void TestLogModel::highlightRangesAreUtf16()
{
    LogMatcher matcher({QStringLiteral("ö"), false, false});
    const QByteArray line = QStringLiteral("Köln Ö 😀ö").toUtf8();
    const QList<LogMatcher::Range> ranges = matcher.ranges(line);
    QCOMPARE(ranges.size(), 3);
    const QString text = QString::fromUtf8(line);
    for (const LogMatcher::Range &range : ranges)
        QCOMPARE(text.mid(range.start, range.length).toLower(), QStringLiteral("ö"));
    // A pattern that can match nothing does not loop.
    LogMatcher empty({QStringLiteral("x*"), true, false});
    QVERIFY(empty.ranges("abc").isEmpty());
}

void TestLogModel::hidesReplicas()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    const int a = model.addSource({QStringLiteral("t1"), {}, QStringLiteral("a")});
    const int b = model.addSource({QStringLiteral("t2"), {}, QStringLiteral("b")});
    for (int i = 0; i < 10; ++i)
        model.append(T0 + i, i % 2 ? b : a, Stream::Stdout, QByteArray::number(i));
    model.flush();
    model.setHiddenSources({b});
    QCOMPARE(texts(model), (QByteArrayList{"0", "2", "4", "6", "8"}));
    model.append(T0 + 3, b, Stream::Stdout, "hidden");
    model.append(T0 + 3, a, Stream::Stdout, "late");
    model.flush();
    QCOMPARE(texts(model), (QByteArrayList{"0", "2", "late", "4", "6", "8"}));
    model.setHiddenSources({});
    QCOMPARE(model.rowCount(), 12);
}

void TestLogModel::pauseHoldsLinesBack()
{
    LogModel model;
    model.append(T0, 0, Stream::Stdout, "before");
    model.flush();
    model.setPaused(true);
    model.append(T0 + 1, 0, Stream::Stdout, "during");
    QTest::qWait(150);
    QCOMPARE(model.rowCount(), 1);
    QCOMPARE(model.waitingCount(), 1);
    model.setPaused(false);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.waitingCount(), 0);
}

void TestLogModel::copiesWithTimestampAndSource()
{
    LogModel model;
    const int a = model.addSource({QStringLiteral("t1"), {}, QStringLiteral("web.1@node1")});
    model.append(T0 + 123'000'000, a, Stream::Stdout, "hello");
    model.flush();
    const QString line = model.lineText(0);
    QVERIFY2(line.endsWith(QStringLiteral(".123 web.1@node1 hello")), qPrintable(line));
    QCOMPARE(model.lineText(0, false, false), QStringLiteral("hello"));
}

void TestLogModel::clearDuringASearchKeepsLaterLines()
{
    LogModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    for (int i = 0; i < 300000; ++i)
        model.append(T0 + i, 0, Stream::Stdout, "some line to search through");
    model.flush();
    model.setQuery({QStringLiteral("through"), false, false});
    QVERIFY(model.isSearching());
    model.clear(); // as a restarted stream does
    model.append(T0 + 1'000'000, 0, Stream::Stdout, "after the restart, through");
    QVERIFY(waitForSearch(model));
    QTRY_COMPARE(model.rowCount(), 1);
    QCOMPARE(model.textAt(0).toByteArray(), QByteArray("after the restart, through"));
    QCOMPARE(model.matchCount(), 1);
}

QTEST_GUILESS_MAIN(TestLogModel)
#include "tst_logmodel.moc"
