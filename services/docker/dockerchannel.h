#pragma once

#include "dockererror.h"

#include <QByteArray>
#include <QIODevice>

namespace cape {

// A byte stream to something that speaks the Engine API and is not a
// socket Cape opens itself: the stdin and stdout of `cape-agent --stdio`
// in an exec on the manager, for example (DockerTunnel makes them). The far
// side's end pushes what arrives with deliver() and says where the stream
// stands with markOpen(), fail() and end(); what the client writes leaves
// through outgoing(). DockerConnection reads and writes it as a socket.
class DockerChannel : public QIODevice
{
    Q_OBJECT

public:
    explicit DockerChannel(QObject *parent = nullptr);

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override;

    // The far side's end.
    void markOpen();
    void deliver(const QByteArray &bytes);
    void fail(const DockerError &error);
    void end();

    bool isOpenToFarSide() const { return m_state == State::Open; }

signals:
    void opened();
    void failed(const cape::DockerError &error);
    void ended();
    void outgoing(const QByteArray &bytes);

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    enum class State { Opening, Open, Done };

    State m_state = State::Opening;
    QByteArray m_buffer;
};

} // namespace cape
