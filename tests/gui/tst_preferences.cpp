// Preferences kept in QSettings: the language chosen in the dialog, and the window's size and
// splitters as the user left them, back at the next start.
#include "models/clusterstore.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/settings/preferencesdialog.h"

#include <QApplication>
#include <QComboBox>
#include <QSettings>
#include <QSplitter>
#include <QTest>

using namespace cape;

class TestPreferences : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase()
    {
        // A settings file of the test's own, not the user's.
        QCoreApplication::setOrganizationName(QStringLiteral("CapeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_preferences"));
        QSettings().clear();
    }

    void theChosenLanguageIsKept()
    {
        QCOMPARE(PreferencesDialog::language(), QString()); // the system's by default
        PreferencesDialog dialog;
        auto *language = dialog.findChild<QComboBox *>(QStringLiteral("language"));
        QCOMPARE(language->count(), 3);
        language->setCurrentIndex(language->findData(QStringLiteral("ja")));
        QCOMPARE(language->currentText(), QStringLiteral("日本語"));
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty())
            dialog.grab().save(dir + QStringLiteral("/preferences.png"));
        dialog.accept();
        QCOMPARE(PreferencesDialog::language(), QStringLiteral("ja"));
        QCOMPARE(PreferencesDialog::locale().language(), QLocale::Japanese);

        PreferencesDialog again; // opens on what was chosen; Cancel changes nothing
        auto *shown = again.findChild<QComboBox *>(QStringLiteral("language"));
        QCOMPARE(shown->currentData().toString(), QStringLiteral("ja"));
        shown->setCurrentIndex(shown->findData(QStringLiteral("en")));
        again.reject();
        QCOMPARE(PreferencesDialog::language(), QStringLiteral("ja"));
    }

    void theWindowComesBackAsItWasLeft()
    {
        QList<int> sizes;
        QSize left;
        {
            ClusterStore store;
            MainWindow window(&store);
            window.resize(760, 540);
            window.show();
            QVERIFY(QTest::qWaitForWindowExposed(&window));
            auto *splitter = window.findChildren<QSplitter *>().value(0);
            QVERIFY(splitter);
            QCOMPARE(splitter->count(), 2);
            splitter->setSizes({300, 200});
            sizes = splitter->sizes();
            left = window.size(); // no smaller than the views allow
            QVERIFY(left != QSize(1440, 860)); // not the default size
            window.close();
        }
        ClusterStore store;
        MainWindow window(&store);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QCOMPARE(window.size(), left);
        QCOMPARE(window.findChildren<QSplitter *>().value(0)->sizes(), sizes);
    }

    void cleanupTestCase() { QSettings().clear(); }
};

QTEST_MAIN(TestPreferences)
#include "tst_preferences.moc"
