#include "services/docker/sshcommand.h"
#include "services/docker/sshfailure.h"

#include <QTest>

using namespace cape;

// The ssh command line for an endpoint, and ssh's failures in words.
class TestSshCommand : public QObject
{
    Q_OBJECT

private slots:
    void runsDialStdioThroughOneMaster()
    {
        DockerEndpoint endpoint;
        QString error;
        QVERIFY(DockerEndpoint::parse(QStringLiteral("ssh://ops@manager:2222"), &endpoint, &error));
        const QStringList args = SshCommand::arguments(
            endpoint, QStringLiteral("/run/user/1000/cape-ssh"),
            {QStringLiteral("docker"), QStringLiteral("system"), QStringLiteral("dial-stdio")});
        const QString line = args.join(u' ');
        QVERIFY2(line.contains(QLatin1String("-o BatchMode=yes")), qPrintable(line)); // never a prompt
        QVERIFY2(
            line.contains(QLatin1String("-o ControlMaster=auto -o ControlPath=/run/user/1000/cape-ssh/%C")),
            qPrintable(line));
        QVERIFY(!line.contains(QLatin1String("StrictHostKeyChecking"))); // the user's own setting holds
        QVERIFY(line.contains(QLatin1String("-l ops -p 2222")));
        QVERIFY2(line.endsWith(QLatin1String("-- manager docker system dial-stdio")), qPrintable(line));
        // Without user and port: ~/.ssh/config decides.
        QVERIFY(DockerEndpoint::parse(QStringLiteral("ssh://manager"), &endpoint, &error));
        const QString plain = SshCommand::arguments(endpoint, QStringLiteral("/d"), {}).join(u' ');
        QVERIFY(!plain.contains(QLatin1String(" -l ")) && !plain.contains(QLatin1String(" -p ")));
        QVERIFY(SshCommand::exitArguments(endpoint, QStringLiteral("/d"))
                    .join(u' ')
                    .endsWith(QLatin1String("-O exit -- manager")));
    }

    void failuresSayWhatToDo_data()
    {
        QTest::addColumn<QByteArray>("stderrText");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("kind");
        QTest::newRow("unknown host key")
            << QByteArray("No ED25519 host key is known for 10.77.1.1 and you have requested strict "
                          "checking.\r\nHost key verification failed.\r\n")
            << 255 << int(SshFailure::Kind::HostKeyUnknown);
        QTest::newRow("changed host key")
            << QByteArray("@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@@\n@    WARNING: REMOTE "
                          "HOST IDENTIFICATION HAS CHANGED!     @\n@@@@@@\nHost key verification failed.\n")
            << 255 << int(SshFailure::Kind::HostKeyChanged);
        QTest::newRow("refused key") << QByteArray("root@10.77.1.1: Permission denied (publickey).\r\n")
                                     << 255 << int(SshFailure::Kind::AuthRefused);
        QTest::newRow("no docker") << QByteArray("sh: 1: docker: not found\n") << 127
                                   << int(SshFailure::Kind::DockerMissing);
        QTest::newRow("refused") << QByteArray(
                                        "ssh: connect to host 10.77.1.1 port 22: Connection refused\r\n")
                                 << 255 << int(SshFailure::Kind::Unreachable);
        QTest::newRow("unknown name")
            << QByteArray("ssh: Could not resolve hostname nowhere: Name or service not known\r\n") << 255
            << int(SshFailure::Kind::Unreachable);
        QTest::newRow("else") << QByteArray() << 1 << int(SshFailure::Kind::Other);
    }

    void failuresSayWhatToDo()
    {
        QFETCH(QByteArray, stderrText);
        QFETCH(int, exitCode);
        QFETCH(int, kind);
        const SshFailure failure = SshFailure::classify(stderrText, exitCode, QStringLiteral("10.77.1.1"));
        QCOMPARE(int(failure.kind), kind);
        QVERIFY(!failure.said.isEmpty());
        QVERIFY2(!failure.said.contains(QLatin1String("@@@")), qPrintable(failure.said));
        if (failure.kind != SshFailure::Kind::Other)
            QVERIFY(!failure.advice.isEmpty());
        QVERIFY(failure.toString().startsWith(QLatin1String("ssh: ")));
    }
};

QTEST_GUILESS_MAIN(TestSshCommand)
#include "tst_sshcommand.moc"
