#pragma once

// Precompiled into every headless target (services/, models/, the daemons).
// Linking Qt6::Gui or Qt6::Widgets adds QT_GUI_LIB/QT_WIDGETS_LIB to the
// compile definitions, so a headless target that picks either up fails here
// instead of shipping a daemon that needs a display server's libraries.
#if defined(CAPE_HEADLESS) && (defined(QT_GUI_LIB) || defined(QT_WIDGETS_LIB))
#error                                                                                                       \
    "A headless Cape target links QtGui or QtWidgets; the daemons, services/ and models/ must stay QtCore-only."
#endif
