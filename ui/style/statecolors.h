#pragma once

#include <QColor>
#include <QString>

namespace cape {

// One palette for states everywhere (tables, visualizer, overview), so
// "running" is the same green in every view.
struct StateColors
{
    static QColor of(const QString &state);
    // good | warn | bad | idle: what a state means to the user.
    static QString severity(const QString &state);
};

} // namespace cape
