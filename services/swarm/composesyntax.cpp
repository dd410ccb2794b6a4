#include "composesyntax.h"

#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>

namespace cape {

namespace {

using L = QLatin1String;

// Ports and port ranges: "8080" or "7000-7001".
bool portRange(const QString &text, int *first, int *last)
{
    const qsizetype dash = text.indexOf(QLatin1Char('-'));
    bool ok1 = false;
    bool ok2 = false;
    *first = (dash < 0 ? text : text.left(dash)).toInt(&ok1);
    *last = dash < 0 ? *first : text.mid(dash + 1).toInt(&ok2);
    if (dash < 0)
        ok2 = true;
    return ok1 && ok2 && *first > 0 && *last >= *first && *last <= 65535;
}

} // namespace

std::optional<qint64> ComposeSyntax::duration(const QString &text, QString *error)
{
    static const QRegularExpression part(
        QStringLiteral("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|\\x{00b5}s|\\x{03bc}s|ms|s|m|h)"));
    const QString t = text.trimmed();
    const auto fail = [&] {
        *error = QStringLiteral("expected a duration such as 10s, 1m30s or 500ms, got \"%1\"").arg(text);
        return std::nullopt;
    };
    if (t == QLatin1String("0"))
        return 0;
    if (t.isEmpty())
        return fail();
    double total = 0;
    qsizetype at = 0;
    while (at < t.size()) {
        const QRegularExpressionMatch m =
            part.match(t, at, QRegularExpression::NormalMatch, QRegularExpression::AnchorAtOffsetMatchOption);
        if (!m.hasMatch())
            return fail();
        const QString unit = m.captured(2);
        double scale = 1e3; // us, and us spelled with a micro sign
        if (unit == L("ns"))
            scale = 1;
        else if (unit == L("ms"))
            scale = 1e6;
        else if (unit == L("s"))
            scale = 1e9;
        else if (unit == L("m"))
            scale = 60e9;
        else if (unit == L("h"))
            scale = 3600e9;
        total += m.captured(1).toDouble() * scale;
        at = m.capturedEnd();
    }
    if (total > 9.2e18)
        return fail();
    return qint64(std::llround(total));
}

std::optional<qint64> ComposeSyntax::bytes(const QString &text, QString *error)
{
    // As docker's units.RAMInBytes: binary multiples, optional i and b.
    static const QRegularExpression re(QStringLiteral("^(\\d+(?:\\.\\d+)?) ?([kKmMgGtTpP])?[iI]?[bB]?$"));
    const QRegularExpressionMatch m = re.match(text.trimmed());
    if (!m.hasMatch()) {
        *error = QStringLiteral("expected a size such as 512M, 1G or 1048576, got \"%1\"").arg(text);
        return std::nullopt;
    }
    double value = m.captured(1).toDouble();
    const QString unit = m.captured(2).toLower();
    const QString units = QStringLiteral("kmgtp");
    if (!unit.isEmpty())
        value *= std::pow(1024.0, double(units.indexOf(unit) + 1));
    if (value > 9.2e18) {
        *error = QStringLiteral("size \"%1\" is too large").arg(text);
        return std::nullopt;
    }
    return qint64(value);
}

std::optional<qint64> ComposeSyntax::nanoCpus(const QString &text, QString *error)
{
    bool ok = false;
    const double cpus = text.trimmed().toDouble(&ok);
    if (!ok || cpus < 0 || !std::isfinite(cpus) || cpus > 1e6) {
        *error = QStringLiteral("expected a number of CPUs such as 0.5 or 2, got \"%1\"").arg(text);
        return std::nullopt;
    }
    return qint64(std::llround(cpus * 1e9));
}

std::optional<int> ComposeSyntax::fileMode(const QString &text, QString *error)
{
    QString t = text.trimmed();
    int base = 10;
    if (t.startsWith(QLatin1String("0o")) || t.startsWith(QLatin1String("0O"))) {
        t = t.mid(2);
        base = 8;
    } else if (t.size() > 1 && t.startsWith(QLatin1Char('0'))) {
        base = 8;
    }
    bool ok = false;
    const int mode = t.toInt(&ok, base);
    if (!ok || mode < 0 || mode > 07777) {
        *error = QStringLiteral("expected a file mode such as 0440, got \"%1\"").arg(text);
        return std::nullopt;
    }
    return mode;
}

std::optional<QStringList> ComposeSyntax::shellWords(const QString &text, QString *error)
{
    QStringList words;
    QString word;
    bool inWord = false;
    enum { Plain, Single, Double } state = Plain;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const QChar c = text.at(i);
        switch (state) {
        case Plain:
            if (c.isSpace()) {
                if (inWord)
                    words.append(word);
                word.clear();
                inWord = false;
            } else if (c == QLatin1Char('\'')) {
                state = Single;
                inWord = true;
            } else if (c == QLatin1Char('"')) {
                state = Double;
                inWord = true;
            } else if (c == QLatin1Char('\\')) {
                if (++i >= text.size()) {
                    *error = QStringLiteral("command ends with a lone backslash");
                    return std::nullopt;
                }
                if (text.at(i) != QLatin1Char('\n'))
                    word.append(text.at(i));
                inWord = true;
            } else {
                word.append(c);
                inWord = true;
            }
            break;
        case Single:
            if (c == QLatin1Char('\''))
                state = Plain;
            else
                word.append(c);
            break;
        case Double:
            if (c == QLatin1Char('"')) {
                state = Plain;
            } else if (c == QLatin1Char('\\') && i + 1 < text.size() &&
                       QStringLiteral("\\\"$`\n").contains(text.at(i + 1))) {
                ++i;
                if (text.at(i) != QLatin1Char('\n'))
                    word.append(text.at(i));
            } else {
                word.append(c);
            }
            break;
        }
    }
    if (state != Plain) {
        *error = QStringLiteral("unterminated %1 quote in command")
                     .arg(state == Single ? QStringLiteral("single") : QStringLiteral("double"));
        return std::nullopt;
    }
    if (inWord)
        words.append(word);
    return words;
}

