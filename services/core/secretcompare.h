#pragma once

#include <QByteArray>

namespace cape {

// Whether a secret given (a token, a signature) is the one wanted, in time
// that does not depend on where they differ: no early exit a client could
// time. Their length is no secret (tokens and digests have fixed lengths).
bool secretsEqual(const QByteArray &given, const QByteArray &wanted);

} // namespace cape
