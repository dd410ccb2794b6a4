#include "webhookverifier.h"

#include "services/core/secretcompare.h"

#include <QMessageAuthenticationCode>

namespace cape {

QByteArray WebhookVerifier::githubSignature(const QByteArray &secret, const QByteArray &body)
{
    return "sha256=" + QMessageAuthenticationCode::hash(body, secret, QCryptographicHash::Sha256).toHex();
}

QString WebhookVerifier::check(const QByteArray &secret, const QByteArray &body, const Headers &headers)
{
    if (secret.isEmpty())
        return QStringLiteral("the repository has no webhook secret: webhooks are refused");
    if (!headers.githubSignature.isEmpty()) {
        if (!headers.githubSignature.startsWith("sha256="))
            return QStringLiteral("X-Hub-Signature-256 is not \"sha256=<hex>\"");
        return secretsEqual(headers.githubSignature.toLower(), githubSignature(secret, body))
                   ? QString()
                   : QStringLiteral("the signature does not match the body");
    }
    if (!headers.gitlabToken.isEmpty())
        return secretsEqual(headers.gitlabToken, secret) ? QString() : QStringLiteral("the token is wrong");
    return QStringLiteral("no signature (X-Hub-Signature-256) and no token (X-Gitlab-Token)");
}

} // namespace cape
