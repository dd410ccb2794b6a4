#include "logmatcher.h"

#include <QCoreApplication>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace cape {

namespace {

pcre2_code_8 *code(void *p)
{
    return static_cast<pcre2_code_8 *>(p);
}
pcre2_match_data_8 *matchData(void *p)
{
    return static_cast<pcre2_match_data_8 *>(p);
}

// A pattern that backtracks without end must not hang a search: past this
// much work a line counts as not matching.
constexpr uint32_t MatchLimit = 1'000'000;

} // namespace

LogMatcher::LogMatcher(const Query &query)
    : m_query(query)
{
    if (query.pattern.isEmpty())
        return;
    // Log lines are not always valid UTF-8: MATCH_INVALID_UTF matches what is
    // valid around the bad bytes instead of failing the whole line.
    uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (!query.regex)
        options |= PCRE2_LITERAL;
    if (!query.caseSensitive)
        options |= PCRE2_CASELESS;
    const QByteArray pattern = query.pattern.toUtf8();
    int errorCode = 0;
    PCRE2_SIZE errorOffset = 0;
    pcre2_code_8 *compiled =
        pcre2_compile_8(reinterpret_cast<PCRE2_SPTR8>(pattern.constData()), PCRE2_SIZE(pattern.size()),
                        options, &errorCode, &errorOffset, nullptr);
    if (!compiled) {
        PCRE2_UCHAR8 message[256];
        pcre2_get_error_message_8(errorCode, message, sizeof message);
        m_error = QCoreApplication::translate("cape::LogMatcher", "%1 at offset %2")
                      .arg(QString::fromUtf8(reinterpret_cast<const char *>(message)))
                      .arg(QString::fromUtf8(pattern.first(qsizetype(errorOffset))).size());
        return;
    }
    pcre2_jit_compile_8(compiled, PCRE2_JIT_COMPLETE); // without JIT it still works, only slower
    m_code = compiled;
    pcre2_match_context_8 *context = pcre2_match_context_create_8(nullptr);
    pcre2_set_match_limit_8(context, MatchLimit);
    m_context = context;
}

LogMatcher::~LogMatcher()
{
    pcre2_match_context_free_8(static_cast<pcre2_match_context_8 *>(m_context));
    pcre2_code_free_8(code(m_code));
}

LogMatcher::Scratch::Scratch(const LogMatcher &matcher)
{
    if (matcher.m_code)
        m_data = pcre2_match_data_create_from_pattern_8(code(matcher.m_code), nullptr);
}

LogMatcher::Scratch::~Scratch()
{
    pcre2_match_data_free_8(matchData(m_data));
}

bool LogMatcher::matches(QByteArrayView line, Scratch &scratch) const
{
    if (!m_code || !scratch.m_data)
        return false;
    const int rc =
        pcre2_match_8(code(m_code), reinterpret_cast<PCRE2_SPTR8>(line.data()), PCRE2_SIZE(line.size()), 0, 0,
                      matchData(scratch.m_data), static_cast<pcre2_match_context_8 *>(m_context));
    return rc >= 0;
}

QList<LogMatcher::Range> LogMatcher::ranges(QByteArrayView line) const
{
    QList<Range> result;
    if (!m_code)
        return result;
    Scratch scratch(*this);
    const auto *subject = reinterpret_cast<PCRE2_SPTR8>(line.data());
    PCRE2_SIZE offset = 0;
    qsizetype utf16Before = 0; // UTF-16 length of line[0, converted)
    PCRE2_SIZE converted = 0;
    const auto utf16At = [&](PCRE2_SIZE byte) {
        utf16Before +=
            QString::fromUtf8(line.sliced(qsizetype(converted), qsizetype(byte - converted))).size();
        converted = byte;
        return utf16Before;
    };
    while (offset <= PCRE2_SIZE(line.size())) {
        const int rc =
            pcre2_match_8(code(m_code), subject, PCRE2_SIZE(line.size()), offset, 0,
                          matchData(scratch.m_data), static_cast<pcre2_match_context_8 *>(m_context));
        if (rc < 0)
            break;
        const PCRE2_SIZE *vector = pcre2_get_ovector_pointer_8(matchData(scratch.m_data));
        const PCRE2_SIZE start = vector[0];
        const PCRE2_SIZE end = std::max(vector[1], start);
        const qsizetype from = utf16At(start);
        const qsizetype to = utf16At(end);
        if (to > from)
            result.append({int(from), int(to - from)});
        if (end > offset) {
            offset = end;
        } else {
            // An empty match: step over one whole UTF-8 character.
            ++offset;
            while (offset < PCRE2_SIZE(line.size()) && (quint8(line[qsizetype(offset)]) & 0xC0) == 0x80)
                ++offset;
        }
    }
    return result;
}

} // namespace cape
