// The route editor with real widgets (offscreen): routes made by dragging
// with the mouse on the canvas, the problems it shows, undo, the
// inspector, and the JSON it opens and saves.
#include "models/routedocument.h"
#include "services/certificates/certificatestore.h"
#include "services/tls/certificatebundle.h"
#include "services/tls/certificatefactory.h"
#include "ui/routes/listenersdialog.h"
#include "ui/routes/routecanvas.h"
#include "ui/routes/routeeditorview.h"
#include "ui/style/messagelabel.h"

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>

using namespace cape;

class TestRouteEditor : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<RouteEditorView> m_view;

    void drag(const QPoint &from, const QPoint &to)
    {
        QWidget *viewport = m_view->canvas()->viewport();
        QTest::mousePress(viewport, Qt::LeftButton, {}, from);
        QTest::mouseMove(viewport, (from + to) / 2);
        QTest::mouseMove(viewport, to);
        QTest::mouseRelease(viewport, Qt::LeftButton, {}, to);
    }

    void dragEntryTo(const QString &host, const QString &path, const QString &service)
    {
        const QPoint from = m_view->canvas()->entryPointPosition(host, path);
        const QPoint to = m_view->canvas()->servicePosition(service);
        QVERIFY(!from.isNull() && !to.isNull());
        drag(from, to);
    }

    QStringList problems() const
    {
        QStringList texts;
        for (int i = 0; i < m_view->problemsList()->count(); ++i)
            texts << m_view->problemsList()->item(i)->text();
        return texts;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_view = std::make_unique<RouteEditorView>();
        RouteValidator::Facts facts;
        facts.services.insert(QStringLiteral("api"), {{8080}, {QStringLiteral("front")}});
        facts.services.insert(QStringLiteral("web"), {{80, 443}, {QStringLiteral("front")}});
        facts.services.insert(QStringLiteral("db"), {{5432}, {QStringLiteral("back")}});
        facts.proxyNetworks = {QStringLiteral("front")};
        QString error;
        const PrivateKey key = PrivateKey::generate(PrivateKey::Type::EcP256, &error);
        facts.certificates.insert(
            QStringLiteral("shop"),
            CertificateFactory::selfSigned({.commonName = QStringLiteral("shop.example.com"),
                                            .dnsNames = {QStringLiteral("shop.example.com")},
                                            .days = 30},
                                           key, &error));
        m_view->setFacts(facts, {{QStringLiteral("api"), {8080}, QStringLiteral("2/2")},
                                 {QStringLiteral("web"), {80, 443}, QStringLiteral("3/3")},
                                 {QStringLiteral("db"), {5432}, QStringLiteral("1/1")}});
        m_view->resize(1400, 800);
        m_view->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    }

    void aRouteDraggedFromAnEntryPointToAServiceIsInTheDocument()
    {
        m_view->addEntryPoint(QStringLiteral("app.example.com"), QStringLiteral("/api"));
        dragEntryTo(QStringLiteral("app.example.com"), QStringLiteral("/api"), QStringLiteral("api"));
        QCOMPARE(m_view->document()->routes().size(), 1);
        const ProxyConfig::Route route = m_view->document()->routes().first();
        QCOMPARE(route.host, QStringLiteral("app.example.com"));
        QCOMPARE(route.path, QStringLiteral("/api"));
        QCOMPARE(route.service, QStringLiteral("api"));
        QCOMPARE(route.port, 8080); // the service's port
        QCOMPARE(m_view->table()->rowCount(), 1);
        QCOMPARE(m_view->table()->item(0, 1)->text(), QStringLiteral("api"));
        QCOMPARE(problems(), QStringList{QStringLiteral("No problems.")});
        // The document is what cape-proxyd reads.
        QVERIFY(m_view->document()->save().contains("\"service\": \"api\""));
    }

    void reroutingToAnUnreachableServiceIsAProblemAndUndoable()
    {
        dragEntryTo(QStringLiteral("app.example.com"), QStringLiteral("/api"), QStringLiteral("db"));
        QCOMPARE(m_view->document()->routes().size(), 1);
        QCOMPARE(m_view->document()->routes().first().service, QStringLiteral("db"));
        QCOMPARE(m_view->document()->routes().first().port, 5432);
        QCOMPARE(problems(),
                 QStringList{QStringLiteral("app.example.com/api: db is on no network cape-proxyd shares "
                                            "(the proxy is on front; the service on back).")});
        m_view->undoStack()->undo();
        QCOMPARE(m_view->document()->routes().first().service, QStringLiteral("api"));
        QCOMPARE(problems(), QStringList{QStringLiteral("No problems.")});
        m_view->undoStack()->redo();
        QCOMPARE(m_view->document()->routes().first().service, QStringLiteral("db"));
        m_view->undoStack()->undo();
    }

    void catchesEachProblemAsTheUserEdits()
    {
        // A second entry point routed to the same host and path: routed twice.
        m_view->addEntryPoint(QStringLiteral("shop.example.com"), QStringLiteral("/"));
        dragEntryTo(QStringLiteral("shop.example.com"), QStringLiteral("/"), QStringLiteral("web"));
        QCOMPARE(m_view->document()->routes().size(), 2);
        // The inspector: a certificate that is not configured.
        m_view->canvas()->selectRoute(1);
        const QList<QLineEdit *> edits = m_view->findChildren<QLineEdit *>();
        QLineEdit *certificate = nullptr;
        for (QLineEdit *edit : edits) {
            if (edit->placeholderText().startsWith(QLatin1String("a certificate")))
                certificate = edit;
        }
        QVERIFY(certificate);
        certificate->setText(QStringLiteral("shop"));
        QPushButton *apply = nullptr;
        for (QPushButton *button : m_view->findChildren<QPushButton *>()) {
            if (button->text() == QLatin1String("Apply"))
                apply = button;
        }
        QVERIFY(apply);
        apply->click();
        QCOMPARE(m_view->document()->routes().at(1).certificate, QStringLiteral("shop"));
        QCOMPARE(problems(),
                 QStringList{QStringLiteral("shop.example.com: no certificate named shop is configured.")});
        m_view->undoStack()->undo();
        QCOMPARE(m_view->document()->routes().at(1).certificate, QString());
    }

    void deleteRemovesTheSelectedRouteUndoBringsItBack()
    {
        m_view->canvas()->selectRoute(1);
        QCOMPARE(m_view->canvas()->selectedRoute(), 1);
        m_view->removeSelectedRoute();
        QCOMPARE(m_view->document()->routes().size(), 1);
        m_view->undoStack()->undo();
        QCOMPARE(m_view->document()->routes().size(), 2);
        QCOMPARE(m_view->document()->routes().at(1).host, QStringLiteral("shop.example.com"));
    }

    void savesAndOpensTheDocument()
    {
        const QString path = m_dir.filePath(QStringLiteral("proxy.json"));
        QVERIFY(m_view->saveFile(path));
        RouteEditorView other;
        QVERIFY2(other.openFile(path), qPrintable(other.findChild<MessageLabel *>()->text()));
        QCOMPARE(other.document()->routes(), m_view->document()->routes());
        QFile broken(m_dir.filePath(QStringLiteral("broken.json")));
        QVERIFY(broken.open(QIODevice::WriteOnly));
        broken.write(R"({"routes":[{"host":"a.b","servce":"x"}]})");
        broken.close();
        QVERIFY(!other.openFile(broken.fileName()));
        QVERIFY2(other.findChild<MessageLabel *>()->text().contains(QLatin1String("unknown member")),
                 qPrintable(other.findChild<MessageLabel *>()->text()));
        QCOMPARE(other.document()->routes().size(), 2); // what was open stays
    }

    void listenersAndCertificatesAreCheckedAndUndoable()
    {
        // HTTPS on :443 with the certificate "shop": the routes on it need a certificate covering their host.
        const QList<ProxyConfig::Listener> listen{{HostPort{QStringLiteral("0.0.0.0"), 80}, false},
                                                  {HostPort{QStringLiteral("0.0.0.0"), 443}, true}};
        const QList<ProxyConfig::Certificate> certificates{{QStringLiteral("shop"),
                                                            QStringLiteral("/run/secrets/shop.crt"),
                                                            QStringLiteral("/run/secrets/shop.key")}};
        m_view->setListenersAndCertificates(listen, certificates);
        QCOMPARE(m_view->document()->config().listen, listen);
        QVERIFY2(problems().contains(QStringLiteral("app.example.com/api: no configured certificate covers "
                                                    "app.example.com for the TLS listener.")),
                 qPrintable(problems().join(u'\n')));
        QVERIFY(!problems().join(u'\n').contains(QLatin1String("shop.example.com:"))); // "shop" covers it
        m_view->undoStack()->undo();
        QVERIFY(m_view->undoStack()->canRedo());
        QCOMPARE(m_view->document()->config().listen.size(), 1);
        QVERIFY(!problems().join(u'\n').contains(QLatin1String("TLS listener")));
    }

    void theListenersDialogTakesCertificatesFromTheCertificatesView()
    {
        CertificateStore store(m_dir.filePath(QStringLiteral("store")));
        QString error;
        const PrivateKey key = PrivateKey::generate(PrivateKey::Type::EcP256, &error);
        const Certificate site =
            CertificateFactory::selfSigned({.commonName = QStringLiteral("site.example.com"),
                                            .dnsNames = {QStringLiteral("site.example.com")},
                                            .days = 30},
                                           key, &error);
        QSignalSpy added(&store, &CertificateStore::added);
        QVERIFY(store.add(QStringLiteral("Shop Site"), CertificateBundle{{site}, {}},
                          &error)); // no key: no keychain
        QVERIFY(added.wait(5000));

        ListenersDialog dialog(m_view->document()->config(), &store);
        QPushButton *fromStore = nullptr;
        for (QPushButton *button : dialog.findChildren<QPushButton *>()) {
            if (button->text() == QLatin1String("Add from the certificates view"))
                fromStore = button;
        }
        QVERIFY(fromStore && fromStore->isEnabled());
        fromStore->click();
        QCOMPARE(dialog.certificates(),
                 (QList<ProxyConfig::Certificate>{{QStringLiteral("shop-site"),
                                                   QStringLiteral("/run/secrets/shop-site.crt"),
                                                   QStringLiteral("/run/secrets/shop-site.key")}}));
        auto *problem = dialog.findChild<QLabel *>(QStringLiteral("problem"));
        QVERIFY(problem->text().isEmpty());
        fromStore->click(); // the same name twice
        QCOMPARE(problem->text(), QStringLiteral("Two certificates are named shop-site."));
    }

    void screenshot()
    {
        // One route with a problem for the picture: a service the proxy cannot reach.
        m_view->addEntryPoint(QStringLiteral("reports.example.com"), QStringLiteral("/"));
        dragEntryTo(QStringLiteral("reports.example.com"), QStringLiteral("/"), QStringLiteral("db"));
        m_view->addEntryPoint(QStringLiteral("*.example.com"), QStringLiteral("/"));
        m_view->canvas()->selectRoute(0);
        if (const QString dir = qEnvironmentVariable("CAPE_SCREENSHOT_DIR"); !dir.isEmpty()) {
            QTest::qWait(300);
            m_view->grab().save(dir + QStringLiteral("/routes.png"));
        }
        QCOMPARE(m_view->document()->routes().size(), 3);
    }
};

QTEST_MAIN(TestRouteEditor)
#include "tst_routeeditor.moc"
