#pragma once

#include <QIODevice>

class QSocketNotifier;

namespace cape {

// This process's stdin and stdout as one connection, without blocking:
// what `cape-agent --stdio` serves when the desktop runs it in an exec (as
// `docker system dial-stdio` serves the engine). End of stdin ends it.
class StdioDevice : public QIODevice
{
    Q_OBJECT

public:
    explicit StdioDevice(QObject *parent = nullptr);
    ~StdioDevice() override;

    bool isSequential() const override { return true; }
    qint64 bytesAvailable() const override { return m_in.size() + QIODevice::bytesAvailable(); }
    qint64 bytesToWrite() const override { return m_out.size(); }

protected:
    qint64 readData(char *data, qint64 maxSize) override;
    qint64 writeData(const char *data, qint64 size) override;

private:
    void readStdin();
    void flushStdout();

    QSocketNotifier *m_readable;
    QSocketNotifier *m_writable;
    QByteArray m_in;
    QByteArray m_out;
};

} // namespace cape
