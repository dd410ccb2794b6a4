#!/bin/sh
# Fails if any given binary loads QtGui or QtWidgets (directly or through
# another library), printing the offending ldd lines.
status=0
for binary in "$@"; do
    libs=$(ldd "$binary") || { echo "ldd failed on $binary"; exit 1; }
    if echo "$libs" | grep -E 'libQt6(Gui|Widgets|OpenGL)'; then
        echo "FAIL: $binary links a GUI library"
        status=1
    elif ! echo "$libs" | grep -q libQt6Core; then
        echo "FAIL: $binary does not link QtCore: is this the right binary?"
        status=1
    else
        echo "ok: $binary is headless"
    fi
done
exit $status
