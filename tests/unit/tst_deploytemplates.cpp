// Deploy templates in Qt's JavaScript engine: the context they see, what
// they return, their errors at their lines, and the sandbox process (the
// real cape-deployd binary) stopping one that loops or eats memory.
#include "services/deploy/templateevaluator.h"
#include "services/deploy/templatesandbox.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

using namespace cape;
using Template = TemplateEvaluator::Template;

namespace {

QJsonObject context()
{
    return {
        {QStringLiteral("commit"), QJsonObject{{QStringLiteral("sha"), QStringLiteral("0123abcd")},
                                               {QStringLiteral("branch"), QStringLiteral("main")}}},
        {QStringLiteral("repository"), QJsonObject{{QStringLiteral("name"), QStringLiteral("shop")}}},
        {QStringLiteral("env"), QJsonObject{{QStringLiteral("REPLICAS"), 3}}},
        {QStringLiteral("services"),
         QJsonObject{{QStringLiteral("web"), QJsonObject{{QStringLiteral("Name"), QStringLiteral("web")}}}}},
        {QStringLiteral("files"),
         QJsonObject{{QStringLiteral("VERSION"), QStringLiteral("1.4.2\n")},
                     {QStringLiteral("deploy/settings.json"), QStringLiteral(R"({"port": 8080})")}}}};
}

TemplateEvaluator::Outcome evaluate(const QList<Template> &templates)
{
    TemplateEvaluator evaluator;
    return evaluator.evaluate(templates, context());
}

} // namespace

class TestDeployTemplates : public QObject
{
    Q_OBJECT

