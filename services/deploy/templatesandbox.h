#pragma once

#include "templateevaluator.h"

#include <QObject>

#include <functional>

class QProcess;

namespace cape {

// Runs deploy templates in a process of their own (cape-deployd
// --evaluate-template), so that a template that loops or eats memory is
// stopped without touching the daemon: a time limit (the process is killed
// at it) and an address-space limit (setrlimit, in the child). The job goes
// in on stdin and the outcome comes back on stdout, both JSON.
class TemplateSandbox : public QObject
{
    Q_OBJECT

public:
    struct Limits
    {
        int timeoutMs = 5000;
        qint64 memoryBytes = qint64(1024) * 1024 * 1024; // address space (V4 reserves much it never touches)
    };
    using Done = std::function<void(const TemplateEvaluator::Outcome &outcome)>;

    // program: an executable that understands --evaluate-template
    // (cape-deployd; its own path by default).
    explicit TemplateSandbox(const QString &program = {}, QObject *parent = nullptr);

    void setLimits(const Limits &limits) { m_limits = limits; }
    Limits limits() const { return m_limits; }

    // Evaluates; done is called once, on this object's thread.
    void run(const QList<TemplateEvaluator::Template> &templates, const QJsonObject &context, Done done);

    // What the child process does: reads the job on stdin, writes the
    // outcome on stdout; the exit code is 0 when it wrote one.
    static int evaluateFromStdin();

private:
    QString m_program;
    Limits m_limits;
};

} // namespace cape
