#pragma once

#include <Qt>

namespace cape {

// Roles every Cape table model answers, so views, proxies and delegates
// need not know which model they show.
enum ModelRole : int {
    IdRole = Qt::UserRole + 1, // the object's engine ID (node, service, task, ...)
    SortRole,                  // a value that sorts as a user expects (numbers, times)
    StateRole,                 // a state word a delegate colours: running, down, degraded, ...
    FilterRole,                // the text '/' filtering matches against
};

} // namespace cape
