#include "composenode.h"

#include "composesyntax.h"

#include <limits>

namespace cape {

namespace {

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

} // namespace

ComposeNode::ComposeNode(const YAML::Node &node, const QString &path, const QString &key,
                         const YAML::Mark &mark, Context *context)
    : m_node(node)
    , m_path(path)
    , m_key(key)
    , m_mark(mark)
    , m_context(context)
{}

int ComposeNode::line() const
{
    return m_mark.is_null() ? 0 : m_mark.line + 1;
}

int ComposeNode::column() const
{
    return m_mark.is_null() ? 0 : m_mark.column + 1;
}

ComposeNode ComposeNode::make(const YAML::Node &node, const QString &key, const YAML::Mark &mark) const
{
    const QString path = m_path.isEmpty() ? key : m_path + QLatin1Char('.') + key;
    return ComposeNode(node, path, key, mark, m_context);
}

ComposeNode ComposeNode::child(const char *key) const
{
    return child(QString::fromLatin1(key));
}

ComposeNode ComposeNode::child(const QString &key) const
{
    if (isMap()) {
        QList<ComposeNode> all;
        QStringList seen;
        // Quietly: entries() reports duplicates once, when the caller walks them.
        collectEntries(m_node, &all, &seen, false);
        for (const ComposeNode &entry : std::as_const(all)) {
            if (entry.m_key == key)
                return entry;
        }
    }
    // Missing: errors about it point at the parent.
    return make(YAML::Node(YAML::NodeType::Undefined), key, m_mark);
}

void ComposeNode::collectEntries(const YAML::Node &map, QList<ComposeNode> *out, QStringList *seen,
                                 bool merged) const
{
    // Explicit keys win over merged ones wherever the merge key stands.
    QStringList explicitKeys;
    // Iterator values are proxies: copy the nodes out, never bind references to them.
    for (const auto &pair : map) {
        const YAML::Node k = pair.first;
        if (k.IsScalar())
            explicitKeys.append(fromStd(k.Scalar()));
    }
    for (const auto &pair : map) {
        const YAML::Node k = pair.first;
        const YAML::Node v = pair.second;
        if (!k.IsScalar())
            continue;
        const QString key = fromStd(k.Scalar());
        if (key == QLatin1String("<<") && k.Tag() != "!") {
            QList<ComposeNode> mergedEntries;
            QStringList mergedSeen;
            if (v.IsMap()) {
                collectEntries(v, &mergedEntries, &mergedSeen, true);
            } else if (v.IsSequence()) {
                for (const YAML::Node &source : v) {
                    if (source.IsMap())
                        collectEntries(source, &mergedEntries, &mergedSeen, true);
                }
            }
            for (const ComposeNode &entry : std::as_const(mergedEntries)) {
                if (!explicitKeys.contains(entry.m_key) && !seen->contains(entry.m_key)) {
                    seen->append(entry.m_key);
                    out->append(make(entry.m_node, entry.m_key, entry.m_mark));
                }
            }
            continue;
        }
        if (seen->contains(key)) {
            // Among merged sources the first one wins; explicit duplicates are errors (reported by
            // entries()).
            if (merged)
                continue;
        }
        seen->append(key);
        out->append(make(v, key, k.Mark()));
    }
}

QList<ComposeNode> ComposeNode::entries() const
{
    if (!exists())
        return {};
    if (!m_node.IsMap()) {
        error(QStringLiteral("expected a mapping, got %1").arg(describe()));
        return {};
    }
    QList<ComposeNode> all;
    QStringList seen;
    collectEntries(m_node, &all, &seen, false);
    QList<ComposeNode> unique;
    QStringList keys;
    for (const ComposeNode &entry : std::as_const(all)) {
        if (keys.contains(entry.m_key)) {
            entry.error(QStringLiteral("duplicate key \"%1\"").arg(entry.m_key));
            continue;
        }
        keys.append(entry.m_key);
        unique.append(entry);
    }
    for (const auto &pair : m_node) {
        const YAML::Node k = pair.first;
        if (!k.IsScalar())
            ComposeNode(k, m_path, QString(), k.Mark(), m_context)
                .error(QStringLiteral("a key must be a plain string"));
    }
    return unique;
}

QList<ComposeNode> ComposeNode::items() const
{
    if (!exists())
        return {};
    if (!m_node.IsSequence()) {
        error(QStringLiteral("expected a list, got %1").arg(describe()));
        return {};
    }
    QList<ComposeNode> out;
    int index = 0;
    for (const YAML::Node &item : m_node) {
        out.append(
            ComposeNode(item, m_path + QStringLiteral("[%1]").arg(index), m_key, item.Mark(), m_context));
        ++index;
    }
    return out;
}

void ComposeNode::checkKeys(std::initializer_list<const char *> known) const
{
    checkKeys(known, {});
}

void ComposeNode::checkKeys(std::initializer_list<const char *> known,
                            std::initializer_list<const char *> ignored) const
{
    if (!isMap())
        return;
    const auto contains = [](std::initializer_list<const char *> list, const QString &key) {
        for (const char *k : list) {
            if (key == QLatin1String(k))
                return true;
        }
        return false;
    };
    for (const ComposeNode &entry : entries()) {
        if (contains(known, entry.m_key) || entry.m_key.startsWith(QLatin1String("x-")))
            continue;
        if (contains(ignored, entry.m_key))
            entry.warning(QStringLiteral("not supported by swarm stacks, ignored"));
        else
            entry.warning(QStringLiteral("unknown key \"%1\", ignored").arg(entry.m_key));
    }
}

ComposeDiagnostic ComposeNode::diagnostic(const QString &message) const
{
    ComposeDiagnostic d;
    d.line = line();
    d.column = column();
    d.path = m_path;
    d.message = message;
    return d;
}

void ComposeNode::error(const QString &message) const
{
    if (m_context)
        m_context->errors.append(diagnostic(message));
}

void ComposeNode::warning(const QString &message) const
{
    if (m_context)
        m_context->warnings.append(diagnostic(message));
}

QString ComposeNode::describe() const
{
    if (!exists())
        return QStringLiteral("nothing");
    if (m_node.IsMap())
        return QStringLiteral("a mapping");
    if (m_node.IsSequence())
        return QStringLiteral("a list");
    return QLatin1Char('"') + fromStd(m_node.Scalar()) + QLatin1Char('"');
}

std::optional<QString> ComposeNode::scalarText() const
{
    if (!exists()) {
        error(QStringLiteral("expected a value, got nothing"));
        return std::nullopt;
    }
    if (!m_node.IsScalar()) {
        error(QStringLiteral("expected a single value, got %1").arg(describe()));
        return std::nullopt;
    }
    const ComposeInterpolation::Result r = m_context->interpolation.interpolate(fromStd(m_node.Scalar()));
    if (!r.ok()) {
        error(r.error);
        return std::nullopt;
    }
    for (const QString &name : r.unset) {
        if (m_context->warnedVariables.contains(name))
            continue;
        m_context->warnedVariables.append(name);
        warning(QStringLiteral("variable %1 is not set, substituting an empty string").arg(name));
    }
    return r.text;
}

std::optional<QString> ComposeNode::string() const
{
    return scalarText();
}

std::optional<qint64> ComposeNode::integer() const
{
    return integer(std::numeric_limits<qint64>::min(), std::numeric_limits<qint64>::max());
}

std::optional<qint64> ComposeNode::integer(qint64 minimum, qint64 maximum) const
{
    const std::optional<QString> text = scalarText();
    if (!text)
        return std::nullopt;
    bool ok = false;
    const qint64 value = text->trimmed().toLongLong(&ok);
    if (!ok) {
        error(QStringLiteral("expected an integer, got \"%1\"").arg(*text));
        return std::nullopt;
    }
    if (value < minimum || value > maximum) {
        error(maximum == std::numeric_limits<qint64>::max()
                  ? QStringLiteral("expected an integer of at least %1, got %2").arg(minimum).arg(value)
                  : QStringLiteral("expected an integer from %1 to %2, got %3")
                        .arg(minimum)
                        .arg(maximum)
                        .arg(value));
        return std::nullopt;
    }
    return value;
}

std::optional<double> ComposeNode::number() const
{
    const std::optional<QString> text = scalarText();
    if (!text)
        return std::nullopt;
    bool ok = false;
    const double value = text->trimmed().toDouble(&ok);
    if (!ok) {
        error(QStringLiteral("expected a number, got \"%1\"").arg(*text));
        return std::nullopt;
    }
    return value;
}

std::optional<bool> ComposeNode::boolean() const
{
    const std::optional<QString> text = scalarText();
    if (!text)
        return std::nullopt;
    const QString t = text->trimmed().toLower();
    if (t == QLatin1String("true") || t == QLatin1String("yes") || t == QLatin1String("on"))
        return true;
    if (t == QLatin1String("false") || t == QLatin1String("no") || t == QLatin1String("off"))
        return false;
    error(QStringLiteral("expected true or false, got \"%1\"").arg(*text));
    return std::nullopt;
}

std::optional<qint64> ComposeNode::duration() const
{
    return parsed(&ComposeSyntax::duration);
}

std::optional<qint64> ComposeNode::bytes() const
{
    return parsed(&ComposeSyntax::bytes);
}

std::optional<qint64> ComposeNode::nanoCpus() const
{
    return parsed(&ComposeSyntax::nanoCpus);
}

std::optional<int> ComposeNode::fileMode() const
{
    return parsed(&ComposeSyntax::fileMode);
}

std::optional<QString> ComposeNode::oneOf(std::initializer_list<const char *> choices) const
{
    const std::optional<QString> text = scalarText();
    if (!text)
        return std::nullopt;
    QStringList names;
    for (const char *choice : choices) {
        if (*text == QLatin1String(choice))
            return text;
        names.append(QString::fromLatin1(choice));
    }
    const QString last = names.takeLast();
    error(QStringLiteral("expected %1 or %2, got \"%3\"").arg(names.join(QStringLiteral(", ")), last, *text));
    return std::nullopt;
}

std::optional<QStringList> ComposeNode::stringList(bool singleAllowed) const
{
    if (singleAllowed && isScalar()) {
        const std::optional<QString> one = scalarText();
        return one ? std::optional<QStringList>(QStringList{*one}) : std::nullopt;
    }
    if (!isSequence()) {
        error(QStringLiteral("expected a list%1, got %2")
                  .arg(singleAllowed ? QStringLiteral(" or a string") : QString(), describe()));
        return std::nullopt;
    }
    QStringList out;
    bool ok = true;
    for (const ComposeNode &item : items()) {
        const std::optional<QString> s = item.scalarText();
        ok = ok && s.has_value();
        if (s)
            out.append(*s);
    }
    return ok ? std::optional<QStringList>(out) : std::nullopt;
}

std::optional<QStringList> ComposeNode::command() const
{
    if (isScalar()) {
        const std::optional<QString> text = scalarText();
        if (!text)
            return std::nullopt;
        QString why;
        const std::optional<QStringList> words = ComposeSyntax::shellWords(*text, &why);
        if (!words)
            error(why);
        return words;
    }
    return stringList(false);
}

std::optional<QList<ComposeNode::KeyValue>> ComposeNode::keyValues() const
{
    QList<KeyValue> out;
    bool ok = true;
    if (isMap()) {
        for (const ComposeNode &entry : entries()) {
            if (!entry.exists()) {
                out.append({entry.m_key, std::nullopt});
                continue;
            }
            const std::optional<QString> value = entry.scalarText();
            ok = ok && value.has_value();
            out.append({entry.m_key, value});
        }
    } else if (isSequence()) {
        for (const ComposeNode &item : items()) {
            const std::optional<QString> text = item.scalarText();
            if (!text) {
                ok = false;
                continue;
            }
            const qsizetype eq = text->indexOf(QLatin1Char('='));
            if (eq == 0) {
                item.error(QStringLiteral("expected KEY=value, got \"%1\"").arg(*text));
                ok = false;
                continue;
            }
            if (eq < 0)
                out.append({*text, std::nullopt});
            else
                out.append({text->left(eq), text->mid(eq + 1)});
        }
    } else if (exists()) {
        error(QStringLiteral("expected a list of KEY=value or a mapping, got %1").arg(describe()));
        return std::nullopt;
    }
    return ok ? std::optional<QList<KeyValue>>(out) : std::nullopt;
}

QJsonObject ComposeNode::stringMap() const
{
    QJsonObject out;
    if (!exists())
        return out;
    if (const auto values = keyValues()) {
        for (const auto &[key, value] : *values)
            out.insert(key, value.value_or(QString()));
    }
    return out;
}

} // namespace cape
