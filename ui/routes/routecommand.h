#pragma once

#include "services/proxy/proxyconfig.h"

#include <QUndoCommand>

#include <optional>

namespace cape {

class RouteDocument;

// One edit of the route document, undoable: a route added (no before), changed
// (both), or removed (no after), at an index.
class RouteCommand : public QUndoCommand
{
public:
    RouteCommand(RouteDocument *document, int index, std::optional<ProxyConfig::Route> before,
                 std::optional<ProxyConfig::Route> after, const QString &text);

    void redo() override;
    void undo() override;

private:
    static void apply(RouteDocument *document, int index, const std::optional<ProxyConfig::Route> &from,
                      const std::optional<ProxyConfig::Route> &to);

    RouteDocument *m_document;
    int m_index;
    std::optional<ProxyConfig::Route> m_before;
    std::optional<ProxyConfig::Route> m_after;
};

} // namespace cape
