#include "services/docker/dockerclient.h"

#include <QLocalServer>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

using namespace cape;

// A real dockerd never sends malformed HTTP, stalls on purpose or speaks
// an API version this machine's engine lacks, so these cases run against
// a scripted in-process server. Everything a real engine can do is tested
// against the sandbox swarm in tests/integration.
class ScriptedServer : public QObject
{
    Q_OBJECT

public:
    // Returns the bytes to answer a request head ("GET /x HTTP/1.1..."),
    // or an empty array to stay silent.
    std::function<QByteArray(const QByteArray &head)> respond;
    bool closeAfterResponse = false;
    int connections = 0;
    int maxOpen = 0;
    QList<QByteArray> targets;

    ScriptedServer()
    {
        m_server.listen(QHostAddress::LocalHost);
        connect(&m_server, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                ++m_open;
                maxOpen = qMax(maxOpen, m_open);
                connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                    --m_open;
                    socket->deleteLater();
                });
                connect(socket, &QTcpSocket::readyRead, this, [this, socket] { serve(socket); });
            }
        });
    }

    QString endpoint() const { return QStringLiteral("tcp://127.0.0.1:%1").arg(m_server.serverPort()); }

private:
    void serve(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        for (qsizetype end = buffer.indexOf("\r\n\r\n"); end >= 0; end = buffer.indexOf("\r\n\r\n")) {
            const QByteArray head = buffer.left(end);
            buffer.remove(0, end + 4);
            targets.append(head.split(' ').value(1));
            const QByteArray answer = respond(head);
            if (answer.isEmpty())
                continue;
            socket->write(answer);
            if (closeAfterResponse)
                socket->disconnectFromHost();
        }
    }

    QTcpServer m_server;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    int m_open = 0;
};

namespace {
QByteArray json(int status, const QByteArray &body, const QByteArray &extra = {})
{
    return "HTTP/1.1 " + QByteArray::number(status) + " X\r\nContent-Type: application/json\r\nContent-Length: "
           + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body;
}

QByteArray engine(const QByteArray &head, const QByteArray &apiVersion = "1.41", const QByteArray &minVersion = "1.12")
{
    if (head.startsWith("GET /_ping"))
        return "HTTP/1.1 200 OK\r\nAPI-Version: " + apiVersion + "\r\nContent-Length: 2\r\n\r\nOK";
    if (head.startsWith("GET /version"))
        return json(200, "{\"Version\":\"test\",\"ApiVersion\":\"" + apiVersion + "\",\"MinAPIVersion\":\""
                             + minVersion + "\"}");
    return {};
}

DockerEndpoint endpointOf(const QString &spec)
{
    DockerEndpoint endpoint;
    QString error;
    DockerEndpoint::parse(spec, &endpoint, &error);
    return endpoint;
}

DockerClient::Options fastOptions()
{
    DockerClient::Options options;
    options.connectTimeoutMs = 2000;
    options.responseTimeoutMs = 500;
    return options;
}

DockerError waitForError(DockerExchange *exchange)
{
    if (!exchange->isFinished()) {
        QSignalSpy finished(exchange, &DockerExchange::finished);
        finished.wait(10000);
    }
    return exchange->error();
}
} // namespace

class TestDockerConnection : public QObject
{
    Q_OBJECT

private slots:
    void refusedConnectionNamesTheEndpoint()
    {
        QTcpServer probe;
        probe.listen(QHostAddress::LocalHost);
        const quint16 port = probe.serverPort();
        probe.close(); // nothing listens there now
        DockerClient client(endpointOf(QStringLiteral("tcp://127.0.0.1:%1").arg(port)), fastOptions());
        std::unique_ptr<DockerReply> reply(client.listNodes());
        const DockerError error = waitForError(reply.get());
        QCOMPARE(error.kind, DockerError::Kind::Connection);
        QVERIFY2(error.toString().contains(QStringLiteral("127.0.0.1:%1").arg(port)), qPrintable(error.toString()));
        QVERIFY(error.message.contains(QLatin1String("negotiation failed")));
    }

    void missingUnixSocket()
    {
        DockerClient client(endpointOf(QStringLiteral("unix:///nonexistent/docker.sock")), fastOptions());
        std::unique_ptr<DockerReply> reply(client.ping());
        const DockerError error = waitForError(reply.get());
        QCOMPARE(error.kind, DockerError::Kind::Connection);
        QVERIFY(error.toString().contains(QLatin1String("unix:///nonexistent/docker.sock")));
    }

