#include "models/serviceprogress.h"

#include <QTest>

using cape::ServiceProgress;
using cape::ServiceRecord;
using Phase = ServiceProgress::Phase;
using Operation = ServiceProgress::Operation;

// A notice about an action on a service is true while it is shown.
class TestServiceProgress : public QObject
{
    Q_OBJECT

    static ServiceRecord service(const QString &state,
                                 const QString &startedAt = QStringLiteral("2026-12-07T20:00:00Z"))
    {
        ServiceRecord s;
        s.id = QStringLiteral("s");
        s.name = QStringLiteral("web");
        s.updateState = state;
        s.updateStartedAt = startedAt;
        return s;
    }

private slots:
    void aRollbackRunsUntilTheEngineSaysItEnded()
    {
        const auto before = ServiceProgress::Before::of(service(QStringLiteral("completed")));
        // Not yet started: the old "completed" is the last update's, not ours.
        ServiceRecord now = service(QStringLiteral("completed"));
        QCOMPARE(ServiceProgress::of(Operation::Rollback, before, now.name, &now, {3, 3}).phase,
                 Phase::Running);
        now = service(QStringLiteral("rollback_started"));
        auto progress = ServiceProgress::of(Operation::Rollback, before, now.name, &now, {2, 3});
        QCOMPARE(progress.phase, Phase::Running);
        QVERIFY2(progress.text.contains(QLatin1String("Rolling web back: 2 of 3")),
                 qPrintable(progress.text));
        now = service(QStringLiteral("rollback_completed"));
        progress = ServiceProgress::of(Operation::Rollback, before, now.name, &now, {3, 3});
        QCOMPARE(progress.phase, Phase::Succeeded);
        QVERIFY2(progress.text.contains(QLatin1String("web rolled back")), qPrintable(progress.text));
    }

    void aRestartThatRollsBackFailed()
    {
        const auto before = ServiceProgress::Before::of(service(QString(), QString()));
        ServiceRecord now =
            service(QStringLiteral("rollback_completed"), QStringLiteral("2026-12-07T21:00:00Z"));
        now.updateMessage =
            QStringLiteral("update rolled back due to failure or early termination of task x");
        const auto progress = ServiceProgress::of(Operation::Restart, before, now.name, &now, {3, 3});
        QCOMPARE(progress.phase, Phase::Failed);
        QVERIFY(progress.text.contains(now.updateMessage));
    }

    void aScaleEndsAtTheCountAskedFor()
    {
        const ServiceRecord now = service(QString());
        const auto before = ServiceProgress::Before::of(now, 3);
        // The record does not know of three yet: one of one is not the end.
        QCOMPARE(ServiceProgress::of(Operation::Scale, before, now.name, &now, {1, 1}).phase, Phase::Running);
        QCOMPARE(ServiceProgress::of(Operation::Scale, before, now.name, &now, {2, 3}).phase, Phase::Running);
        QCOMPARE(ServiceProgress::of(Operation::Scale, before, now.name, &now, {3, 3}).phase,
                 Phase::Succeeded);
    }

    void aRemovedServiceEndsIt()
    {
        const auto before = ServiceProgress::Before::of(service(QString()));
        QCOMPARE(ServiceProgress::of(Operation::Restart, before, QStringLiteral("web"), nullptr, {}).phase,
                 Phase::Failed);
    }
};

QTEST_GUILESS_MAIN(TestServiceProgress)
#include "tst_serviceprogress.moc"
