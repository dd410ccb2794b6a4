#pragma once

#include <QByteArrayView>
#include <QList>
#include <QString>

#include <memory>

namespace cape {

// A plain or regular-expression search over log lines, compiled once with
// PCRE2's JIT and run on UTF-8 bytes, so that a million buffered lines are
// searched without converting one of them to a QString. One matcher may be
// used from several threads at once (each call brings its own match data).
class LogMatcher
{
public:
    struct Query
    {
        QString pattern;
        bool regex = false;
        bool caseSensitive = false;
        bool operator==(const Query &) const = default;
    };

    LogMatcher() = default; // matches nothing; isValid() is false
    explicit LogMatcher(const Query &query);
    ~LogMatcher();
    LogMatcher(const LogMatcher &) = delete;
    LogMatcher &operator=(const LogMatcher &) = delete;

    const Query &query() const { return m_query; }
    bool isEmpty() const { return m_query.pattern.isEmpty(); }
    bool isValid() const { return m_code != nullptr; }
    // "missing closing parenthesis at offset 4" for a pattern that does not compile.
    QString errorString() const { return m_error; }

    // Scratch space for one thread's matches.
    class Scratch
    {
    public:
        explicit Scratch(const LogMatcher &matcher);
        ~Scratch();
        Scratch(const Scratch &) = delete;
        Scratch &operator=(const Scratch &) = delete;

    private:
        friend class LogMatcher;
        void *m_data = nullptr;
    };

    bool matches(QByteArrayView line, Scratch &scratch) const;

    // Every match in the line as [start, end) in UTF-16 units of
    // QString::fromUtf8(line), for highlighting.
    struct Range
    {
        int start;
        int length;
    };
    QList<Range> ranges(QByteArrayView line) const;

private:
    Query m_query;
    void *m_code = nullptr; // pcre2_code_8
    void *m_context = nullptr; // pcre2_match_context_8: bounds a runaway pattern
    QString m_error;
};

} // namespace cape
