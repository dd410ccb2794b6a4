#include "../integration/redisserver.h"

#include "models/eventsourcetablemodel.h"
#include "services/eventsource/eventsourceclient.h"
#include "ui/eventsource/eventsourceview.h"
#include "ui/eventsource/jsontreewidget.h"
#include "ui/style/capestyle.h"
#include "ui/views/resourceview.h"

#include <QApplication>
#include <QProcess>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>

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
        view.setQuery({Kind::Process, QStringLiteral("Orders"), QStringLiteral("o-2")});
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
};

QTEST_MAIN(TestEventsourceView)
#include "tst_eventsourceview.moc"
