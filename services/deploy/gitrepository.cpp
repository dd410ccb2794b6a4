#include "gitrepository.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

#include <git2.h>

namespace cape {

namespace {

// libgit2 wants one init per process before any call; it counts them.
struct LibGit2
{
    LibGit2() { git_libgit2_init(); }
    ~LibGit2() { git_libgit2_shutdown(); }
};

void ensureLibGit2()
{
    static LibGit2 library;
}

QString lastGitError(const QString &what)
{
    const git_error *error = git_error_last();
    return error && error->message ? QStringLiteral("%1: %2").arg(what, QString::fromUtf8(error->message))
                                   : what;
}

template<typename T, void (*Free)(T *)> struct Owned
{
    T *pointer = nullptr;
    ~Owned()
    {
        if (pointer)
            Free(pointer);
    }
    T **out() { return &pointer; }
    T *get() const { return pointer; }
};

constexpr auto RemoteName = "origin";
constexpr auto RemoteBranches = "refs/remotes/origin/";

struct FetchContext
{
    const GitRepository::Credentials *credentials;
    QDeadlineTimer deadline;
    int credentialAttempts = 0;
};

int credentialsFor(git_credential **out, const char *, const char *usernameFromUrl, unsigned int allowed,
                   void *payload)
{
    auto *context = static_cast<FetchContext *>(payload);
    // libgit2 asks again after a refusal: once is enough to know the credentials are wrong.
    if (++context->credentialAttempts > 1)
        return GIT_EAUTH;
    const GitRepository::Credentials &credentials = *context->credentials;
    const QByteArray user = !credentials.username.isEmpty() ? credentials.username.toUtf8()
                            : usernameFromUrl               ? QByteArray(usernameFromUrl)
                                                            : QByteArray();
    if ((allowed & GIT_CREDENTIAL_SSH_KEY) && !credentials.sshPrivateKeyPath.isEmpty())
        return git_credential_ssh_key_new(out, user.isEmpty() ? "git" : user.constData(),
                                          credentials.sshPublicKeyPath.isEmpty()
                                              ? nullptr
                                              : credentials.sshPublicKeyPath.toUtf8().constData(),
                                          credentials.sshPrivateKeyPath.toUtf8().constData(),
                                          credentials.sshPassphrase.toUtf8().constData());
    if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !credentials.token.isEmpty())
        return git_credential_userpass_plaintext_new(out,
                                                     user.isEmpty() ? "x-access-token" : user.constData(),
                                                     credentials.token.toUtf8().constData());
    return GIT_PASSTHROUGH; // none of ours fits: libgit2 says so
}

int stopAtDeadline(const git_indexer_progress *, void *payload)
{
    return static_cast<FetchContext *>(payload)->deadline.hasExpired() ? -1 : 0;
}

int stopAtDeadlineSideband(const char *, int, void *payload)
{
    return static_cast<FetchContext *>(payload)->deadline.hasExpired() ? -1 : 0;
}

int stopAtDeadlineUpdate(const char *, const git_oid *, const git_oid *, void *payload)
{
    return static_cast<FetchContext *>(payload)->deadline.hasExpired() ? -1 : 0;
}

QDateTime timeOf(const git_signature *signature)
{
    return signature ? QDateTime::fromSecsSinceEpoch(signature->when.time, Qt::UTC) : QDateTime();
}

} // namespace

GitRepository::GitRepository(const QString &url, const QString &cacheDirectory,
                             const Credentials &credentials)
    : m_url(url)
    , m_directory(cacheDirectory)
    , m_credentials(credentials)
    , m_repository(nullptr, git_repository_free)
{
    ensureLibGit2();
}

GitRepository::~GitRepository() = default;

bool GitRepository::open(QString *error)
{
    if (m_repository)
        return true;
    git_repository *repository = nullptr;
    const QByteArray directory = QFile::encodeName(m_directory);
    if (git_repository_open_bare(&repository, directory.constData()) != 0) {
        if (!QDir().mkpath(m_directory)) {
            *error = QStringLiteral("cannot create the cache %1").arg(m_directory);
            return false;
        }
        if (git_repository_init(&repository, directory.constData(), 1) != 0) {
            *error = lastGitError(QStringLiteral("cannot create a repository in %1").arg(m_directory));
            return false;
        }
    }
    m_repository.reset(repository);
    // The remote, pointed at the configured URL (it may have changed since the cache was made).
    git_remote *remote = nullptr;
    const QByteArray url = m_url.toUtf8();
    if (git_remote_lookup(&remote, repository, RemoteName) == 0) {
        if (QString::fromUtf8(git_remote_url(remote)) != m_url &&
            git_remote_set_url(repository, RemoteName, url.constData()) != 0) {
            git_remote_free(remote);
            *error = lastGitError(QStringLiteral("cannot set the remote's URL"));
            m_repository.reset();
            return false;
        }
        git_remote_free(remote);
        return true;
    }
    if (git_remote_create(&remote, repository, RemoteName, url.constData()) != 0) {
        *error = lastGitError(QStringLiteral("cannot add the remote %1").arg(m_url));
        m_repository.reset();
        return false;
    }
    git_remote_free(remote);
    return true;
}

