#pragma once

#include "services/core/httprequestreader.h"

#include <QObject>

class QLocalSocket;

namespace cape {

// One client connection to the replay engine: requests parsed as they
// arrive, answers written in order, and at most one held-open stream
// (/events) after which the connection serves nothing else.
class ReplayConnection : public QObject
{
    Q_OBJECT

public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    ReplayConnection(QLocalSocket *socket, Headers commonHeaders, QObject *parent = nullptr);
    ~ReplayConnection() override;

    // A whole answer. As Go's net/http: Content-Length for a small body,
    // else one chunk (the engine's JSON encoder writes a body at once).
    void respond(const HttpRequest &request, int status, const QByteArray &body,
                 const QByteArray &contentType = "application/json", const Headers &extra = {});
    // 200 with chunked framing, headers sent now; then lines, then the end.
    void startStream(const HttpRequest &request);
    void writeChunk(const QByteArray &data);
    void endStream();
    bool isStreaming() const { return m_streaming; }
    void flush();

signals:
    void requestReceived(cape::ReplayConnection *connection, const cape::HttpRequest &request);
    void closed(cape::ReplayConnection *connection);

private:
    void onReadyRead();
    QByteArray head(int status, const QByteArray &contentType, const Headers &extra) const;

    QLocalSocket *m_socket;
    Headers m_commonHeaders;
    HttpRequestReader m_reader;
    bool m_streaming = false;
    bool m_closeAfterStream = false;
};

} // namespace cape
