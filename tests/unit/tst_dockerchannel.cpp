#include "services/docker/dockerchannel.h"
#include "services/docker/dockerclient.h"
#include "services/docker/dockertunnel.h"

#include <QSignalSpy>
#include <QTest>
#include <QTimer>

#include <functional>

using namespace cape;

namespace {

// A tunnel whose far side is the test: what it does with each channel opened.
class ScriptedTunnel : public DockerTunnel
{
public:
    std::function<void(DockerChannel *)> farSide;
    int opened = 0;

    DockerChannel *open() override
    {
        ++opened;
        auto *channel = new DockerChannel;
        QTimer::singleShot(0, channel, [this, channel] { farSide(channel); });
        return channel;
    }
    QList<QPair<QByteArray, QByteArray>> headers() const override { return {{"X-Cape-Node", "n3"}}; }
    QString describe() const override { return QStringLiteral("node3 through a test tunnel"); }
};

// A far side that answers every request whose head is complete with {"Name": "node3"}.
void answerEveryRequest(DockerChannel *channel, QList<QByteArray> *heads)
{
    auto buffer = std::make_shared<QByteArray>();
    QObject::connect(
        channel, &DockerChannel::outgoing, channel, [channel, heads, buffer](const QByteArray &bytes) {
            *buffer += bytes;
            qsizetype end;
            while ((end = buffer->indexOf("\r\n\r\n")) >= 0) {
                heads->append(buffer->left(end));
                buffer->remove(0, end + 4);
                // Later, as another process would answer.
                const QByteArray body = R"({"Name": "node3"})";
                QTimer::singleShot(0, channel, [channel, body] {
                    channel->deliver("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
                });
            }
        });
    channel->markOpen(); // the first request follows at once
}

} // namespace

// The Engine API over a tunnel's channel (a node's engine through
// cape-agent): requests carry the tunnel's headers, one channel serves
// request after request, and a channel that cannot open, never opens or
// ends mid-answer fails the request with words that say so; none hangs.
class TestDockerChannel : public QObject
{
    Q_OBJECT

    static DockerClient::Options options()
    {
        DockerClient::Options o;
        o.apiVersion = QStringLiteral("1.41"); // no negotiation: the far side is scripted
        o.connectTimeoutMs = 500;
        o.responseTimeoutMs = 1000;
        return o;
    }

private slots:
    void requestsGoThroughOneChannelWithTheTunnelsHeaders()
    {
        auto tunnel = std::make_shared<ScriptedTunnel>();
        QList<QByteArray> heads;
        tunnel->farSide = [&heads](DockerChannel *channel) { answerEveryRequest(channel, &heads); };
        DockerClient client(DockerEndpoint::through(tunnel), options());
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<DockerReply> reply(client.info());
            QSignalSpy finished(reply.get(), &DockerExchange::finished);
            QVERIFY(finished.wait(2000));
            QVERIFY2(!reply->error(), qPrintable(reply->error().toString()));
            QCOMPARE(reply->object().value(QLatin1String("Name")).toString(), QStringLiteral("node3"));
        }
        QCOMPARE(tunnel->opened, 1); // kept alive between requests
        QCOMPARE(heads.size(), 3);
        QVERIFY2(heads.first().startsWith("GET /v1.41/info HTTP/1.1\r\n"), heads.first().constData());
        QVERIFY2(heads.first().contains("\r\nX-Cape-Node: n3"), heads.first().constData());
    }

    void aChannelThatCannotOpenSaysWhy()
    {
        auto tunnel = std::make_shared<ScriptedTunnel>();
        tunnel->farSide = [](DockerChannel *channel) {
            DockerError error;
            error.kind = DockerError::Kind::Connection;
            error.message = QStringLiteral("no task of cape_agent runs on the manager");
            channel->fail(error);
        };
        DockerClient client(DockerEndpoint::through(tunnel), options());
        std::unique_ptr<DockerReply> reply(client.info());
        QSignalSpy finished(reply.get(), &DockerExchange::finished);
        QVERIFY(finished.wait(2000));
        QCOMPARE(reply->error().kind, DockerError::Kind::Connection);
        QVERIFY2(reply->error().message.contains(QStringLiteral("node3 through a test tunnel")),
                 qPrintable(reply->error().message));
        QVERIFY2(reply->error().message.contains(QStringLiteral("no task of cape_agent")),
                 qPrintable(reply->error().message));
    }

    void aChannelThatNeverOpensTimesOut()
    {
        auto tunnel = std::make_shared<ScriptedTunnel>();
        tunnel->farSide = [](DockerChannel *) {};
        DockerClient client(DockerEndpoint::through(tunnel), options());
        std::unique_ptr<DockerReply> reply(client.info());
        QSignalSpy finished(reply.get(), &DockerExchange::finished);
        QVERIFY(finished.wait(3000));
        QCOMPARE(reply->error().kind, DockerError::Kind::Timeout);
    }

    void aChannelThatEndsMidAnswerFailsTheRequest()
    {
        auto tunnel = std::make_shared<ScriptedTunnel>();
        tunnel->farSide = [](DockerChannel *channel) {
            QObject::connect(channel, &DockerChannel::outgoing, channel, [channel] {
                channel->deliver("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"Na");
                QTimer::singleShot(10, channel, &DockerChannel::end);
            });
            channel->markOpen();
        };
        DockerClient client(DockerEndpoint::through(tunnel), options());
        std::unique_ptr<DockerReply> reply(client.info());
        QSignalSpy finished(reply.get(), &DockerExchange::finished);
        QVERIFY(finished.wait(3000));
        QVERIFY(reply->error());
        QVERIFY(reply->error().kind != DockerError::Kind::Timeout); // said at once, not waited out
    }

    void aTunnelEndpointIsEqualOnlyToItself()
    {
        auto tunnel = std::make_shared<ScriptedTunnel>();
        const DockerEndpoint a = DockerEndpoint::through(tunnel);
        QCOMPARE(a, DockerEndpoint::through(tunnel));
        QVERIFY(a != DockerEndpoint::through(std::make_shared<ScriptedTunnel>()));
        QCOMPARE(a.toString(), QStringLiteral("node3 through a test tunnel"));
    }
};

QTEST_GUILESS_MAIN(TestDockerChannel)
#include "tst_dockerchannel.moc"
