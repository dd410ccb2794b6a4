// Cape in Japanese: every view of the main window, on the sandbox swarm, shows no English phrase
// of its own. Texts a user reads are collected from the widgets as shown (labels, buttons, group
// boxes, tabs, placeholders, table headers, the sidebar); the cluster's own data (names, states,
// engine messages) lives in table cells and is not Cape's to translate.
#include "../integration/sandboxenvironment.h"

#include "models/clusterstore.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/style/capestyle.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QApplication>
#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QLibraryInfo>
#include <QLineEdit>
#include <QListWidget>
#include <QRegularExpression>
#include <QSet>
#include <QSignalSpy>
#include <QTabBar>
#include <QTest>
#include <QTextDocumentFragment>
#include <QTranslator>

using namespace cape;

namespace {

// Two or more English words in a row (Cape's own sentences and labels), once the names that stay
// as they are in Japanese are taken out, and the cluster's own data (an ID of letters only, as the
// swarm's "nyniythiorke", reads as a word).
bool looksEnglish(QString text, const QStringList &data = {})
{
    for (const QString &datum : data)
        text.remove(datum);
    static const QStringList kept{QStringLiteral("Docker Swarm"),  QStringLiteral("Docker Engine"),
                                  QStringLiteral("Superhero"),     QStringLiteral("Let's Encrypt"),
                                  QStringLiteral("Redis Streams"), QStringLiteral("Redis Cluster")};
    for (const QString &name : kept)
        text.remove(name);
    static const QRegularExpression phrase(QStringLiteral("\\b[A-Za-z][a-z]{2,}(?: [a-z]{2,})+\\b"));
    return phrase.match(text).hasMatch();
}

void collect(QWidget *root, QStringList *texts)
{
    const auto add = [texts](QWidget *w, const QString &text) {
        if (w->isVisibleTo(w->window()) && !text.trimmed().isEmpty())
            texts->append(QStringLiteral("%1 %2: %3")
                              .arg(QString::fromLatin1(w->metaObject()->className()), w->objectName(), text));
    };
    for (QLabel *label : root->findChildren<QLabel *>())
        add(label, Qt::mightBeRichText(label->text())
                       ? QTextDocumentFragment::fromHtml(label->text()).toPlainText()
                       : label->text());
    for (QAbstractButton *button : root->findChildren<QAbstractButton *>()) {
        add(button, button->text());
        add(button, button->toolTip());
    }
    for (QGroupBox *box : root->findChildren<QGroupBox *>())
        add(box, box->title());
    for (QTabBar *tabs : root->findChildren<QTabBar *>()) {
        for (int i = 0; i < tabs->count(); ++i)
            add(tabs, tabs->tabText(i));
    }
    for (QLineEdit *edit : root->findChildren<QLineEdit *>())
        add(edit, edit->placeholderText());
    for (QHeaderView *header : root->findChildren<QHeaderView *>()) {
        if (!header->model() || header->isHidden())
            continue;
        for (int i = 0; i < header->count(); ++i) {
            if (!header->isSectionHidden(i))
                add(header, header->model()->headerData(i, header->orientation()).toString());
        }
    }
}

} // namespace

class TestJapanese : public QObject
{
    Q_OBJECT

    QTranslator m_cape;
    QTranslator m_qt;

private slots:
    void initTestCase()
    {
        QVERIFY2(m_cape.load(QStringLiteral(CAPE_JA_QM)), CAPE_JA_QM);
        QCoreApplication::installTranslator(&m_cape);
        if (m_qt.load(QLocale(QStringLiteral("ja")), QStringLiteral("qtbase"), QStringLiteral("_"),
                      QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
            QCoreApplication::installTranslator(&m_qt);
        QLocale::setDefault(QLocale(QStringLiteral("ja")));
        applyCapeStyle(*qApp);
    }

    void everyViewSpeaksJapanese()
    {
        const test::SandboxEnvironment sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(sandbox);
        QList<DockerEndpoint> nodes;
        for (const QString &node : sandbox.nodeEndpoints())
            nodes << test::SandboxEnvironment::endpoint(node);
        MainWindow window(test::SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")), nodes);
        QSignalSpy loaded(&window, &MainWindow::loaded);
        window.resize(1440, 860);
        window.show();
        QVERIFY(loaded.wait(30000));

        QStringList english;
        const QStringList data{window.store()->swarm().value(QLatin1String("ID")).toString().left(12)};
        for (const QString &name : window.viewNames()) {
            QVERIFY(window.showView(name));
            QTest::qWait(300); // lazy views fill in when shown
            QStringList texts;
            collect(window.view(name), &texts);
            for (const QString &text : std::as_const(texts)) {
                if (looksEnglish(text.section(QStringLiteral(": "), 1), data))
                    english << name + QStringLiteral(" view, ") + text;
            }
            const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR");
            if (!dir.isEmpty() && (name == QLatin1String("overview") || name == QLatin1String("services") ||
                                   name == QLatin1String("daemons")))
                window.grab().save(dir + QStringLiteral("/ja-%1.png").arg(name));
        }
        QStringList sidebar;
        collect(&window, &sidebar);
        for (const QString &text : std::as_const(sidebar)) {
            if (text.contains(QLatin1String("sidebar")) &&
                looksEnglish(text.section(QStringLiteral(": "), 1), data))
                english << text;
        }
        english.removeDuplicates();
        QVERIFY2(english.isEmpty(), qPrintable(QStringLiteral("untranslated:\n") + english.join(u'\n')));
    }
};

QTEST_MAIN(TestJapanese)
#include "tst_japanese.moc"
