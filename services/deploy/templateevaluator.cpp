#include "templateevaluator.h"

#include <QJSEngine>
#include <QJsonDocument>
#include <QRegularExpression>

namespace cape {

namespace {

// Builds the context a template sees from the job's JSON: plain data, and
// files behind a small read-only API (the file map itself stays hidden).
constexpr auto Prelude = R"JS(
(function (job) {
    const global = (function () { return this; })(); // Qt 6.4's engine has no globalThis
    const files = job.files || {};
    delete job.files;
    const logged = [];
    const line = (level, args) => logged.push((level ? level + ': ' : '') +
        Array.prototype.map.call(args, a => typeof a === 'string' ? a : JSON.stringify(a)).join(' '));
    global.console = {
        log: function () { line('', arguments); },
        info: function () { line('', arguments); },
        warn: function () { line('warning', arguments); },
        error: function () { line('error', arguments); }
    };
    job.files = Object.freeze({
        read: path => Object.prototype.hasOwnProperty.call(files, path) ? files[path] : null,
        exists: path => Object.prototype.hasOwnProperty.call(files, path),
        list: prefix => Object.keys(files).filter(p => !prefix || p.startsWith(prefix)).sort(),
        json: path => Object.prototype.hasOwnProperty.call(files, path) ? JSON.parse(files[path]) : null
    });
    global.__cape = { context: Object.freeze(job), logged: logged };
})
)JS";

// One template: its own module object, run as a function so that its
// top-level declarations stay its own.
QString wrapped(const QString &source)
{
    return QStringLiteral("(function (module, exports) {") + source + QStringLiteral("\n})");
}

// The engine names a script "file:<name>"; users named it <name>.
QString plainFile(QString name)
{
    if (name.startsWith(QLatin1String("file://")))
        name.remove(0, 7);
    else if (name.startsWith(QLatin1String("file:")))
        name.remove(0, 5);
    return name;
}

TemplateEvaluator::Error errorOf(const QJSValue &value, const QStringList &stack, const QString &file)
{
    TemplateEvaluator::Error error;
    error.message = value.toString();
    error.file = file;
    error.stack = stack.join(u'\n');
    // Where an Error was made, when that is in the template; else the first
    // of the template's frames ("function:line:column:file") on the stack
    // (a thrown string carries no place of its own).
    if (value.isError() && plainFile(value.property(QStringLiteral("fileName")).toString()) == file)
        error.line = value.property(QStringLiteral("lineNumber")).toInt();
    for (const QString &frame : stack) {
        const QStringList parts = frame.split(u':');
        if (error.line <= 0 && parts.size() >= 4 && plainFile(parts.mid(3).join(u':')) == file)
            error.line = parts.at(1).toInt();
    }
    return error;
}

} // namespace

QString TemplateEvaluator::Error::text() const
{
    if (file.isEmpty())
        return message;
    return line > 0 ? QStringLiteral("%1:%2: %3").arg(file).arg(line).arg(message)
                    : QStringLiteral("%1: %2").arg(file, message);
}

QJsonObject TemplateEvaluator::Outcome::toJson() const
{
    return {{QStringLiteral("ok"), ok},
            {QStringLiteral("services"), services},
            {QStringLiteral("log"), QJsonArray::fromStringList(log)},
            {QStringLiteral("error"), QJsonObject{{QStringLiteral("message"), error.message},
                                                  {QStringLiteral("file"), error.file},
                                                  {QStringLiteral("line"), error.line},
                                                  {QStringLiteral("stack"), error.stack}}}};
}

TemplateEvaluator::Outcome TemplateEvaluator::Outcome::fromJson(const QJsonObject &json)
{
    Outcome outcome;
    outcome.ok = json[QLatin1String("ok")].toBool();
    outcome.services = json[QLatin1String("services")].toArray();
    for (const QJsonValue &line : json[QLatin1String("log")].toArray())
        outcome.log << line.toString();
    const QJsonObject error = json[QLatin1String("error")].toObject();
    outcome.error = {error[QLatin1String("message")].toString(), error[QLatin1String("file")].toString(),
                     error[QLatin1String("line")].toInt(), error[QLatin1String("stack")].toString()};
    return outcome;
}

void TemplateEvaluator::interrupt()
{
    m_interrupted = true;
    if (QJSEngine *engine = m_engine.load())
        engine->setInterrupted(true);
}

