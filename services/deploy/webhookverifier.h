#pragma once

#include <QByteArray>
#include <QString>

namespace cape {

// Whether a webhook comes from the forge that knows the repository's
// secret: GitHub's X-Hub-Signature-256 ("sha256=" + HMAC-SHA256 of the raw
// body, hex) or GitLab's X-Gitlab-Token (the secret itself). Compared in
// constant time: a forged request learns nothing from how long the answer
// takes.
class WebhookVerifier
{
public:
    struct Headers
    {
        QByteArray githubSignature; // X-Hub-Signature-256
        QByteArray gitlabToken;     // X-Gitlab-Token
    };

    // Empty when the request carries a good signature or token for the
    // secret; otherwise why not ("no signature", "the signature does not
    // match"). A repository without a secret accepts no webhook at all.
    static QString check(const QByteArray &secret, const QByteArray &body, const Headers &headers);
    // "sha256=<hex>" for the body: what GitHub sends (tests, the benchmark).
    static QByteArray githubSignature(const QByteArray &secret, const QByteArray &body);
};

} // namespace cape
