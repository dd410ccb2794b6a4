#pragma once

#include <QByteArray>
#include <QString>

namespace cape {

// The Redis layout of @superhero/core.eventsource 3.x (its src/mapper),
// spelled exactly as the reference spells it: which parts are normalised,
// which are not (phpp: keeps its domain as given), the queue's names.
namespace EventKeys {

inline constexpr char Queue[] = "process-event-queued";        // stream, its group, its wake-up channel
inline constexpr char Scheduled[] = "process-event-scheduled"; // sorted set and channel
inline constexpr char ScheduleCleared[] = "process-event-scheduled-cleared"; // channel
inline constexpr char ErrorQueued[] = "process-error-queued";                // stream and channel
inline constexpr char ErrorScheduled[] = "process-error-scheduled";          // stream and channel
inline constexpr char Data[] = "pd";                                         // hash: stream id -> event JSON

// toSeperatedLowerCase: every run of characters other than word characters,
// '*' and line breaks becomes one '-', then lower case. As the JavaScript
// regex it mirrors, it works on UTF-16 units: "Café Crème" -> "caf-cr-me".
QString separatedLowerCase(const QString &text);

QByteArray history(const QString &domain, const QString &pid);                            // ph:
QByteArray historyByName(const QString &domain, const QString &pid, const QString &name); // phn:
QByteArray historyOnlyByName(const QString &name);                                        // phon:
QByteArray historyOnlyByPid(const QString &pid);                                          // phop:
QByteArray historyOnlyByPpid(const QString &ppid);                                        // phopp:
QByteArray historyByPpid(const QString &domain, const QString &ppid);                     // phpp:
QByteArray persisted(const QString &domain, const QString &name);   // stream, group, channel
QByteArray persistedPid(const QString &domain, const QString &pid); // channel
QByteArray persistedPidName(const QString &domain, const QString &pid, const QString &name); // channel

} // namespace EventKeys

} // namespace cape
