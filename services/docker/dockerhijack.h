#pragma once

#include "dockerstream.h"

namespace cape {

// A request whose connection becomes a byte stream (exec start: HTTP
// "Upgrade: tcp", answered 101): what the far side writes arrives in data(),
// what write() sends goes to it, both raw. Without a TTY the far side's
// output is multiplexed in 8-byte frames (LogFrameDecoder reads them); the
// input never is. finished() comes when either side closes.
class DockerHijack : public DockerStream
{
    Q_OBJECT

public:
    DockerHijack(DockerRequest request, QString endpoint, QObject *parent = nullptr);

    // False before the 101, or after the end.
    bool write(const QByteArray &bytes);
    bool isUpgraded() const { return m_upgraded; }

signals:
    void upgraded();
    void data(const QByteArray &bytes);

protected:
    void decode(const QByteArray &bytes) override;
    DockerError decodeEnd() override;

private:
    bool m_upgraded = false;
};

} // namespace cape