    void silentServerTimesOut()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &) { return QByteArray(); };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> reply(client.ping());
        QElapsedTimer timer;
        timer.start();
        QCOMPARE(waitForError(reply.get()).kind, DockerError::Kind::Timeout);
        QVERIFY(timer.elapsed() < 5000);
    }

    void malformedAnswers_data()
    {
        QTest::addColumn<QByteArray>("answer");
        QTest::addColumn<bool>("close");
        QTest::addColumn<int>("kind");
        QTest::newRow("garbage") << QByteArray("SSH-2.0-OpenSSH\r\n\r\n") << false << int(DockerError::Kind::Protocol);
        QTest::newRow("truncated") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n{\"ID\":") << true
                                   << int(DockerError::Kind::Connection);
        QTest::newRow("invalid json") << json(200, "{\"ID\": nope}") << false << int(DockerError::Kind::Decode);
        QTest::newRow("closed at once") << QByteArray(" ") << true << int(DockerError::Kind::Protocol);
    }

    void malformedAnswers()
    {
        QFETCH(QByteArray, answer);
        QFETCH(bool, close);
        QFETCH(int, kind);
        ScriptedServer server;
        server.respond = [&](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? answer : e;
        };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> version(client.version());
        QVERIFY(!waitForError(version.get()));
        server.closeAfterResponse = close;
        std::unique_ptr<DockerReply> reply(client.listServices());
        const DockerError error = waitForError(reply.get());
        QVERIFY2(int(error.kind) == kind, qPrintable(error.toString()));
        QVERIFY(error.request.startsWith(QLatin1String("GET /v1.41/services")));
    }

    void engineErrorCarriesItsMessageAndStatus()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? json(404, "{\"message\":\"service nope not found\"}") : e;
        };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> reply(client.inspectService(QStringLiteral("nope")));
        const DockerError error = waitForError(reply.get());
        QCOMPARE(error.kind, DockerError::Kind::Http);
        QCOMPARE(error.httpStatus, 404);
        QCOMPARE(error.message, QStringLiteral("service nope not found"));
        QCOMPARE(error.toString(), server.endpoint().prepend(QStringLiteral("GET /v1.41/services/nope on "))
                                       + QStringLiteral(": 404 service nope not found"));
    }

    void keepAliveReusesOneConnection()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? json(200, "[]") : e;
        };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        for (int i = 0; i < 5; ++i) {
            std::unique_ptr<DockerReply> reply(client.listTasks());
            QVERIFY(!waitForError(reply.get()));
        }
        QCOMPARE(server.connections, 1);
    }

    void staleKeptAliveConnectionIsRetried()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? json(200, "[]") : e;
        };
        // The server drops each connection after answering but still says
        // keep-alive, as an engine behind an idle-cutting proxy does.
        server.closeAfterResponse = true;
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<DockerReply> reply(client.listNodes());
            const DockerError error = waitForError(reply.get());
            QVERIFY2(!error, qPrintable(error.toString()));
        }
    }

    void requestsBeyondThePoolWaitTheirTurn()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? json(200, "[]") : e;
        };
        DockerClient::Options options = fastOptions();
        options.maxConnections = 3;
        DockerClient client(endpointOf(server.endpoint()), options);
        std::vector<std::unique_ptr<DockerReply>> replies;
        for (int i = 0; i < 12; ++i)
            replies.emplace_back(client.listContainers());
        for (auto &reply : replies)
            QVERIFY(!waitForError(reply.get()));
        QVERIFY(server.maxOpen <= 3);
        QVERIFY(server.connections >= 1);
    }

    void newerEngineGetsTheNewestVersionBothSpeak()
    {
        // What Docker 29 answers: API 1.52, nothing below 1.44 accepted.
        ScriptedServer server;
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head, "1.52", "1.44");
            return e.isEmpty() ? json(200, "[]") : e;
        };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> reply(client.listNodes());
        QVERIFY(!waitForError(reply.get()));
        QCOMPARE(client.apiVersion(), QString::fromLatin1(DockerClient::MaxApiVersion));
        QCOMPARE(server.targets.last(), QByteArray("/v1.47/nodes"));
    }

    void engineThatRefusesOurVersionsSaysSo()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) { return engine(head, "1.60", "1.55"); };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> reply(client.listNodes());
        const DockerError error = waitForError(reply.get());
        QVERIFY(error.message.contains(QLatin1String("no common API version")));
    }

    void silentEventStreamLivesWhileTheEnginePings()
    {
        bool engineAlive = true;
        ScriptedServer server;
        server.respond = [&](const QByteArray &head) -> QByteArray {
            if (head.startsWith("GET /_ping") && !engineAlive)
                return {};
            const QByteArray e = engine(head);
            if (!e.isEmpty())
                return e;
            return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        DockerClient::EventOptions options;
        options.idleProbeMs = 200;
        std::unique_ptr<DockerEventStream> stream(client.events(options));
        QSignalSpy finished(stream.get(), &DockerExchange::finished);
        QTRY_VERIFY(stream->isLive());
        QTest::qWait(1000); // several probes answered
        QVERIFY(!stream->isFinished());
        engineAlive = false;
        QVERIFY(finished.wait(5000));
        QCOMPARE(stream->error().kind, DockerError::Kind::Timeout);
    }

    void abortedReplyFinishesAsCancelled()
    {
        ScriptedServer server;
        server.respond = [](const QByteArray &head) { return engine(head); };
        DockerClient client(endpointOf(server.endpoint()), fastOptions());
        std::unique_ptr<DockerReply> reply(client.info());
        QTRY_COMPARE(server.targets.size(), 3); // ping, version, info
        reply->abort();
        QCOMPARE(reply->error().kind, DockerError::Kind::Cancelled);
        // The client stays usable.
        server.respond = [](const QByteArray &head) {
            const QByteArray e = engine(head);
            return e.isEmpty() ? json(200, "{}") : e;
        };
        std::unique_ptr<DockerReply> next(client.info());
        QVERIFY(!waitForError(next.get()));
    }
};

QTEST_GUILESS_MAIN(TestDockerConnection)
#include "tst_dockerconnection.moc"
