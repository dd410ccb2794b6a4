#include "routecommand.h"

#include "models/routedocument.h"

namespace cape {

RouteCommand::RouteCommand(RouteDocument *document, int index, std::optional<ProxyConfig::Route> before,
                           std::optional<ProxyConfig::Route> after, const QString &text)
    : QUndoCommand(text)
    , m_document(document)
    , m_index(index)
    , m_before(std::move(before))
    , m_after(std::move(after))
{}

void RouteCommand::redo()
{
    apply(m_document, m_index, m_before, m_after);
}

void RouteCommand::undo()
{
    apply(m_document, m_index, m_after, m_before);
}

void RouteCommand::apply(RouteDocument *document, int index, const std::optional<ProxyConfig::Route> &from,
                         const std::optional<ProxyConfig::Route> &to)
{
    if (from && to)
        document->setRoute(index, *to);
    else if (to)
        document->insertRoute(index, *to);
    else if (from)
        document->takeRoute(index);
}

} // namespace cape
