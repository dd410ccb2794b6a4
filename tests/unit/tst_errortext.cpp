#include "models/errortext.h"

#include <QTest>

using cape::DockerError;
using cape::ErrorText;

// The engine's refusals in the user's words, its own kept as details.
class TestErrorText : public QObject
{
    Q_OBJECT

    static DockerError http(int status, const QString &message)
    {
        DockerError e;
        e.kind = DockerError::Kind::Http;
        e.httpStatus = status;
        e.message = message;
        e.endpoint = QStringLiteral("unix:///run/docker.sock");
        e.request = QStringLiteral("DELETE /v1.41/nodes/y7a2k4lmnop5qrstuvw6xyz01");
        return e;
    }

private slots:
    void aNodeThatIsUpByItsName()
    {
        const ErrorText text = ErrorText::of(
            http(400,
                 QStringLiteral(
                     "rpc error: code = FailedPrecondition desc = node y7a2k4lmnop5qrstuvw6xyz01 is not down "
                     "and can't be removed")),
            [](const QString &id) {
                return QStringLiteral("y7a2k4lmnop5qrstuvw6xyz01").startsWith(id) ? QStringLiteral("node3")
                                                                                  : QString();
            });
        QVERIFY2(text.summary.startsWith(QLatin1String("node3 is still up")), qPrintable(text.summary));
        QVERIFY(!text.summary.contains(QLatin1String("y7a2")));
        QVERIFY(!text.summary.contains(QLatin1String("rpc error")));
        QVERIFY(text.details.contains(QLatin1String("rpc error: code = FailedPrecondition")));
        QVERIFY(text.details.contains(QLatin1String("DELETE /v1.41/nodes/")));
    }

    void unknownIdsStayAndTheWrappingGoes()
    {
        QCOMPARE(ErrorText::plain(
                     QStringLiteral(
                         "rpc error: code = InvalidArgument desc = name conflicts with an existing object: "
                         "service web already exists"),
                     [](const QString &) { return QString(); }),
                 QStringLiteral("Name conflicts with an existing object: service web already exists"));
    }

    void aLostConnectionSaysItsCause()
    {
        DockerError e;
        e.kind = DockerError::Kind::Connection;
        e.endpoint = QStringLiteral("unix:///nowhere.sock");
        e.message = QStringLiteral("API version negotiation failed: cannot connect to unix:///nowhere.sock: "
                                   "no socket at /nowhere.sock");
        QCOMPARE(ErrorText::of(e).summary,
                 QStringLiteral("Cannot reach unix:///nowhere.sock: no socket at /nowhere.sock."));
    }
};

QTEST_GUILESS_MAIN(TestErrorText)
#include "tst_errortext.moc"
