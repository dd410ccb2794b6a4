#include "webhookverifier.h"

#include <QMessageAuthenticationCode>

#include <openssl/crypto.h>

namespace cape {

namespace {

bool sameInConstantTime(const QByteArray &a, const QByteArray &b)
{
    // The length is no secret (a SHA-256 hex digest, or the token's length);
    // the content is compared without an early exit.
    return a.size() == b.size() && CRYPTO_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

} // namespace

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
        return sameInConstantTime(headers.githubSignature.toLower(), githubSignature(secret, body))
                   ? QString()
                   : QStringLiteral("the signature does not match the body");
    }
    if (!headers.gitlabToken.isEmpty())
        return sameInConstantTime(headers.gitlabToken, secret) ? QString()
                                                               : QStringLiteral("the token is wrong");
    return QStringLiteral("no signature (X-Hub-Signature-256) and no token (X-Gitlab-Token)");
}

} // namespace cape
