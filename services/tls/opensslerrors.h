#pragma once

#include <QString>

namespace cape {

// OpenSSL's error queue as one line (and the queue emptied), for messages
// that say why: "error:0480006C:PEM routines::no start line".
QString opensslErrors();

} // namespace cape
