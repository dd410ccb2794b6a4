#pragma once

// What GUI tests do as a user would: answer a modal dialog, click a button
// by its text, find a view's action; the busybox service they start, and a
// Cape window on the sandbox swarm.
#include "../integration/sandboxenvironment.h"

#include "models/clusterstore.h"
#include "models/nodetablemodel.h"
#include "ui/mainwindow/mainwindow.h"
#include "ui/style/capestyle.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QJsonArray>
#include <QJsonObject>
#include <QTest>
#include <QTimer>
#include <QTranslator>
#include <QWidget>

#include <functional>

namespace cape::test {

// Answers the next modal dialog (a confirmation, a number to scale to) as a
// user would, once it is up.
inline void whenModal(std::function<void(QWidget *)> answer)
{
    auto *timer = new QTimer(qApp);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, [timer, answer] {
        if (QWidget *dialog = QApplication::activeModalWidget()) {
            timer->stop();
            timer->deleteLater();
            answer(dialog);
        }
    });
    timer->start();
}

inline void clickButton(QWidget *dialog, const QString &text)
{
    for (QAbstractButton *button : dialog->findChildren<QAbstractButton *>()) {
        if (button->text() == text) {
            button->click();
            return;
        }
    }
    QFAIL(qPrintable(QStringLiteral("no button %1 in the dialog").arg(text)));
}

inline QAction *actionNamed(QWidget *view, const QString &text)
{
    for (QAction *action : view->actions()) {
        if (action->text() == text)
            return action;
    }
    return nullptr;
}

// A replicated busybox service running `command` (default: sleep), at
// most one replica per node when maxPerNode is 1.
inline QJsonObject busyboxService(const QString &name, int replicas, const QString &image,
                                  const QJsonArray &command = {QStringLiteral("sleep"),
                                                               QStringLiteral("3600")},
                                  int maxPerNode = 1)
{
    QJsonObject placement;
    if (maxPerNode > 0)
        placement.insert(QStringLiteral("MaxReplicas"), maxPerNode);
    return QJsonObject{
        {QStringLiteral("Name"), name},
        {QStringLiteral("TaskTemplate"),
         QJsonObject{
             {QStringLiteral("ContainerSpec"), QJsonObject{{QStringLiteral("Image"), image},
                                                           {QStringLiteral("Command"), command},
                                                           {QStringLiteral("StopGracePeriod"), 1000000000}}},
             {QStringLiteral("Placement"), placement}}},
        {QStringLiteral("Mode"),
         QJsonObject{{QStringLiteral("Replicated"), QJsonObject{{QStringLiteral("Replicas"), replicas}}}}},
    };
}

// A Cape window on the sandbox swarm with every node's engine, at the size
// the screenshots are taken (1440×900), loaded.
inline std::unique_ptr<MainWindow> openSandboxWindow(const SandboxEnvironment &sandbox)
{
    QList<DockerEndpoint> nodes;
    for (const QString &node : sandbox.nodeEndpoints())
        nodes << SandboxEnvironment::endpoint(node);
    auto window =
        std::make_unique<MainWindow>(SandboxEnvironment::endpoint(sandbox.value("DOCKER_HOST")), nodes);
    window->resize(1440, 900);
    window->show();
    if (!QTest::qWaitFor([&] { return window->isLoaded(); }, 30000))
        qWarning("the window did not load the sandbox swarm within 30 s");
    return window;
}

// A service made from spec: its ID, or empty when the engine refused it.
inline QString createService(DockerClient *client, const QJsonObject &spec)
{
    DockerReply *reply = await(client->createService(spec));
    if (reply->error())
        qWarning().noquote() << "could not create the service:" << reply->error().toString();
    return reply->ok() ? reply->object().value(QLatin1String("ID")).toString() : QString();
}

inline QString nodeIdOf(const ClusterStore *store, const QString &hostname)
{
    for (const NodeRecord &node : store->nodes()->records()) {
        if (node.hostname == hostname)
            return node.id;
    }
    return {};
}

// The fixture of tests that act on one Cape window over the sandbox swarm:
// QTest runs its slots before the derived class's own.
class SandboxWindowTest : public QObject
{
    Q_OBJECT

protected:
    SandboxEnvironment m_sandbox;
    std::unique_ptr<MainWindow> m_window;
    QTranslator m_english; // "3 tasks", not the source's "3 task(s)", as the app says it

    ClusterStore *store() const { return m_window->store(); }
    DockerClient *engine() const { return store()->client(); }
    QString create(const QJsonObject &spec) const { return createService(engine(), spec); }
    QString nodeIdOf(const QString &hostname) const { return test::nodeIdOf(store(), hostname); }

private slots:
    void initTestCase()
    {
        applyCapeStyle(*qApp); // the product's look, for the screenshots tests save
        if (m_english.load(QStringLiteral(CAPE_EN_QM)))
            QCoreApplication::installTranslator(&m_english);
        m_sandbox = SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        m_window = openSandboxWindow(m_sandbox);
        QVERIFY(m_window->isLoaded());
        QCOMPARE(store()->state(), ClusterStore::State::Live);
    }
    void cleanupTestCase() { m_window.reset(); }
};

} // namespace cape::test
