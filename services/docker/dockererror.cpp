#include "dockererror.h"

namespace cape {

QString DockerError::kindName(Kind kind)
{
    switch (kind) {
    case Kind::None:
        return QStringLiteral("no error");
    case Kind::Connection:
        return QStringLiteral("connection error");
    case Kind::Tls:
        return QStringLiteral("TLS error");
    case Kind::Timeout:
        return QStringLiteral("timeout");
    case Kind::Protocol:
        return QStringLiteral("protocol error");
    case Kind::Http:
        return QStringLiteral("engine error");
    case Kind::Decode:
        return QStringLiteral("invalid response");
    case Kind::Cancelled:
        return QStringLiteral("cancelled");
    case Kind::Config:
        return QStringLiteral("configuration error");
    case Kind::Ssh:
        return QStringLiteral("ssh error");
    }
    return {};
}

QString DockerError::toString() const
{
    if (!isError())
        return kindName(kind);
    QString where = request.isEmpty() ? endpoint : request + QStringLiteral(" on ") + endpoint;
    QString what = kind == Kind::Http ? QString::number(httpStatus) + QLatin1Char(' ') + message
                                      : kindName(kind) + QStringLiteral(": ") + message;
    return where.isEmpty() ? what : where + QStringLiteral(": ") + what;
}

} // namespace cape
