#include "swarmoperation.h"

#include "services/docker/dockerreply.h"

namespace cape {

void SwarmOperation::call(DockerReply *reply, const QString &what, Handler handler)
{
    reply->then(this, [this, what, handler = std::move(handler)](DockerReply *r) {
        if (r->error()) {
            emit finished(false, QStringLiteral("%1: %2").arg(what, r->error().toString()));
            return;
        }
        handler(r);
    });
}

} // namespace cape
