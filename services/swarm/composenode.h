#pragma once

#include "composediagnostic.h"
#include "composeinterpolation.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <optional>
#include <utility>

namespace cape {

// A node of a parsed compose file with its key path, for reading typed
// values. A read that fails records an error naming the line, column and
// path, and returns nothing; the caller carries on so that one pass reports
// every error. Scalar values are interpolated; keys are not (as in docker).
class ComposeNode
{
public:
    struct Context
    {
        ComposeInterpolation interpolation;
        QList<ComposeDiagnostic> errors;
        QList<ComposeDiagnostic> warnings;
        QStringList warnedVariables;
    };

    // Environment and label entries; a missing value (`- NAME`, `NAME:`) is nullopt.
    using KeyValue = std::pair<QString, std::optional<QString>>;

    ComposeNode() = default;
    ComposeNode(const YAML::Node &node, const QString &path, const QString &key, const YAML::Mark &mark,
                Context *context);

    // Present and not null.
    bool exists() const { return m_context && m_node.IsDefined() && !m_node.IsNull(); }
    bool isMap() const { return exists() && m_node.IsMap(); }
    bool isSequence() const { return exists() && m_node.IsSequence(); }
    bool isScalar() const { return exists() && m_node.IsScalar(); }
    QString path() const { return m_path; }
    QString key() const { return m_key; }
    int line() const;
    int column() const;

    // The value of a key of a mapping (merge keys `<<` honoured); a missing
    // key gives a node that does not exist.
    ComposeNode child(const char *key) const;
    ComposeNode child(const QString &key) const;
    // Entries of a mapping in file order, merged ones included; an error and
    // nothing if this is not a mapping. Duplicate keys are errors.
    QList<ComposeNode> entries() const;
    // Items of a sequence; an error and nothing if this is not one.
    QList<ComposeNode> items() const;

    // Warns about keys this reader does not know. `ignored` are compose keys
    // that swarm does not support (docker stack deploy ignores them too).
    void checkKeys(std::initializer_list<const char *> known) const;
    void checkKeys(std::initializer_list<const char *> known,
                   std::initializer_list<const char *> ignored) const;

    void error(const QString &message) const;
    void warning(const QString &message) const;
    // "a mapping", "a list", "\"three\""
    QString describe() const;

    std::optional<QString> string() const;
    std::optional<qint64> integer() const;
    std::optional<qint64> integer(qint64 minimum, qint64 maximum) const;
    std::optional<double> number() const;
    std::optional<bool> boolean() const;
    std::optional<qint64> duration() const; // nanoseconds
    std::optional<qint64> bytes() const;
    std::optional<qint64> nanoCpus() const;
    std::optional<int> fileMode() const;
    // One of the given words.
    std::optional<QString> oneOf(std::initializer_list<const char *> choices) const;
    // A list of scalars, or (singleAllowed) one scalar standing for a list of one.
    std::optional<QStringList> stringList(bool singleAllowed) const;
    // A command: a list as is, a string split into shell words.
    std::optional<QStringList> command() const;
    // `- KEY=value` list or `KEY: value` mapping.
    std::optional<QList<KeyValue>> keyValues() const;
    // keyValues() as a JSON object of strings (labels, options); empty if absent.
    QJsonObject stringMap() const;

private:
    ComposeNode make(const YAML::Node &node, const QString &key, const YAML::Mark &mark) const;
    void collectEntries(const YAML::Node &map, QList<ComposeNode> *out, QStringList *seen, bool merged) const;
    std::optional<QString> scalarText() const;
    ComposeDiagnostic diagnostic(const QString &message) const;

    // A scalar read with one of ComposeSyntax's parsers.
    template<typename T> std::optional<T> parsed(std::optional<T> (*parser)(const QString &, QString *)) const
    {
        const std::optional<QString> text = scalarText();
        if (!text)
            return std::nullopt;
        QString why;
        std::optional<T> value = parser(*text, &why);
        if (!value)
            error(why);
        return value;
    }

    YAML::Node m_node{YAML::NodeType::Undefined};
    QString m_path;
    QString m_key;
    YAML::Mark m_mark = YAML::Mark::null_mark();
    Context *m_context = nullptr;
};

} // namespace cape
