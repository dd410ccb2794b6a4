#include "httprequest.h"

namespace cape {

QString HttpRequest::path() const
{
    const qsizetype query = target.indexOf('?');
    return QString::fromLatin1(query < 0 ? target : target.left(query));
}

QByteArray HttpRequest::header(const QByteArray &name) const
{
    for (const auto &[key, value] : headers) {
        if (key.compare(name, Qt::CaseInsensitive) == 0)
            return value;
    }
    return {};
}

} // namespace cape
