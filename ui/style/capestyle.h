#pragma once

class QApplication;

namespace cape {

// Fusion with Cape's palette and a few style sheet rules (the sidebar,
// banners, stat cards): the same look on every desktop and offscreen.
void applyCapeStyle(QApplication &app);

} // namespace cape
