#pragma once

#include "services/proxy/proxyconfig.h"

#include <QUndoCommand>

namespace cape {

class RouteDocument;

// The document's listeners and certificates changed in one undoable step.
class ListenersCommand : public QUndoCommand
{
public:
    ListenersCommand(RouteDocument *document, QList<ProxyConfig::Listener> listen,
                     QList<ProxyConfig::Certificate> certificates);

    void redo() override;
    void undo() override;

private:
    RouteDocument *m_document;
    QList<ProxyConfig::Listener> m_listen, m_listenBefore;
    QList<ProxyConfig::Certificate> m_certificates, m_certificatesBefore;
};

} // namespace cape
