#pragma once

#include "services/proxy/proxyconfig.h"

#include <QObject>

namespace cape {

// The cape-proxyd document the route editor edits: routes added, changed
// and removed one at a time (so that undo can replay them), opened from
// and saved to the very JSON cape-proxyd reads; changed() after each. May hold a document with problems while
// it is being edited; RouteValidator says which.
class RouteDocument : public QObject
{
    Q_OBJECT

public:
    explicit RouteDocument(QObject *parent = nullptr);

    const ProxyConfig &config() const { return m_config; }
    const QList<ProxyConfig::Route> &routes() const { return m_config.routes; }
    void setConfig(const ProxyConfig &config);

    void insertRoute(int index, const ProxyConfig::Route &route);
    void setRoute(int index, const ProxyConfig::Route &route);
    ProxyConfig::Route takeRoute(int index);
    // What the document listens on and the certificates it names.
    void setListenersAndCertificates(const QList<ProxyConfig::Listener> &listen,
                                     const QList<ProxyConfig::Certificate> &certificates);
    // The route for an entry point, or -1.
    int indexOf(const QString &host, const QString &path) const;

    // false with cape-proxyd's own reasons when the text is no valid document.
    bool load(const QByteArray &json, QStringList *errors);
    QByteArray save() const { return m_config.toJson(); }

signals:
    void changed();

private:
    ProxyConfig m_config;
};

} // namespace cape
