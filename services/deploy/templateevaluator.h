#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <atomic>

class QJSEngine;

namespace cape {

// Runs deploy templates (docs/deploy-templates.md) with Qt's JavaScript
// engine: each template is a CommonJS-style script whose module.exports is
// a function of the context; what it returns (a service, a list of them,
// or {services: [...]}) is what the repository wants running. The engine
// has no file, network or module access: a template sees the context and
// nothing else. No time or memory limit here: TemplateSandbox runs this in
// a process of its own with both; the desktop's dry run interrupts it.
class TemplateEvaluator
{
public:
    struct Template
    {
        QString path; // as in the repository: deploy/web.js
        QString source;
    };
    struct Error
    {
        QString message; // "TypeError: Cannot read property 'x' of undefined"
        QString file;
        int line = 0; // 1-based; 0: unknown
        QString stack;

        // "deploy/web.js:12: TypeError: …"
        QString text() const;
    };
    struct Outcome
    {
        bool ok = false;
        QJsonArray services; // one object per service, as the templates returned them
        QStringList log;     // what the templates wrote with console.log/info/warn/error
        Error error;

        QJsonObject toJson() const;
        static Outcome fromJson(const QJsonObject &json);
    };

    // context: commit, repository, env, services (the cluster's specs by
    // name) and files (path -> text), as docs/deploy-templates.md lists.
    Outcome evaluate(const QList<Template> &templates, const QJsonObject &context);
    // Stops a running evaluate() from another thread: it ends with an error.
    void interrupt();

private:
    std::atomic<QJSEngine *> m_engine = nullptr;
    std::atomic<bool> m_interrupted = false;
};

} // namespace cape
