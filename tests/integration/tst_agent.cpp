#include "sandboxenvironment.h"

#include "services/agent/agentpolicy.h"
#include "services/docker/dockerhijack.h"
#include "services/docker/logframedecoder.h"

#include <QJsonArray>
#include <QProcess>
#include <QSet>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

using namespace cape;

// cape-agent, the real binary, one per sandbox node (each on its node's
// engine socket, listening on loopback as it would on the overlay, the
// others as its peers): what a node's engine answers, an agent answers for
// it; other nodes' through their agents; never without the token; never
// what is not on its whitelist; a node whose agent is gone is named.
class TestAgent : public QObject
{
    Q_OBJECT

    test::SandboxEnvironment m_sandbox;
    QTemporaryDir m_dir;
    QList<std::shared_ptr<QProcess>> m_agents;
    QList<quint16> m_ports;
    QStringList m_hostnames; // node1…, as each engine names itself
    const QByteArray m_token = QByteArrayLiteral("0123456789abcdef0123456789abcdef");

    static quint16 freePort()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost, 0);
        return probe.serverPort();
    }
    QString tokenFile() const { return m_dir.filePath(QStringLiteral("token")); }
    QString nodeSocket(int i) const { return m_sandbox.nodeEndpoints().at(i).mid(7); }

    bool startAgent(int i)
    {
        QStringList peers;
        for (int j = 0; j < m_ports.size(); ++j) {
            if (j != i)
                peers << QStringLiteral("127.0.0.1:%1").arg(m_ports.at(j));
        }
        auto agent = std::make_shared<QProcess>();
        agent->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        agent->start(QStringLiteral(CAPE_AGENT_BINARY),
                     {QStringLiteral("--engine"), nodeSocket(i), QStringLiteral("--listen"),
                      QStringLiteral("127.0.0.1:%1").arg(m_ports.at(i)), QStringLiteral("--peers"),
                      peers.join(u','), QStringLiteral("--port"), QString::number(m_ports.at(i)),
                      QStringLiteral("--token-file"), tokenFile()});
        if (!agent->waitForStarted(5000))
            return false;
        m_agents[i] = agent;
        QString last;
        const bool up = QTest::qWaitFor(
            [&] {
                std::unique_ptr<DockerClient> client = agentClient(i, {});
                std::unique_ptr<DockerReply> reply(test::await(client->ping()));
                last = reply->error().toString();
                return !reply->error();
            },
            10000);
        if (!up)
            qWarning().noquote() << "agent" << i << "does not answer:" << last;
        return up;
    }

    // A client of agent i: with the token unless told otherwise, asking for a node.
    std::unique_ptr<DockerClient> agentClient(int i, const QString &node, const QByteArray &token = "default",
                                              const QString &apiVersion = {})
    {
        DockerClient::Options options;
        options.responseTimeoutMs = 15000;
        options.apiVersion = apiVersion; // empty: negotiated through the agent
        if (token == "default")
            options.headers.append({AgentPolicy::TokenHeader, m_token});
        else if (!token.isEmpty())
            options.headers.append({AgentPolicy::TokenHeader, token});
        if (!node.isEmpty())
            options.headers.append({AgentPolicy::NodeHeader, node.toUtf8()});
        return std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(QStringLiteral("tcp://127.0.0.1:%1").arg(m_ports.at(i))),
            options);
    }
    std::unique_ptr<DockerClient> engine(int i) const
    {
        return std::make_unique<DockerClient>(
            test::SandboxEnvironment::endpoint(m_sandbox.nodeEndpoints().at(i)));
    }
    // A plain container on a node's engine (not through the agent: it refuses that).
    QString createContainer(DockerClient *client, const QString &name) const
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("name"), name);
        const QString id =
            test::expectOk(
                client->send(DockerRequest::post(
                    QStringLiteral("/containers/create"),
                    QJsonDocument(QJsonObject{
                        {QStringLiteral("Image"), m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")},
                        {QStringLiteral("Cmd"), QJsonArray{QStringLiteral("sleep"), QStringLiteral("300")}}}),
                    query)))
                .object()
                .value(QLatin1String("Id"))
                .toString();
        test::expectOk(client->send(DockerRequest::post(QStringLiteral("/containers/%1/start").arg(id))));
        return id;
    }
    static void removeContainer(DockerClient *client, const QString &id)
    {
        QUrlQuery query;
        query.addQueryItem(QStringLiteral("force"), QStringLiteral("1"));
        std::unique_ptr<DockerReply>(test::await(
            client->send(DockerRequest::remove(QStringLiteral("/containers/%1").arg(id), query))));
    }
    static QSet<QString> ids(const QJsonArray &containers)
    {
        QSet<QString> out;
        for (const QJsonValue &c : containers)
            out.insert(c[QLatin1String("Id")].toString());
        return out;
    }

