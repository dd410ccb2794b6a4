#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QString>
#include <QStringList>

#include <functional>
#include <memory>
#include <optional>

struct git_repository;

namespace cape {

// A remote git repository's cache on disk (a bare repository, libgit2):
// fetched on demand, its branches resolved to commits, the files of a
// commit read for deploy templates. Blocking: cape-deployd calls it from a
// worker thread, one call at a time per repository.
class GitRepository
{
public:
    // How to authenticate: a token for https (sent as the password, with
    // the user name, "x-access-token" unless given), or an ssh key pair.
    struct Credentials
    {
        QString username;
        QString token;
        QString sshPrivateKeyPath;
        QString sshPublicKeyPath;
        QString sshPassphrase;
    };
    struct Commit
    {
        QString sha;
        QString ref; // what was asked for: a branch, a tag, or the sha
        QString message;
        QString author;
        QString authorEmail;
        QDateTime time; // UTC
    };

    GitRepository(const QString &url, const QString &cacheDirectory, const Credentials &credentials = {});
    ~GitRepository();
    GitRepository(const GitRepository &) = delete;
    GitRepository &operator=(const GitRepository &) = delete;

    // Opens or creates the cache, then fetches every branch and tag
    // (pruning what the remote no longer has). Gives up once the transfer
    // passes the deadline. (libgit2 1.5 has no connect timeout of its own:
    // a remote that never answers holds the call until the OS gives up;
    // the caller stops waiting for it at its own deadline.)
    bool fetch(int timeoutMs, QString *error);
    // A branch (the remote's head of it), a tag, or a commit's sha (or a
    // unique prefix of it).
    std::optional<Commit> resolve(const QString &ref, QString *error) const;
    // The remote's branches whose names match a glob ("main", "release/*").
    QStringList branches(const QString &pattern = QStringLiteral("*")) const;
    // Every file of the commit, by path: files over maxFileSize are left
    // out; more than maxTotal bytes in all is an error.
    std::optional<QHash<QString, QByteArray>> files(const QString &sha, qint64 maxFileSize, qint64 maxTotal,
                                                    QString *error) const;
    // The commit's tree under a folder ("" : all of it) as a tar (libarchive,
    // pax): a build context. More than maxTotal bytes is an error.
    std::optional<QByteArray> archive(const QString &sha, const QString &folder, qint64 maxTotal,
                                      QString *error) const;

    QString url() const { return m_url; }
    // A branch glob as git's refspecs read it: "*" matches anything, "/" included.
    static bool branchMatches(const QString &pattern, const QString &branch);

private:
    bool open(QString *error);
    // Every blob of the commit's tree: visit(path, content, mode) -> false stops with *error set by it.
    using BlobVisitor = std::function<bool(const QString &path, const QByteArray &content, int mode)>;
    bool walkBlobs(const QString &sha, qint64 maxFileSize, const BlobVisitor &visit, QDateTime *time,
                   QString *error) const;

    QString m_url;
    QString m_directory;
    Credentials m_credentials;
    std::unique_ptr<git_repository, void (*)(git_repository *)> m_repository;
};

} // namespace cape
