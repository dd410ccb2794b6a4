#include "listenerscommand.h"

#include "models/routedocument.h"

#include <QCoreApplication>

namespace cape {

ListenersCommand::ListenersCommand(RouteDocument *document, QList<ProxyConfig::Listener> listen,
                                   QList<ProxyConfig::Certificate> certificates)
    : QUndoCommand(QCoreApplication::translate("ListenersCommand", "Change listeners and certificates"))
    , m_document(document)
    , m_listen(std::move(listen))
    , m_listenBefore(document->config().listen)
    , m_certificates(std::move(certificates))
    , m_certificatesBefore(document->config().certificates)
{}

void ListenersCommand::redo()
{
    m_document->setListenersAndCertificates(m_listen, m_certificates);
}

void ListenersCommand::undo()
{
    m_document->setListenersAndCertificates(m_listenBefore, m_certificatesBefore);
}

} // namespace cape