private slots:
    void initTestCase()
    {
        m_sandbox = test::SandboxEnvironment::load();
        CAPE_REQUIRE_SANDBOX(m_sandbox);
        QFile token(tokenFile());
        QVERIFY(token.open(QIODevice::WriteOnly));
        token.write(m_token + '\n');
        token.close();
        for (int i = 0; i < m_sandbox.nodeEndpoints().size(); ++i) {
            m_ports << freePort();
            m_agents << nullptr;
            m_hostnames << test::expectOk(engine(i)->info()).object().value(QLatin1String("Name")).toString();
        }
        for (int i = 0; i < m_ports.size(); ++i)
            QVERIFY2(startAgent(i), qPrintable(QStringLiteral("agent %1 did not start").arg(i)));
    }

    void cleanupTestCase()
    {
        for (const auto &agent : std::as_const(m_agents)) {
            if (agent) {
                agent->terminate();
                agent->waitForFinished(5000);
            }
        }
    }

    // Its own node, and the others' through their agents: what each engine lists.
    void answersForEveryNode()
    {
        for (int node = 0; node < m_ports.size(); ++node) {
            const QSet<QString> truth = ids(test::expectOk(engine(node)->listContainers()).array());
            QCOMPARE(ids(test::expectOk(agentClient(0, m_hostnames.at(node))->listContainers()).array()),
                     truth);
        }
        // Every node at once: one list, each container naming its node.
        const QJsonArray all = test::expectOk(agentClient(0, QStringLiteral("*"))->listContainers()).array();
        QSet<QString> expected;
        for (int node = 0; node < m_ports.size(); ++node)
            expected += ids(test::expectOk(engine(node)->listContainers()).array());
        QCOMPARE(ids(all), expected);
        for (const QJsonValue &c : all)
            QVERIFY(m_hostnames.contains(c[QLatin1String("CapeNode")][QLatin1String("Hostname")].toString()));
    }

    void refusesWithoutTheToken()
    {
        for (const QByteArray &token : {QByteArray(), QByteArray("wrong-token-wrong-token-wrong-tok")}) {
            std::unique_ptr<DockerReply> reply(test::await(agentClient(0, m_hostnames.at(2), token)->send([] {
                DockerRequest r = DockerRequest::get(QStringLiteral("/containers/json"));
                r.versioned = false;
                return r;
            }())));
            QCOMPARE(reply->error().httpStatus, 401);
        }
    }

    // Nothing off the whitelist reaches an engine: 403, the path named, no container made.
    void refusesWhatIsNotOnItsList()
    {
        const int before = int(test::expectOk(engine(2)->listContainers(true)).array().size());
        DockerRequest create =
            DockerRequest::post(QStringLiteral("/containers/create"),
                                QJsonDocument(QJsonObject{{QStringLiteral("Image"),
                                                           m_sandbox.value("CAPE_SANDBOX_BUSYBOX_IMAGE")}}));
        create.versioned = false;
        std::unique_ptr<DockerReply> reply(test::await(agentClient(0, m_hostnames.at(2))->send(create)));
        QCOMPARE(reply->error().httpStatus, 403);
        QVERIFY2(reply->error().message.contains(QLatin1String("/containers/create")),
                 qPrintable(reply->error().message));
        QCOMPARE(int(test::expectOk(engine(2)->listContainers(true)).array().size()), before);
    }

    // Exec in a container on another node, through two agents, both ways.
    void execThroughAnotherNodesAgent()
    {
        std::unique_ptr<DockerClient> node3 = engine(2);
        removeContainer(node3.get(), QStringLiteral("agent-exec")); // an interrupted run's
        const QString container = createContainer(node3.get(), QStringLiteral("agent-exec"));
        auto remove = qScopeGuard([&] { removeContainer(node3.get(), container); });

        std::unique_ptr<DockerClient> viaAgent = agentClient(0, m_hostnames.at(2));
        DockerClient::ExecOptions options;
        options.command = {QStringLiteral("sh"), QStringLiteral("-c"),
                           QStringLiteral("read line; echo \"got $line on $(hostname)\"")};
        const QString exec = test::expectOk(viaAgent->createExec(container, options))
                                 .object()
                                 .value(QLatin1String("Id"))
                                 .toString();
        std::unique_ptr<DockerHijack> stream(viaAgent->startExec(exec, false));
        QSignalSpy upgraded(stream.get(), &DockerHijack::upgraded);
        QVERIFY(upgraded.wait(15000));
        QByteArray out;
        LogFrameDecoder decoder;
        connect(stream.get(), &DockerHijack::data, this, [&](const QByteArray &bytes) {
            for (const auto &frame : decoder.feed(bytes).frames)
                out += frame.payload;
        });
        QVERIFY(stream->write("hello\n"));
        QSignalSpy finished(stream.get(), &DockerExchange::finished);
        QVERIFY(finished.wait(15000));
        QVERIFY2(out.startsWith("got hello on "), out.constData());
    }

    // The desktop's way in: `cape-agent --stdio`, trusted, reaching other nodes.
    void servesStdio()
    {
        QProcess stdio;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("CAPE_AGENT_ENGINE"), nodeSocket(0));
        env.insert(QStringLiteral("CAPE_AGENT_PEERS"),
                   QStringLiteral("127.0.0.1:%1,127.0.0.1:%2").arg(m_ports.at(1)).arg(m_ports.at(2)));
        env.insert(QStringLiteral("CAPE_AGENT_TOKEN_FILE"), tokenFile());
        stdio.setProcessEnvironment(env);
        stdio.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        stdio.start(QStringLiteral(CAPE_AGENT_BINARY), {QStringLiteral("--stdio")});
        QVERIFY(stdio.waitForStarted(5000));
        const QByteArray node3 = m_hostnames.at(2).toUtf8();
        stdio.write("GET /containers/json HTTP/1.1\r\nHost: docker\r\nX-Cape-Node: " + node3 + "\r\n\r\n");
        QByteArray answer;
        QVERIFY(QTest::qWaitFor(
            [&] {
                answer += stdio.readAllStandardOutput();
                return answer.contains("\r\n\r\n") && (answer.endsWith("]") || answer.endsWith("]\n"));
            },
            15000));
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.left(200).constData());
        QVERIFY2(!answer.toLower().contains("connection: close"),
                 answer.left(400).constData()); // the session lives on
        stdio.closeWriteChannel();
        QVERIFY(stdio.waitForFinished(5000));
        QCOMPARE(stdio.exitCode(), 0);
    }

    // An agent gone: its node named, in a single answer and in a list of all.
    void aNodeWhoseAgentIsGoneIsNamed()
    {
        m_agents[2]->kill();
        m_agents[2]->waitForFinished(5000);
        auto restart = qScopeGuard([this] { startAgent(2); });
        std::unique_ptr<DockerReply> reply(test::await(
            agentClient(0, m_hostnames.at(2), "default", QStringLiteral("1.41"))->listContainers()));
        QCOMPARE(reply->error().httpStatus, 502);
        QVERIFY2(reply->error().message.contains(m_hostnames.at(2)), qPrintable(reply->error().message));
        std::unique_ptr<DockerReply> all(test::await(agentClient(0, QStringLiteral("*"))->listContainers()));
        QVERIFY(!all->error());
        QVERIFY2(all->header("X-Cape-Unreachable").contains(m_hostnames.at(2).toUtf8()),
                 all->header("X-Cape-Unreachable").constData());
    }
};

QTEST_GUILESS_MAIN(TestAgent)
#include "tst_agent.moc"
