#include "templatesandbox.h"

#include <QCoreApplication>
#include <QFile>
#include <QJsonDocument>
#include <QProcess>
#include <QTimer>

#include <sys/resource.h>

namespace cape {

namespace {

TemplateEvaluator::Outcome failure(const QString &message)
{
    TemplateEvaluator::Outcome outcome;
    outcome.error.message = message;
    return outcome;
}

} // namespace

TemplateSandbox::TemplateSandbox(const QString &program, QObject *parent)
    : QObject(parent)
    , m_program(program.isEmpty() ? QCoreApplication::applicationFilePath() : program)
{}

void TemplateSandbox::run(const QList<TemplateEvaluator::Template> &templates, const QJsonObject &context,
                          Done done)
{
    QJsonArray sources;
    for (const TemplateEvaluator::Template &source : templates)
        sources << QJsonObject{{QStringLiteral("path"), source.path},
                               {QStringLiteral("source"), source.source}};
    const QByteArray job = QJsonDocument(QJsonObject{{QStringLiteral("templates"), sources},
                                                     {QStringLiteral("context"), context}})
                               .toJson(QJsonDocument::Compact);

    auto *process = new QProcess(this);
    const rlim_t memory = rlim_t(m_limits.memoryBytes);
    process->setChildProcessModifier([memory] {
        // In the child, after fork: only async-signal-safe calls.
        const rlimit limit{memory, memory};
        setrlimit(RLIMIT_AS, &limit);
        const rlimit noCore{0, 0};
        setrlimit(RLIMIT_CORE, &noCore);
    });
    auto *deadline = new QTimer(process);
    deadline->setSingleShot(true);
    auto finished = std::make_shared<bool>(false);
    const auto end = [process, done, finished](const TemplateEvaluator::Outcome &outcome) {
        if (*finished)
            return;
        *finished = true;
        process->disconnect();
        process->deleteLater();
        done(outcome);
    };
    auto timedOut = std::make_shared<bool>(false);
    connect(deadline, &QTimer::timeout, process, [process, timedOut] {
        *timedOut = true;
        process->kill(); // finished() follows and says why
    });
    connect(process, &QProcess::errorOccurred, process, [process, end](QProcess::ProcessError error) {
        if (error == QProcess::FailedToStart)
            end(failure(QStringLiteral("cannot start the template sandbox %1: %2")
                            .arg(process->program(), process->errorString())));
    });
    connect(process, &QProcess::finished, process,
            [process, end, timedOut, timeout = m_limits.timeoutMs,
             memory = m_limits.memoryBytes](int code, QProcess::ExitStatus status) {
                if (*timedOut) {
                    end(failure(QStringLiteral("the templates ran longer than %1 s and were stopped")
                                    .arg(timeout / 1000.0)));
                    return;
                }
                const QByteArray output = process->readAllStandardOutput();
                const QString errors =
                    QString::fromUtf8(process->readAllStandardError()).trimmed().right(500);
                QJsonParseError parseError;
                const QJsonDocument document = QJsonDocument::fromJson(output, &parseError);
                if (status == QProcess::NormalExit && code == 0 && document.isObject()) {
                    end(TemplateEvaluator::Outcome::fromJson(document.object()));
                    return;
                }
                // Out of address space: V4 aborts, or a bad_alloc ends the process.
                end(failure(QStringLiteral("the templates stopped the sandbox (%1; memory limit %2 MiB)%3")
                                .arg(status == QProcess::CrashExit ? QStringLiteral("crashed")
                                                                   : QStringLiteral("exit code %1").arg(code))
                                .arg(memory / (1024 * 1024))
                                .arg(errors.isEmpty() ? QString() : QStringLiteral(": ") + errors)));
            });
    process->setProgram(m_program);
    process->setArguments({QStringLiteral("--evaluate-template")});
    process->start();
    process->write(job);
    process->closeWriteChannel();
    deadline->start(m_limits.timeoutMs);
}

int TemplateSandbox::evaluateFromStdin()
{
    QFile input;
    if (!input.open(stdin, QIODevice::ReadOnly))
        return 2;
    QJsonParseError parseError;
    const QJsonObject job = QJsonDocument::fromJson(input.readAll(), &parseError).object();
    QList<TemplateEvaluator::Template> templates;
    for (const QJsonValue &source : job[QLatin1String("templates")].toArray())
        templates << TemplateEvaluator::Template{source[QLatin1String("path")].toString(),
                                                 source[QLatin1String("source")].toString()};
    TemplateEvaluator evaluator;
    const TemplateEvaluator::Outcome outcome =
        parseError.error != QJsonParseError::NoError
            ? failure(QStringLiteral("the job is not JSON: %1").arg(parseError.errorString()))
            : evaluator.evaluate(templates, job[QLatin1String("context")].toObject());
    QFile output;
    if (!output.open(stdout, QIODevice::WriteOnly))
        return 2;
    output.write(QJsonDocument(outcome.toJson()).toJson(QJsonDocument::Compact));
    return 0;
}

} // namespace cape