bool GitRepository::fetch(int timeoutMs, QString *error)
{
    if (!open(error))
        return false;
    Owned<git_remote, git_remote_free> remote;
    if (git_remote_lookup(remote.out(), m_repository.get(), RemoteName) != 0) {
        *error = lastGitError(QStringLiteral("no remote"));
        return false;
    }
    FetchContext context{&m_credentials, QDeadlineTimer(timeoutMs)};
    git_fetch_options options = GIT_FETCH_OPTIONS_INIT;
    options.callbacks.credentials = credentialsFor;
    options.callbacks.transfer_progress = stopAtDeadline;
    options.callbacks.sideband_progress = stopAtDeadlineSideband;
    options.callbacks.update_tips = stopAtDeadlineUpdate;
    options.callbacks.payload = &context;
    options.prune = GIT_FETCH_PRUNE;
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL;
    const int result = git_remote_fetch(remote.get(), nullptr, &options, "cape-deployd fetch");
    if (result != 0) {
        *error = context.deadline.hasExpired()
                     ? QStringLiteral("fetching %1 took longer than %2 s").arg(m_url).arg(timeoutMs / 1000.0)
                 : result == GIT_EAUTH || context.credentialAttempts > 1
                     ? lastGitError(QStringLiteral("%1 refused the credentials").arg(m_url))
                     : lastGitError(QStringLiteral("cannot fetch %1").arg(m_url));
        return false;
    }
    return true;
}

std::optional<GitRepository::Commit> GitRepository::resolve(const QString &ref, QString *error) const
{
    if (!m_repository) {
        *error = QStringLiteral("the repository is not fetched yet");
        return std::nullopt;
    }
    Owned<git_object, git_object_free> object;
    for (const QString &candidate :
         {QLatin1String(RemoteBranches) + ref, QStringLiteral("refs/tags/") + ref, ref}) {
        if (git_revparse_single(object.out(), m_repository.get(), candidate.toUtf8().constData()) == 0)
            break;
    }
    if (!object.get()) {
        *error = QStringLiteral("%1 has no branch, tag or commit \"%2\"").arg(m_url, ref);
        return std::nullopt;
    }
    Owned<git_commit, git_commit_free> commit;
    if (git_object_peel(reinterpret_cast<git_object **>(commit.out()), object.get(), GIT_OBJECT_COMMIT) !=
        0) {
        *error = QStringLiteral("\"%1\" is not a commit").arg(ref);
        return std::nullopt;
    }
    char sha[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(sha, sizeof sha, git_commit_id(commit.get()));
    const git_signature *author = git_commit_author(commit.get());
    return Commit{QString::fromLatin1(sha),
                  ref,
                  QString::fromUtf8(git_commit_message(commit.get())).trimmed(),
                  author ? QString::fromUtf8(author->name) : QString(),
                  author ? QString::fromUtf8(author->email) : QString(),
                  timeOf(author)};
}

bool GitRepository::branchMatches(const QString &pattern, const QString &branch)
{
    QString expression = QRegularExpression::escape(pattern);
    expression.replace(QLatin1String("\\*"), QLatin1String(".*"))
        .replace(QLatin1String("\\?"), QLatin1String("."));
    return QRegularExpression(QRegularExpression::anchoredPattern(expression)).match(branch).hasMatch();
}

QStringList GitRepository::branches(const QString &pattern) const
{
    QStringList found;
    if (!m_repository)
        return found;
    Owned<git_branch_iterator, git_branch_iterator_free> iterator;
    if (git_branch_iterator_new(iterator.out(), m_repository.get(), GIT_BRANCH_REMOTE) != 0)
        return found;
    git_reference *reference = nullptr;
    git_branch_t type;
    while (git_branch_next(&reference, &type, iterator.get()) == 0) {
        const QString name =
            QString::fromUtf8(git_reference_name(reference)).mid(int(strlen(RemoteBranches)));
        git_reference_free(reference);
        if (name != QLatin1String("HEAD") && branchMatches(pattern, name))
            found << name;
    }
    found.sort();
    return found;
}

std::optional<QHash<QString, QByteArray>> GitRepository::files(const QString &sha, qint64 maxFileSize,
                                                               qint64 maxTotal, QString *error) const
{
    if (!m_repository) {
        *error = QStringLiteral("the repository is not fetched yet");
        return std::nullopt;
    }
    git_oid id;
    Owned<git_commit, git_commit_free> commit;
    Owned<git_tree, git_tree_free> tree;
    if (git_oid_fromstr(&id, sha.toLatin1().constData()) != 0 ||
        git_commit_lookup(commit.out(), m_repository.get(), &id) != 0 ||
        git_commit_tree(tree.out(), commit.get()) != 0) {
        *error = lastGitError(QStringLiteral("no commit %1").arg(sha));
        return std::nullopt;
    }
    struct Walk
    {
        git_repository *repository;
        qint64 maxFileSize;
        qint64 maxTotal;
        qint64 total = 0;
        QHash<QString, QByteArray> files{};
        QString error{};
    } walk{m_repository.get(), maxFileSize, maxTotal};
    const auto visit = [](const char *root, const git_tree_entry *entry, void *payload) -> int {
        auto *state = static_cast<Walk *>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
            return 0;
        Owned<git_blob, git_blob_free> blob;
        if (git_blob_lookup(blob.out(), state->repository, git_tree_entry_id(entry)) != 0)
            return 0;
        const qint64 size = qint64(git_blob_rawsize(blob.get()));
        if (size > state->maxFileSize)
            return 0;
        state->total += size;
        if (state->total > state->maxTotal) {
            state->error = QStringLiteral("the commit's files are larger than %1 MiB in all")
                               .arg(state->maxTotal / (1024 * 1024));
            return -1;
        }
        const QString path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
        state->files.insert(
            path, QByteArray(static_cast<const char *>(git_blob_rawcontent(blob.get())), qsizetype(size)));
        return 0;
    };
    if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, visit, &walk) != 0) {
        *error = walk.error.isEmpty() ? lastGitError(QStringLiteral("cannot read commit %1").arg(sha))
                                      : walk.error;
        return std::nullopt;
    }
    return walk.files;
}

} // namespace cape