    TemplateEvaluator::Outcome inSandbox(const QList<Template> &templates,
                                         const TemplateSandbox::Limits &limits)
    {
        TemplateSandbox sandbox(QStringLiteral(CAPE_DEPLOYD_BINARY));
        sandbox.setLimits(limits);
        std::optional<TemplateEvaluator::Outcome> outcome;
        sandbox.run(templates, context(), [&outcome](const TemplateEvaluator::Outcome &o) { outcome = o; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 30000); }();
        return outcome.value_or(TemplateEvaluator::Outcome{});
    }

private slots:
    void aTemplateSeesTheContextAndReturnsServices()
    {
        const auto outcome = evaluate({{QStringLiteral("deploy/web.js"), QStringLiteral(R"(
const settings = ctx => ctx.files.json('deploy/settings.json');
module.exports = function (ctx) {
    console.log('version', ctx.files.read('VERSION').trim(), 'of', ctx.repository.name);
    return [{
        name: 'web',
        image: 'shop/web:' + ctx.commit.sha.slice(0, 7),
        replicas: ctx.env.REPLICAS,
        env: {PORT: settings(ctx).port, RUNNING: Object.keys(ctx.services).join(',')},
        labels: {missing: String(ctx.files.read('nope')), exists: String(ctx.files.exists('VERSION'))}
    }];
};)")}});
        QVERIFY2(outcome.ok, qPrintable(outcome.error.text()));
        QCOMPARE(outcome.services.size(), 1);
        const QJsonObject web = outcome.services.first().toObject();
        QCOMPARE(web[QLatin1String("image")].toString(), QStringLiteral("shop/web:0123abc"));
        QCOMPARE(web[QLatin1String("replicas")].toInt(), 3);
        QCOMPARE(web[QLatin1String("env")][QLatin1String("PORT")].toInt(), 8080);
        QCOMPARE(web[QLatin1String("env")][QLatin1String("RUNNING")].toString(), QStringLiteral("web"));
        QCOMPARE(web[QLatin1String("labels")][QLatin1String("missing")].toString(), QStringLiteral("null"));
        QCOMPARE(web[QLatin1String("labels")][QLatin1String("exists")].toString(), QStringLiteral("true"));
        QCOMPARE(web[QLatin1String("template")].toString(), QStringLiteral("deploy/web.js"));
        QCOMPARE(outcome.log, QStringList{QStringLiteral("version 1.4.2 of shop")});
    }

    void exportsMayBeAnObjectWithDeployOrReturnServicesInAnObject()
    {
        const auto outcome =
            evaluate({{QStringLiteral("deploy/a.js"),
                       QStringLiteral("exports.deploy = () => ({services: [{name: 'a', image: 'x'}]});")},
                      {QStringLiteral("deploy/b.js"),
                       QStringLiteral("module.exports = () => ({name: 'b', image: 'y'});")}});
        QVERIFY2(outcome.ok, qPrintable(outcome.error.text()));
        QCOMPARE(outcome.services.size(), 2);
        QCOMPARE(outcome.services.at(1)[QLatin1String("name")].toString(), QStringLiteral("b"));
    }

    void errorsNameTheFileAndLine()
    {
        const auto thrown =
            evaluate({{QStringLiteral("deploy/web.js"),
                       QStringLiteral("// line 1\nmodule.exports = function (ctx) {\n"
                                      "    if (!ctx.env.MISSING)\n"
                                      "        throw new Error('MISSING is not set');\n};\n")}});
        QVERIFY(!thrown.ok);
        QCOMPARE(thrown.error.text(), QStringLiteral("deploy/web.js:4: Error: MISSING is not set"));
        QVERIFY(thrown.services.isEmpty());

        const auto typeError =
            evaluate({{QStringLiteral("deploy/web.js"),
                       QStringLiteral("module.exports = ctx => {\n  return ctx.nothing.here;\n};")}});
        QCOMPARE(typeError.error.file, QStringLiteral("deploy/web.js"));
        QCOMPARE(typeError.error.line, 2);
        QVERIFY2(typeError.error.message.startsWith(QLatin1String("TypeError")),
                 qPrintable(typeError.error.message));

        const auto syntax =
            evaluate({{QStringLiteral("deploy/web.js"),
                       QStringLiteral("module.exports = function () {\n  return [{name: 'x'}\n};")}});
        QCOMPARE(syntax.error.line, 3);
        QVERIFY2(syntax.error.message.startsWith(QLatin1String("SyntaxError")),
                 qPrintable(syntax.error.message));

        const auto string =
            evaluate({{QStringLiteral("deploy/web.js"),
                       QStringLiteral("module.exports = () => {\n\n  throw 'plain words';\n};")}});
        QCOMPARE(string.error.text(), QStringLiteral("deploy/web.js:3: plain words"));

        // Good templates do not deploy beside a broken one.
        const auto mixed = evaluate({{QStringLiteral("deploy/a.js"),
                                      QStringLiteral("module.exports = () => ({name: 'a', image: 'x'});")},
                                     {QStringLiteral("deploy/b.js"),
                                      QStringLiteral("module.exports = () => { throw new Error('b'); };")}});
        QVERIFY(!mixed.ok);
        QVERIFY(mixed.services.isEmpty());
    }

    void whatIsReturnedIsChecked()
    {
        QCOMPARE(
            evaluate({{QStringLiteral("deploy/a.js"), QStringLiteral("module.exports = 42;")}}).error.text(),
            QStringLiteral("deploy/a.js: module.exports is not a function (nor has a deploy function)"));
        QCOMPARE(evaluate({{QStringLiteral("deploy/a.js"), QStringLiteral("module.exports = () => 'web';")}})
                     .error.text(),
                 QStringLiteral(
                     "deploy/a.js: the function returned no service, list of services or {services: [...]}"));
        QCOMPARE(evaluate({{QStringLiteral("deploy/a.js"),
                            QStringLiteral("module.exports = () => [{image: 'x'}];")}})
                     .error.text(),
                 QStringLiteral("deploy/a.js: a service it returned has no name"));
        QCOMPARE(
            evaluate(
                {{QStringLiteral("deploy/a.js"), QStringLiteral("module.exports = () => ({name: 'a'});")},
                 {QStringLiteral("deploy/b.js"), QStringLiteral("module.exports = () => ({name: 'a'});")}})
                .error.text(),
            QStringLiteral("deploy/b.js: service \"a\" is described twice"));
    }

    void templatesReachNothingButTheContext()
    {
        // No require, no XMLHttpRequest, no Qt object, no file access of any kind.
        const auto outcome = evaluate({{QStringLiteral("deploy/a.js"), QStringLiteral(R"(
module.exports = () => ({name: 'probe', image: 'x', labels: {
    require: typeof require, xhr: typeof XMLHttpRequest, qt: typeof Qt, fetch: typeof fetch, print: typeof print}});)")}});
        QVERIFY2(outcome.ok, qPrintable(outcome.error.text()));
        const QJsonObject labels = outcome.services.first()[QLatin1String("labels")].toObject();
        for (const QString &name : labels.keys())
            QCOMPARE(labels[name].toString() + u' ' + name, QStringLiteral("undefined ") + name);
    }

    void theSandboxRunsTemplatesInAProcessOfItsOwn()
    {
        const auto outcome =
            inSandbox({{QStringLiteral("deploy/a.js"),
                        QStringLiteral("module.exports = c => ({name: 'a', image: 'x:' + c.commit.sha});")}},
                      {});
        QVERIFY2(outcome.ok, qPrintable(outcome.error.text()));
        QCOMPARE(outcome.services.first()[QLatin1String("image")].toString(), QStringLiteral("x:0123abcd"));
        const auto failed =
            inSandbox({{QStringLiteral("deploy/a.js"),
                        QStringLiteral("\nmodule.exports = () => { throw new Error('no'); };")}},
                      {});
        QCOMPARE(failed.error.text(), QStringLiteral("deploy/a.js:2: Error: no"));
    }

    void aTemplateThatLoopsIsStoppedAtTheTimeLimit()
    {
        QElapsedTimer timer;
        timer.start();
        const auto outcome = inSandbox(
            {{QStringLiteral("deploy/a.js"), QStringLiteral("module.exports = () => { for (;;) {} };")}},
            {.timeoutMs = 1000});
        QVERIFY(!outcome.ok);
        QCOMPARE(outcome.error.message, QStringLiteral("the templates ran longer than 1 s and were stopped"));
        QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    }

    void aTemplateThatEatsMemoryIsStoppedAtTheMemoryLimit()
    {
        const auto outcome = inSandbox({{QStringLiteral("deploy/a.js"),
                                         QStringLiteral("module.exports = () => { const all = []; for (;;) "
                                                        "all.push(new Array(100000).fill(all.length)); };")}},
                                       {.timeoutMs = 20000, .memoryBytes = qint64(512) * 1024 * 1024});
        QVERIFY(!outcome.ok);
        QVERIFY2(outcome.error.message.startsWith(QLatin1String("the templates stopped the sandbox")) &&
                     outcome.error.message.contains(QLatin1String("memory limit 512 MiB")),
                 qPrintable(outcome.error.message));
    }

    void aMissingSandboxProgramIsAnError()
    {
        TemplateSandbox sandbox(QStringLiteral("/nonexistent/cape-deployd"));
        std::optional<TemplateEvaluator::Outcome> outcome;
        sandbox.run({{QStringLiteral("a.js"), QStringLiteral("module.exports = () => []")}}, {},
                    [&outcome](const TemplateEvaluator::Outcome &o) { outcome = o; });
        QTRY_VERIFY_WITH_TIMEOUT(outcome.has_value(), 10000);
        QVERIFY2(outcome->error.message.startsWith(QLatin1String("cannot start the template sandbox")),
                 qPrintable(outcome->error.message));
    }
};

QTEST_GUILESS_MAIN(TestDeployTemplates)
#include "tst_deploytemplates.moc"
