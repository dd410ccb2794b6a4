#include "../integration/redisserver.h"

#include "models/eventsourcetablemodel.h"
#include "services/eventsource/eventsourceclient.h"
#include "ui/eventsource/causalitywidget.h"
#include "ui/eventsource/eventsourceview.h"
#include "ui/eventsource/jsontreewidget.h"
#include "ui/style/capestyle.h"
#include "ui/style/messagelabel.h"
#include "ui/views/resourceview.h"

#include <QApplication>
#include <QProcess>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QTreeWidget>

using namespace cape;
using Kind = EventsourceTableModel::Query::Kind;

// The eventsource browser, offscreen, on a real Redis that cape-eventd
// indexes.
class TestEventsourceView : public QObject
{
    Q_OBJECT

    test::RedisServer m_redis;
    QProcess m_daemon;
    EventsourceClient m_writer;

    void write(const QString &pid, int i)
    {
        EventsourceClient::Input input;
        input.domain = QStringLiteral("Orders");
        input.pid = pid;
        input.name = i == 0 ? QStringLiteral("created") : QStringLiteral("updated");
        input.timestamp = QDateTime(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC).addSecs(i);
        input.data =
            QJsonObject{{QStringLiteral("step"), i},
                        {QStringLiteral("line %1").arg(i % 5), QJsonObject{{QStringLiteral("qty"), i}}}};
        m_writer.write(input, [](const QString &, const QString &error) {
            QVERIFY2(error.isEmpty(), qPrintable(error));
        });
    }

    // Writes an event and waits until the server has indexed it: its id.
    QString writeIndexed(const QString &pid, const QString &name, const QString &rid = {})
    {
        EventsourceClient::Input input;
        input.domain = QStringLiteral("Orders");
        input.pid = pid;
        input.name = name;
        input.rid = rid;
        QString written;
        m_writer.write(input, [&written](const QString &id, const QString &) { written = id; });
        if (!QTest::qWaitFor([&] { return !written.isEmpty(); }, 5000))
            return {};
        if (!QTest::qWaitFor(
                [&] {
                    return m_redis.cli({QStringLiteral("HEXISTS"), QStringLiteral("pd"), written}) == "1";
                },
                10000))
            return {};
        return written;
    }

private slots:
    void initTestCase()
    {
        applyCapeStyle(*qApp);
        QString error;
        QVERIFY2(m_redis.start(&error), qPrintable(error));
        m_daemon.start(QStringLiteral(CAPE_EVENTD_BINARY), {QStringLiteral("--redis"), m_redis.address()});
        QVERIFY(m_daemon.waitForStarted(5000));
        RedisConnection::Options options;
        options.port = m_redis.port();
        QSignalSpy ready(&m_writer, &EventsourceClient::ready);
        m_writer.open(options);
        QVERIFY(ready.wait(5000));
        for (int i = 0; i < 150; ++i) {
            for (const QString &pid : {QStringLiteral("o-1"), QStringLiteral("o-2"), QStringLiteral("o-3")})
                write(pid, i);
        }
        QTRY_COMPARE_WITH_TIMEOUT(m_redis.cli({QStringLiteral("HLEN"), QStringLiteral("pd")}),
                                  QByteArray("450"), 20000);
    }

    void cleanupTestCase()
    {
        m_daemon.terminate();
        m_daemon.waitForFinished(10000);
    }

    void filtersByTheTimesTheEventsCarry()
    {
        EventsourceView view;
        view.resize(1440, 900);
        view.show();
        view.connectTo(m_redis.address());
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 10000);
        const QDateTime base(QDate(2026, 1, 1), QTime(0, 0), Qt::UTC);
        const QDateTime from = base.addSecs(10).toLocalTime(), to = base.addSecs(19).toLocalTime();