TemplateEvaluator::Outcome TemplateEvaluator::evaluate(const QList<Template> &templates,
                                                       const QJsonObject &context)
{
    Outcome outcome;
    QJSEngine engine; // no extensions: no console of Qt's, no Qt.include, no timers
    m_engine = &engine;
    if (m_interrupted)
        engine.setInterrupted(true);
    const auto finish = [this, &outcome, &engine] {
        m_engine = nullptr;
        if (!outcome.ok)
            outcome.services = {}; // all templates or nothing
        outcome.log = engine.globalObject()
                          .property(QStringLiteral("__cape"))
                          .property(QStringLiteral("logged"))
                          .toVariant()
                          .toStringList();
        return outcome;
    };
    const auto failed = [&](const QJSValue &value, const QStringList &stack, const QString &file) {
        outcome.ok = false;
        outcome.error = errorOf(value, stack, file);
        if (m_interrupted)
            outcome.error.message = QStringLiteral("the template was stopped (it ran too long)");
        return finish();
    };

    engine.globalObject().setProperty(
        QStringLiteral("__job"), QString::fromUtf8(QJsonDocument(context).toJson(QJsonDocument::Compact)));
    QStringList stack;
    const QJSValue prelude = engine.evaluate(QString::fromLatin1(Prelude), QStringLiteral("cape:prelude"));
    QJSValue made = prelude.call({engine.evaluate(QStringLiteral("JSON.parse(__job)"))});
    if (made.isError())
        return failed(made, {}, QStringLiteral("cape:context"));
    engine.globalObject().deleteProperty(QStringLiteral("__job"));

    QSet<QString> names;
    for (const Template &source : templates) {
        // Lines as in the file: the wrapper's opening shares the first line.
        const QJSValue factory = engine.evaluate(wrapped(source.source), source.path, 1, &stack);
        if (factory.isError() || !stack.isEmpty())
            return failed(factory, stack, source.path);
        engine.globalObject().setProperty(QStringLiteral("__factory"), factory);
        const QJSValue exported =
            engine.evaluate(QStringLiteral("(function () { const module = {exports: {}}; "
                                           "__factory(module, module.exports); return module.exports; })()"),
                            QStringLiteral("cape:load"), 1, &stack);
        if (exported.isError() || !stack.isEmpty())
            return failed(exported, stack, source.path);
        const QJSValue function = exported.isCallable() ? exported
                                  : exported.property(QStringLiteral("deploy")).isCallable()
                                      ? exported.property(QStringLiteral("deploy"))
                                      : QJSValue();
        if (function.isUndefined()) {
            outcome.error = {QStringLiteral("module.exports is not a function (nor has a deploy function)"),
                             source.path,
                             0,
                             {}};
            return finish();
        }
        engine.globalObject().setProperty(QStringLiteral("__deploy"), function);
        const QJSValue returned = engine.evaluate(
            QStringLiteral("JSON.stringify((function (r) { return r === undefined || r === null ? [] : r; })"
                           "(__deploy(__cape.context)))"),
            QStringLiteral("cape:call"), 1, &stack);
        if (returned.isError() || !stack.isEmpty())
            return failed(returned, stack, source.path);
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(returned.toString().toUtf8(), &parseError);
        QJsonArray services;
        if (document.isArray())
            services = document.array();
        else if (document.isObject() && document.object().contains(QLatin1String("services")))
            services = document.object()[QLatin1String("services")].toArray();
        else if (document.isObject())
            services = {document.object()};
        else {
            outcome.error = {
                QStringLiteral("the function returned no service, list of services or {services: [...]}"),
                source.path,
                0,
                {}};
            return finish();
        }
        for (const QJsonValue &service : std::as_const(services)) {
            const QString name = service[QLatin1String("name")].toString();
            if (!service.isObject() || name.isEmpty()) {
                outcome.error = {QStringLiteral("a service it returned has no name"), source.path, 0, {}};
                return finish();
            }
            if (names.contains(name)) {
                outcome.error = {
                    QStringLiteral("service \"%1\" is described twice").arg(name), source.path, 0, {}};
                return finish();
            }
            names.insert(name);
            QJsonObject withSource = service.toObject();
            withSource.insert(QStringLiteral("template"), source.path);
            outcome.services << withSource;
        }
    }
    outcome.ok = true;
    return finish();
}

} // namespace cape