std::optional<QJsonArray> ComposeSyntax::ports(const QString &text, QString *error, QString *warning)
{
    const auto fail = [&](const QString &why) {
        *error = QStringLiteral("invalid port \"%1\": %2").arg(text, why);
        return std::nullopt;
    };
    QString spec = text.trimmed();
    QString protocol = QStringLiteral("tcp");
    if (const qsizetype slash = spec.indexOf(QLatin1Char('/')); slash >= 0) {
        protocol = spec.mid(slash + 1).toLower();
        spec = spec.left(slash);
        if (protocol != L("tcp") && protocol != L("udp") && protocol != L("sctp"))
            return fail(QStringLiteral("the protocol must be tcp, udp or sctp"));
    }
    // [address:][published:]target; an IPv6 address is in brackets.
    QString address;
    if (spec.startsWith(QLatin1Char('['))) {
        const qsizetype close = spec.indexOf(QStringLiteral("]:"));
        if (close < 0)
            return fail(QStringLiteral("unterminated [address]"));
        address = spec.mid(1, close - 1);
        spec = spec.mid(close + 2);
    }
    QStringList parts = spec.split(QLatin1Char(':'));
    if (parts.size() == 3 && address.isEmpty()) {
        address = parts.takeFirst();
    }
    if (parts.size() > 2 || parts.contains(QString()))
        return fail(QStringLiteral("expected [published:]target[/protocol]"));
    if (!address.isEmpty())
        *warning = QStringLiteral("port \"%1\": swarm services cannot publish on one address; %2 is ignored")
                       .arg(text, address);
    int targetFirst = 0;
    int targetLast = 0;
    if (!portRange(parts.last(), &targetFirst, &targetLast))
        return fail(QStringLiteral("\"%1\" is not a port or a port range").arg(parts.last()));
    int publishedFirst = 0;
    int publishedLast = 0;
    const bool published = parts.size() == 2;
    if (published) {
        if (!portRange(parts.first(), &publishedFirst, &publishedLast))
            return fail(QStringLiteral("\"%1\" is not a port or a port range").arg(parts.first()));
        if (publishedLast - publishedFirst != targetLast - targetFirst)
            return fail(QStringLiteral("the published and target ranges differ in size"));
    }
    if (targetLast - targetFirst >= 1024)
        return fail(QStringLiteral("a range of more than 1024 ports"));
    QJsonArray out;
    for (int i = 0; i <= targetLast - targetFirst; ++i) {
        QJsonObject port{{L("Protocol"), protocol}, {L("TargetPort"), targetFirst + i}};
        if (published)
            port.insert(L("PublishedPort"), publishedFirst + i);
        port.insert(L("PublishMode"), QStringLiteral("ingress"));
        out.append(port);
    }
    return out;
}

QString ComposeSyntax::capability(const QString &name)
{
    const QString upper = name.trimmed().toUpper();
    if (upper == L("ALL") || upper.startsWith(L("CAP_")))
        return upper;
    return QStringLiteral("CAP_") + upper;
}

} // namespace cape
