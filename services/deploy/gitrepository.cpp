#include "gitrepository.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QRegularExpression>

#include <git2.h>

#include <archive.h>
#include <archive_entry.h>

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

bool GitRepository::walkBlobs(const QString &sha, qint64 maxFileSize, const BlobVisitor &visit,
                              QDateTime *time, QString *error) const
{
    if (!m_repository) {
        *error = QStringLiteral("the repository is not fetched yet");
        return false;
    }
    git_oid id;
    Owned<git_commit, git_commit_free> commit;
    Owned<git_tree, git_tree_free> tree;
    if (git_oid_fromstr(&id, sha.toLatin1().constData()) != 0 ||
        git_commit_lookup(commit.out(), m_repository.get(), &id) != 0 ||
        git_commit_tree(tree.out(), commit.get()) != 0) {
        *error = lastGitError(QStringLiteral("no commit %1").arg(sha));
        return false;
    }
    if (time)
        *time = timeOf(git_commit_committer(commit.get()));
    struct Walk
    {
        git_repository *repository;
        qint64 maxFileSize;
        const BlobVisitor *visit;
        bool stopped = false;
    } walk{m_repository.get(), maxFileSize, &visit};
    const auto each = [](const char *root, const git_tree_entry *entry, void *payload) -> int {
        auto *state = static_cast<Walk *>(payload);
        if (git_tree_entry_type(entry) != GIT_OBJECT_BLOB)
            return 0;
        Owned<git_blob, git_blob_free> blob;
        if (git_blob_lookup(blob.out(), state->repository, git_tree_entry_id(entry)) != 0)
            return 0;
        const qint64 size = qint64(git_blob_rawsize(blob.get()));
        if (size > state->maxFileSize)
            return 0;
        const QString path = QString::fromUtf8(root) + QString::fromUtf8(git_tree_entry_name(entry));
        const QByteArray content(static_cast<const char *>(git_blob_rawcontent(blob.get())), qsizetype(size));
        if (!(*state->visit)(path, content, int(git_tree_entry_filemode(entry)))) {
            state->stopped = true;
            return -1;
        }
        return 0;
    };
    if (git_tree_walk(tree.get(), GIT_TREEWALK_PRE, each, &walk) != 0) {
        if (!walk.stopped)
            *error = lastGitError(QStringLiteral("cannot read commit %1").arg(sha));
        return false;
    }
    return true;
}

std::optional<QHash<QString, QByteArray>> GitRepository::files(const QString &sha, qint64 maxFileSize,
                                                               qint64 maxTotal, QString *error) const
{
    QHash<QString, QByteArray> files;
    qint64 total = 0;
    const bool read = walkBlobs(
        sha, maxFileSize,
        [&](const QString &path, const QByteArray &content, int) {
            total += content.size();
            if (total > maxTotal) {
                *error = QStringLiteral("the commit's files are larger than %1 MiB in all")
                             .arg(maxTotal / (1024 * 1024));
                return false;
            }
            files.insert(path, content);
            return true;
        },
        nullptr, error);
    if (!read)
        return std::nullopt;
    return files;
}

std::optional<QByteArray> GitRepository::archive(const QString &sha, const QString &folder, qint64 maxTotal,
                                                 QString *error) const
{
    QByteArray tar;
    struct archive *writer = archive_write_new();
    archive_write_set_format_pax_restricted(writer);
    const auto append = [](struct archive *, void *client, const void *buffer, size_t length) -> la_ssize_t {
        static_cast<QByteArray *>(client)->append(static_cast<const char *>(buffer), qsizetype(length));
        return la_ssize_t(length);
    };
    if (archive_write_open(writer, &tar, nullptr, append, nullptr) != ARCHIVE_OK) {
        *error =
            QStringLiteral("cannot start a tar: %1").arg(QString::fromUtf8(archive_error_string(writer)));
        archive_write_free(writer);
        return std::nullopt;
    }
    const QString prefix =
        folder.isEmpty() || folder == QLatin1String(".") ? QString() : QDir::cleanPath(folder) + u'/';
    QDateTime time;
    qint64 total = 0;
    int files = 0;
    const bool walked = walkBlobs(
        sha, maxTotal,
        [&](const QString &path, const QByteArray &content, int mode) {
            if (!path.startsWith(prefix))
                return true;
            total += content.size();
            if (total > maxTotal) {
                *error =
                    QStringLiteral("the build context is larger than %1 MiB").arg(maxTotal / (1024 * 1024));
                return false;
            }
            struct archive_entry *entry = archive_entry_new();
            archive_entry_set_pathname_utf8(entry, path.mid(prefix.size()).toUtf8().constData());
            archive_entry_set_mtime(entry, time.toSecsSinceEpoch(), 0);
            if (mode == GIT_FILEMODE_LINK) {
                archive_entry_set_filetype(entry, AE_IFLNK);
                archive_entry_set_perm(entry, 0777);
                archive_entry_set_symlink_utf8(entry, content.constData());
                archive_entry_set_size(entry, 0);
            } else {
                archive_entry_set_filetype(entry, AE_IFREG);
                archive_entry_set_perm(entry, mode == GIT_FILEMODE_BLOB_EXECUTABLE ? 0755 : 0644);
                archive_entry_set_size(entry, content.size());
            }
            const bool written = archive_write_header(writer, entry) == ARCHIVE_OK &&
                                 (mode == GIT_FILEMODE_LINK ||
                                  archive_write_data(writer, content.constData(), size_t(content.size())) ==
                                      la_ssize_t(content.size()));
            archive_entry_free(entry);
            if (!written)
                *error = QStringLiteral("cannot write %1 into the tar: %2")
                             .arg(path, QString::fromUtf8(archive_error_string(writer)));
            ++files;
            return written;
        },
        &time, error);
    const bool closed = archive_write_close(writer) == ARCHIVE_OK;
    archive_write_free(writer);
    if (!walked)
        return std::nullopt;
    if (!closed) {
        *error = QStringLiteral("cannot finish the tar");
        return std::nullopt;
    }
    if (files == 0) {
        *error = QStringLiteral("commit %1 has no file under %2").arg(sha.left(12), folder);
        return std::nullopt;
    }
    return tar;
}

} // namespace cape
