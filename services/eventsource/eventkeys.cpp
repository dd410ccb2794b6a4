#include "eventkeys.h"

namespace cape::EventKeys {

namespace {

bool keeps(char16_t unit)
{
    // \w, '*', and what JavaScript's '.' does not match (line terminators).
    return (unit >= u'a' && unit <= u'z') || (unit >= u'A' && unit <= u'Z') ||
           (unit >= u'0' && unit <= u'9') || unit == u'_' || unit == u'*' || unit == u'\n' || unit == u'\r' ||
           unit == 0x2028 || unit == 0x2029;
}

QByteArray key(const QString &text)
{
    return text.toUtf8();
}

} // namespace

QString separatedLowerCase(const QString &text)
{
    QString result;
    result.reserve(text.size());
    bool inRun = false;
    for (const QChar c : text) {
        const char16_t unit = c.unicode();
        if (keeps(unit)) {
            result.append(unit >= u'A' && unit <= u'Z' ? QChar(unit + (u'a' - u'A')) : c);
            inRun = false;
        } else if (!inRun) {
            result.append(u'-');
            inRun = true;
        }
    }
    return result;
}

QByteArray history(const QString &domain, const QString &pid)
{
    return key(QStringLiteral("ph:") + separatedLowerCase(domain) + u':' + pid);
}

QByteArray historyByName(const QString &domain, const QString &pid, const QString &name)
{
    return key(QStringLiteral("phn:") + separatedLowerCase(domain) + u':' + pid + u':' + name);
}

QByteArray historyOnlyByName(const QString &name)
{
    return key(QStringLiteral("phon:") + name);
}

QByteArray historyOnlyByPid(const QString &pid)
{
    return key(QStringLiteral("phop:") + pid);
}

QByteArray historyOnlyByPpid(const QString &ppid)
{
    return key(QStringLiteral("phopp:") + ppid);
}

QByteArray historyByPpid(const QString &domain, const QString &ppid)
{
    return key(QStringLiteral("phpp:") + domain + u':' + ppid);
}

QByteArray persisted(const QString &domain, const QString &name)
{
    return key(QStringLiteral("process-") + separatedLowerCase(domain) + u'-' + separatedLowerCase(name) +
               QStringLiteral("-persisted"));
}

QByteArray persistedPid(const QString &domain, const QString &pid)
{
    return key(QStringLiteral("process-") + separatedLowerCase(domain) + u'-' + pid +
               QStringLiteral("-persisted-pid"));
}

QByteArray persistedPidName(const QString &domain, const QString &pid, const QString &name)
{
    return key(QStringLiteral("process-") + separatedLowerCase(domain) + u'-' + pid + u'-' + name +
               QStringLiteral("-persisted-pid-name"));
}

} // namespace cape::EventKeys