        // A process between two times: its sorted set by score, counted exactly.
        view.setQuery({Kind::Process, QStringLiteral("Orders"), QStringLiteral("o-2"), {}, {}});
        view.setPeriod(EventsourceView::Period::Between, from, to);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->total(), 10, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 10, 5000);
        QCOMPARE(view.model()->event(0).data.toObject().value(QLatin1String("step")).toInt(), 19);
        QCOMPARE(view.model()->event(9).data.toObject().value(QLatin1String("step")).toInt(), 10);

        // Every event in that time: no index spans them all, so pd is scanned
        // and filtered; the status says so rather than a total.
        view.setQuery({Kind::Recent, {}, {}, {}, {}});
        view.setPeriod(EventsourceView::Period::Between, from, to);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 30, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(!view.model()->canFetchMore({}), 10000);
        QCOMPARE(view.model()->rowCount(), 30); // 3 processes × 10 seconds, nothing else
        QCOMPARE(view.model()->total(), -1);
        QVERIFY2(view.status().contains(QLatin1String("time range")), qPrintable(view.status()));

        // The last hour: these events are from January.
        view.setPeriod(EventsourceView::Period::LastHour);
        QTRY_VERIFY_WITH_TIMEOUT(!view.model()->canFetchMore({}) && !view.model()->isLoading(), 10000);
        QCOMPARE(view.model()->rowCount(), 0);
    }

    // Scrolling through more events than the window holds keeps at most the
    // window, reads every event once on the way down, and the newest again
    // on the way back up (issue 26: a million events held 1.3 GB).
    void holdsAWindowNotEveryEvent()
    {
        EventsourceView view;
        view.resize(1440, 900);
        view.show();
        view.model()->setWindowPages(2); // about 400 rows, of 447 and 450
        // HSCAN's COUNT is a hint: a page of the hash can be a little larger.
        const int window = 2 * EventsourceTableModel::PageSize * 11 / 10;
        view.connectTo(m_redis.address());
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 10000);
        QScrollBar *bar = view.table()->table()->verticalScrollBar();
        for (const EventsourceTableModel::Query &query :
             {EventsourceTableModel::Query{Kind::Name, {}, QStringLiteral("updated"), {}, {}},
              EventsourceTableModel::Query{Kind::Recent, {}, {}, {}, {}}}) {
            view.setQuery(query);
            QTRY_VERIFY_WITH_TIMEOUT(view.model()->total() > 400, 5000);
            const qint64 total = view.model()->total();
            QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0 && !view.model()->isLoading(), 5000);
            const QString newest = view.model()->event(0).id;
            QSet<QString> seen;
            const auto collect = [&] {
                for (int row = 0; row < view.model()->rowCount(); ++row)
                    seen.insert(view.model()->event(row).id);
            };
            collect();
            // Down to the end, page by page, as a reader scrolls.
            while (view.model()->canFetchMore({})) {
                view.model()->fetchMore({});
                QTRY_VERIFY_WITH_TIMEOUT(!view.model()->isLoading(), 5000);
                QVERIFY2(view.model()->rowCount() <= window, qPrintable(QString::number(view.model()->rowCount())));
                collect();
            }
            QCOMPARE(seen.size(), total); // every event, none lost between pages
            QVERIFY(view.model()->hasNewer());
            QVERIFY2(view.status().contains(QLatin1String("a window")), qPrintable(view.status()));
            // Back to the top: the newest pages are read again.
            while (view.model()->hasNewer()) {
                bar->setValue(bar->minimum() + 1);
                bar->setValue(bar->minimum());
                QTRY_VERIFY_WITH_TIMEOUT(!view.model()->isLoading(), 5000);
                QVERIFY(view.model()->rowCount() <= window);
            }
            QCOMPARE(view.model()->event(0).id, newest);
            QCOMPARE(view.model()->windowStart(), 0);
        }
    }

    void browsesPagesFiltersFollowsAndShowsState()
    {
        EventsourceView view;
        view.resize(1440, 900);
        view.show();
        view.connectTo(QStringLiteral("nowhere"));
        QVERIFY2(view.status().contains(QLatin1String("host:port")), qPrintable(view.status()));

        view.connectTo(m_redis.address());
        // Recent events: a first page, not the whole hash.
        QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > 0, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->total(), 450, 5000);
        QVERIFY(view.model()->rowCount() < 450);
        QTRY_VERIFY_WITH_TIMEOUT(view.status().contains(QLatin1String("450")), 5000);
        // Scrolling to the end reads the next page, until there is none.
        for (int page = 0; page < 10 && view.model()->rowCount() < 450; ++page) {
            const int loaded = view.model()->rowCount();
            view.table()->table()->scrollToBottom();
            QTRY_VERIFY_WITH_TIMEOUT(view.model()->rowCount() > loaded, 5000);
        }
        QCOMPARE(view.model()->rowCount(), 450);
        QVERIFY(!view.model()->canFetchMore({}));

        // A process: its index, newest first, in pages as the view scrolls.
        view.setQuery({Kind::Process, QStringLiteral("Orders"), QStringLiteral("o-2"), {}, {}});
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->total(), 150, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(
            view.model()->rowCount(),
            EventsourceTableModel::PageSize < 150 ? EventsourceTableModel::PageSize : 150, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 150, 5000);
        QCOMPARE(view.model()->event(0).data.toObject().value(QLatin1String("step")).toInt(), 149);
        QCOMPARE(view.model()->event(149).name, QStringLiteral("created"));
        for (int row = 0; row < view.model()->rowCount(); ++row)
            QCOMPARE(view.model()->event(row).pid, QStringLiteral("o-2"));

        // The newest event: its data as a tree, and its process's merged state.
        const QString newest = view.model()->event(0).id;
        QVERIFY(view.table()->selectId(newest));
        QCOMPARE(view.eventTree()->json().toObject().value(QLatin1String("step")).toInt(), 149);
        QVERIFY(view.eventTree()->topLevelItemCount() >= 2);
        QTRY_VERIFY_WITH_TIMEOUT(view.stateTree()->json().toObject().contains(QLatin1String("line 4")), 5000);
        const QJsonObject state = view.stateTree()->json().toObject();
        QCOMPARE(state.value(QLatin1String("step")).toInt(), 149);
        for (int line = 0; line < 5; ++line)
            QVERIFY(state.contains(QStringLiteral("line %1").arg(line)));

        // Follow: a new event of the process comes in at the top; another process's does not.
        view.setFollowing(true);
        QTest::qWait(300);
        write(QStringLiteral("o-1"), 500);
        write(QStringLiteral("o-2"), 501);
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 151, 10000);
        QCOMPARE(view.model()->event(0).data.toObject().value(QLatin1String("step")).toInt(), 501);
        QCOMPARE(view.model()->total(), 151);

        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            view.table()->selectId(view.model()->event(1).id);
            QTest::qWait(500);
            view.grab().save(dir + QStringLiteral("/eventsource.png"));
        }
    }

    void showsWhatLedToAnEventAndWhatFollowed()
    {
        const QString placed = writeIndexed(QStringLiteral("o-9"), QStringLiteral("placed"));
        const QString paid = writeIndexed(QStringLiteral("o-9"), QStringLiteral("paid"), placed);
        const QString shipped = writeIndexed(QStringLiteral("o-9"), QStringLiteral("shipped"), paid);
        QVERIFY(!shipped.isEmpty());

        EventsourceView view;
        view.resize(1440, 900);
        view.show();
        view.connectTo(m_redis.address());
        view.setQuery({Kind::Process, QStringLiteral("Orders"), QStringLiteral("o-9"), {}, {}});
        QTRY_COMPARE_WITH_TIMEOUT(view.model()->rowCount(), 3, 10000);
        QVERIFY(view.table()->messageLabel()->isHidden()); // a query given while connecting is no error
        QTreeWidget *tree = view.causality()->tree();
        view.table()->showDetailTab(view.causality());

        // The last of a chain: its causes above it, root first.
        QVERIFY(view.table()->selectId(shipped));
        QTRY_COMPARE_WITH_TIMEOUT(tree->topLevelItemCount(), 1, 5000);
        QTreeWidgetItem *root = tree->topLevelItem(0);
        QCOMPARE(root->text(0), QStringLiteral("placed"));
        QCOMPARE(root->child(0)->text(0), QStringLiteral("paid"));
        QTreeWidgetItem *chosen = root->child(0)->child(0);
        QCOMPARE(chosen->text(0), QStringLiteral("shipped"));
        QVERIFY(chosen->font(0).bold());
        QTRY_COMPARE_WITH_TIMEOUT(chosen->childCount(), 0, 5000); // nothing followed it

        // The first: nothing led to it; what followed unfolds below it.
        QVERIFY(view.table()->selectId(placed));
        QTRY_COMPARE_WITH_TIMEOUT(tree->topLevelItemCount(), 1, 5000);
        // The first row under the top one, once read (a placeholder until then).
        const auto firstChild = [tree]() -> QTreeWidgetItem * {
            QTreeWidgetItem *top = tree->topLevelItem(0);
            return top && top->childCount() == 1 ? top->child(0) : nullptr;
        };
        QTRY_COMPARE_WITH_TIMEOUT(firstChild() ? firstChild()->text(0) : QString(), QStringLiteral("paid"),
                                  5000);
        QTreeWidgetItem *next = firstChild();
        QVERIFY2(view.causality()->summary().contains(QLatin1String("no cause")),
                 qPrintable(view.causality()->summary()));
        next->setExpanded(true); // read when unfolded
        QTRY_COMPARE_WITH_TIMEOUT(next->childCount() > 0 ? next->child(0)->text(0) : QString(),
                                  QStringLiteral("shipped"), 5000);

        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(300);
            view.grab().save(dir + QStringLiteral("/eventsource-causality.png"));
        }

        // Double-click: that event becomes the chosen one, in the table too.
        const QRect rect = tree->visualItemRect(next);
        QTest::mouseClick(tree->viewport(), Qt::LeftButton, {},
                          rect.center()); // a view wants the press first
        QTest::mouseDClick(tree->viewport(), Qt::LeftButton, {}, rect.center());
        QTRY_COMPARE_WITH_TIMEOUT(view.table()->currentId(), paid, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(tree->topLevelItemCount() == 1 && tree->topLevelItem(0)->childCount() == 1 &&
                                     tree->topLevelItem(0)->child(0)->font(0).bold(),
                                 5000);
        QCOMPARE(tree->topLevelItem(0)->child(0)->text(0), QStringLiteral("paid"));
    }
};

QTEST_MAIN(TestEventsourceView)
#include "tst_eventsourceview.moc"
