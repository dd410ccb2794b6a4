// GitRepository (libgit2) against real repositories made with git in a
// temporary directory and fetched over file:// (and smart HTTP with a token): branches, tags and shas
// resolved, a commit's files read, new pushes seen, bad remotes reported.
#include "../integration/gitcommand.h"
#include "../integration/proxy/loopbackport.h"
#include "services/deploy/gitrepository.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace cape;

class TestGitRepository : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;

    QString origin() const { return m_dir.filePath(QStringLiteral("origin")); }
    QString url() const { return QStringLiteral("file://") + origin(); }

    // git in the origin's working tree; its output, or a QFAIL.
    QString git(const QStringList &arguments)
    {
        const test::GitResult result = test::git(origin(), arguments);
        [&] {
            QVERIFY2(result.exitCode == 0,
                     qPrintable(arguments.join(u' ') + QStringLiteral(": ") + result.output));
        }();
        return result.output;
    }

    void write(const QString &path, const QByteArray &content)
    {
        QDir(origin()).mkpath(QFileInfo(path).path());
        QFile file(origin() + u'/' + path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }

    QString commit(const QString &message)
    {
        git({QStringLiteral("add"), QStringLiteral("-A")});
        git({QStringLiteral("commit"), QStringLiteral("-q"), QStringLiteral("-m"), message});
        return git({QStringLiteral("rev-parse"), QStringLiteral("HEAD")});
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QDir().mkpath(origin());
        git({QStringLiteral("init"), QStringLiteral("-q"), QStringLiteral("-b"), QStringLiteral("main")});
        write(QStringLiteral("deploy/web.js"), "module.exports = () => [];\n");
        write(QStringLiteral("README.md"), "# shop\n");
        commit(QStringLiteral("First\n\nWith a body."));
    }

    void resolvesBranchesTagsAndShasAndReadsFiles()
    {
        GitRepository repository(url(), m_dir.filePath(QStringLiteral("cache")));
        QString error;
        QVERIFY2(repository.fetch(30000, &error), qPrintable(error));
        const auto head = repository.resolve(QStringLiteral("main"), &error);
        QVERIFY2(head, qPrintable(error));
        QCOMPARE(head->sha, git({QStringLiteral("rev-parse"), QStringLiteral("main")}));
        QCOMPARE(head->message, QStringLiteral("First\n\nWith a body."));
        QCOMPARE(head->author, QStringLiteral("Cape Test"));
        QCOMPARE(head->authorEmail, QStringLiteral("test@cape.test"));
        QVERIFY(qAbs(head->time.secsTo(QDateTime::currentDateTimeUtc())) < 300);

        const auto files = repository.files(head->sha, 1024, 1024 * 1024, &error);
        QVERIFY2(files, qPrintable(error));
        QCOMPARE(files->value(QStringLiteral("deploy/web.js")), QByteArray("module.exports = () => [];\n"));
        QCOMPARE(files->size(), 2);

        // A tag, a short sha, a second branch matched by a glob.
        git({QStringLiteral("tag"), QStringLiteral("v1.0")});
        git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("-b"),
             QStringLiteral("release/1")});
        write(QStringLiteral("VERSION"), "1\n");
        const QString release = commit(QStringLiteral("Release 1"));
        git({QStringLiteral("checkout"), QStringLiteral("-q"), QStringLiteral("main")});
        QVERIFY2(repository.fetch(30000, &error), qPrintable(error));
        QCOMPARE(repository.resolve(QStringLiteral("v1.0"), &error)->sha, head->sha);
        QCOMPARE(repository.resolve(head->sha.left(10), &error)->sha, head->sha);
        QCOMPARE(repository.resolve(QStringLiteral("release/1"), &error)->sha, release);
        QCOMPARE(repository.branches(QStringLiteral("release/*")), QStringList{QStringLiteral("release/1")});
        QCOMPARE(repository.branches(), (QStringList{QStringLiteral("main"), QStringLiteral("release/1")}));
        QVERIFY(!repository.resolve(QStringLiteral("nope"), &error));
        QCOMPARE(error, QStringLiteral("%1 has no branch, tag or commit \"nope\"").arg(url()));
    }

    void seesNewPushesAndKeepsItsCacheAcrossInstances()
    {
        const QString cache = m_dir.filePath(QStringLiteral("cache2"));
        QString error;
        {
            GitRepository first(url(), cache);
            QVERIFY2(first.fetch(30000, &error), qPrintable(error));
        }
        write(QStringLiteral("deploy/web.js"), "module.exports = () => [{name: 'web'}];\n");
        const QString pushed = commit(QStringLiteral("Second"));
        GitRepository again(url(), cache); // opens the cache made before
        QVERIFY2(again.fetch(30000, &error), qPrintable(error));
        QCOMPARE(again.resolve(QStringLiteral("main"), &error)->sha, pushed);
        QCOMPARE(again.files(pushed, 1024, 1024 * 1024, &error)->value(QStringLiteral("deploy/web.js")),
                 QByteArray("module.exports = () => [{name: 'web'}];\n"));
    }

    void largeFilesAreLeftOutAndTooMuchIsAnError()
    {
        write(QStringLiteral("big.bin"), QByteArray(4096, 'x'));
        const QString sha = commit(QStringLiteral("Big"));
        GitRepository repository(url(), m_dir.filePath(QStringLiteral("cache3")));
        QString error;
        QVERIFY2(repository.fetch(30000, &error), qPrintable(error));
        const auto files = repository.files(sha, 1024, 1024 * 1024, &error);
        QVERIFY(files && !files->contains(QStringLiteral("big.bin")) &&
                files->contains(QStringLiteral("README.md")));
        QVERIFY(!repository.files(sha, 8192, 2048, &error));
        QVERIFY2(error.contains(QLatin1String("larger than")), qPrintable(error));
    }

    void aFolderOfACommitBecomesABuildContextTar()
    {
        write(QStringLiteral("web/Dockerfile"), "FROM scratch\n");
        write(QStringLiteral("web/run.sh"), "#!/bin/sh\n");
        QFile::setPermissions(origin() + QStringLiteral("/web/run.sh"),
                              QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        const QString sha = commit(QStringLiteral("Web"));
        GitRepository repository(url(), m_dir.filePath(QStringLiteral("cache5")));
        QString error;
        QVERIFY2(repository.fetch(30000, &error), qPrintable(error));
        const auto tar = repository.archive(sha, QStringLiteral("web"), 1024 * 1024, &error);
        QVERIFY2(tar, qPrintable(error));
        // tar itself reads it: the folder's files at the top, the executable bit kept.
        const auto listing = [](const QByteArray &archive) {
            QProcess list;
            list.start(QStringLiteral("tar"), {QStringLiteral("-tvf"), QStringLiteral("-")});
            list.write(archive);
            list.closeWriteChannel();
            list.waitForFinished(10000);
            return QString::fromUtf8(list.readAllStandardOutput());
        };
        const QString web = listing(*tar);
        QVERIFY2(web.contains(QLatin1String("-rw-r--r--")) && web.contains(QLatin1String(" Dockerfile")),
                 qPrintable(web));
        QVERIFY2(web.contains(QLatin1String("-rwxr-xr-x")) && web.contains(QLatin1String(" run.sh")),
                 qPrintable(web));
        QVERIFY2(!web.contains(QLatin1String("README")), qPrintable(web));
        const QString whole =
            listing(repository.archive(sha, {}, 1024 * 1024, &error).value_or(QByteArray()));
        QVERIFY2(whole.contains(QLatin1String(" README.md")) && whole.contains(QLatin1String(" web/run.sh")),
                 qPrintable(whole));
        QVERIFY(!repository.archive(sha, QStringLiteral("nowhere"), 1024 * 1024, &error));
        QCOMPARE(error, QStringLiteral("commit %1 has no file under nowhere").arg(sha.left(12)));
        QVERIFY(!repository.archive(sha, {}, 16, &error));
        QVERIFY2(error.startsWith(QLatin1String("the build context is larger than")), qPrintable(error));
    }

    // Over smart HTTP with a token, as GitHub and GitLab take one (git's own git-http-backend behind
    // Basic authentication): the right token fetches, a wrong one is refused and said so.
    void aTokenOpensAnHttpRemote()
    {
        const QString projects = m_dir.filePath(QStringLiteral("projects"));
        QVERIFY(QDir().mkpath(projects));
        QVERIFY(
            test::git(m_dir.path(), {QStringLiteral("clone"), QStringLiteral("-q"), QStringLiteral("--bare"),
                                     origin(), projects + QStringLiteral("/shop.git")})
                .exitCode == 0);
        const quint16 port = test::freePort();
        QProcess server;
        server.setProcessChannelMode(QProcess::ForwardedChannels);
        server.start(QStringLiteral("python3"), {QStringLiteral(CAPE_TEST_GIT_HTTP_SERVER), projects,
                                                 QStringLiteral("s3cret-token"), QString::number(port)});
        QVERIFY(server.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(test::isListening(port), 10000);
        const QString url = QStringLiteral("http://127.0.0.1:%1/git/shop.git").arg(port);
        QString error;
        GitRepository::Credentials token;
        token.token = QStringLiteral("s3cret-token");
        GitRepository withToken(url, m_dir.filePath(QStringLiteral("cache-http")), token);
        QVERIFY2(withToken.fetch(30000, &error), qPrintable(error));
        QCOMPARE(withToken.resolve(QStringLiteral("main"), &error)->sha,
                 git({QStringLiteral("rev-parse"), QStringLiteral("main")}));
        token.token = QStringLiteral("guess");
        GitRepository wrong(url, m_dir.filePath(QStringLiteral("cache-http-wrong")), token);
        QVERIFY(!wrong.fetch(30000, &error));
        QVERIFY2(error.startsWith(url + QStringLiteral(" refused the credentials")), qPrintable(error));
        GitRepository none(url, m_dir.filePath(QStringLiteral("cache-http-none")));
        QVERIFY(!none.fetch(30000, &error));
        QVERIFY2(error.contains(QLatin1String("401")) || error.contains(QLatin1String("auth")),
                 qPrintable(error));
        server.kill();
        server.waitForFinished(5000);
    }

    void aRemoteThatIsNotThereIsAnError()
    {
        GitRepository repository(QStringLiteral("file:///nonexistent/repo.git"),
                                 m_dir.filePath(QStringLiteral("cache4")));
        QString error;
        QVERIFY(!repository.fetch(10000, &error));
        QVERIFY2(error.startsWith(QLatin1String("cannot fetch file:///nonexistent/repo.git")),
                 qPrintable(error));
        QVERIFY(!repository.resolve(QStringLiteral("main"), &error));
    }
};

QTEST_GUILESS_MAIN(TestGitRepository)
#include "tst_gitrepository.moc"
