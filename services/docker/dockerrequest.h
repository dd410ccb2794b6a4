#pragma once

#include <QByteArray>
#include <QJsonDocument>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

#include <memory>

class QIODevice;

namespace cape {

// One call to the Engine API, before the negotiated version is known.
struct DockerRequest
{
    QByteArray method = "GET";
    QString path; // "/services/abc/update", without the /v1.xx prefix
    QUrlQuery query;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    QByteArray contentType;
    // A large upload (an image tar) is streamed from here, never held whole.
    std::shared_ptr<QIODevice> bodyDevice;
    qint64 bodyDeviceSize = -1;

    bool versioned = true; // false for /_ping and /version, used to negotiate
    bool stream = false;   // gets its own connection; body delivered as it comes
    int timeoutMs = -1;    // no-progress timeout; -1 the client's default, 0 none
    // false: the reply keeps the raw body and the caller decodes it, e.g. a
    // list of 10,000 tasks decoded on a worker thread, not the GUI thread.
    bool decodeJson = true;

    static DockerRequest get(const QString &path, const QUrlQuery &query = {});
    static DockerRequest post(const QString &path, const QJsonDocument &json = {}, const QUrlQuery &query = {});
    static DockerRequest remove(const QString &path, const QUrlQuery &query = {});

    // GET, HEAD and DELETE may be sent again on a fresh connection when a
    // kept-alive one turns out to be closed before any response byte.
    bool isRetryable() const;

    // "/v1.41/services?status=true", or unversioned.
    QByteArray target(const QString &apiVersion) const;
    QString describe(const QString &apiVersion) const;
    QByteArray serializeHead(const QString &apiVersion, const QByteArray &hostHeader,
                             const QList<QPair<QByteArray, QByteArray>> &extraHeaders = {}) const;
};

} // namespace cape
