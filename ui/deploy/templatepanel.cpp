#include "templatepanel.h"

#include "codeeditor.h"
#include "javascripthighlighter.h"
#include "models/clusterstore.h"
#include "models/objecttablemodel.h"
#include "models/servicetablemodel.h"
#include "services/deploy/templateevaluator.h"
#include "ui/style/messagelabel.h"

#include <QAction>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QFutureWatcher>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QSaveFile>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QTreeWidget>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace cape {

namespace {

constexpr int TimeoutMs = 5000;
constexpr qint64 MaxFileSize = 1024 * 1024;
constexpr qint64 MaxTotal = 32 * 1024 * 1024;

struct Evaluated
{
    TemplateEvaluator::Outcome outcome;
    QString error; // reading the working copy
};

// The working copy's files (as cape-deployd hands a commit's files to
// templates) and its templates: those beside the edited one, which is
// taken as edited, not as saved.
Evaluated evaluate(std::shared_ptr<TemplateEvaluator> evaluator, const QString &root,
                   const QString &templatePath, const QString &source, QJsonObject context)
{
    Evaluated evaluated;
    QJsonObject files;
    qint64 total = 0;
    const QDir base(root);
    const QString relativeTemplate = base.relativeFilePath(templatePath);
    QList<TemplateEvaluator::Template> templates;
    QDirIterator it(root, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        const QString relative = base.relativeFilePath(path);
        if (relative.startsWith(QLatin1String(".git/")) || it.fileInfo().size() > MaxFileSize)
            continue;
        QFile file(path);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray content = file.readAll();
        total += content.size();
        if (total > MaxTotal) {
            evaluated.error = QObject::tr("the working copy's files are larger than 32 MiB in all");
            return evaluated;
        }
        files.insert(relative, QString::fromUtf8(content));
        if (relative != relativeTemplate &&
            QFileInfo(relative).path() == QFileInfo(relativeTemplate).path() &&
            relative.endsWith(QLatin1String(".js")))
            templates << TemplateEvaluator::Template{relative, QString::fromUtf8(content)};
    }
    files.insert(relativeTemplate, source);
    templates << TemplateEvaluator::Template{relativeTemplate, source};
    std::sort(templates.begin(), templates.end(),
              [](const auto &a, const auto &b) { return a.path < b.path; });
    context.insert(QStringLiteral("files"), files);
    evaluated.outcome = evaluator->evaluate(templates, context);
    return evaluated;
}

} // namespace

TemplatePanel::TemplatePanel(ClusterStore *cluster, QWidget *parent)
    : QWidget(parent)
    , m_cluster(cluster)
    , m_editor(new CodeEditor(this))
    , m_repository(new QLineEdit(this))
    , m_env(new QLineEdit(this))
    , m_plan(new QTreeWidget(this))
    , m_log(new QPlainTextEdit(this))
    , m_message(new MessageLabel(this))
{
    new JavaScriptHighlighter(m_editor->document());
    m_editor->setPlaceholderText(tr("module.exports = function (ctx) {\n    return [{name: 'web', image: "
                                    "'nginx:1.27', replicas: 2}];\n};"));
    m_repository->setPlaceholderText(tr("as cape-deployd names it"));
    m_env->setPlaceholderText(tr("ctx.env as JSON, e.g. {\"API_URL\": \"http://api:8080\"}"));
    m_plan->setColumnCount(3);
    m_plan->setHeaderLabels({tr("Service / field"), tr("Now"), tr("After the deployment")});
    m_plan->header()->setSectionResizeMode(QHeaderView::Interactive);
    m_plan->setColumnWidth(0, 250);
    m_plan->setColumnWidth(1, 170);
    m_plan->setAlternatingRowColors(true);
    m_log->setReadOnly(true);
    m_log->setPlaceholderText(tr("What the templates write with console.log"));
    m_log->setMaximumHeight(120);

    auto *toolbar = new QToolBar(this);
    auto *open = toolbar->addAction(tr("Open…"), this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Open a deploy template"), m_path,
                                                          tr("Deploy templates (*.js);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    open->setShortcut(QKeySequence::Open);
    auto *save = toolbar->addAction(tr("Save"), this, [this] { saveFile(); });
    save->setShortcut(QKeySequence::Save);
    auto *run = toolbar->addAction(tr("Dry run"), this, &TemplatePanel::dryRun);
    run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    run->setToolTip(
        tr("Run the templates against the live cluster and show what a deployment would change (Ctrl+R)"));

    auto *form = new QFormLayout;
    form->addRow(tr("Repository"), m_repository);
    form->addRow(tr("Environment"), m_env);
    auto *results = new QWidget(this);
    auto *resultsLayout = new QVBoxLayout(results);
    resultsLayout->setContentsMargins(0, 0, 0, 0);
    resultsLayout->addLayout(form);
    auto *planTitle = new QLabel(tr("<b>Dry run</b>: what a deployment would change"), results);
    resultsLayout->addWidget(planTitle);
    resultsLayout->addWidget(m_plan, 1);
    resultsLayout->addWidget(m_log);
    auto *splitter = new QSplitter(this);
    splitter->addWidget(m_editor);
    splitter->addWidget(results);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({560, 640});
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 8, 8);
    layout->addWidget(toolbar);
    layout->addWidget(m_message);
    layout->addWidget(splitter, 1);
}

TemplatePanel::~TemplatePanel()
{
    if (m_running)
        m_running->interrupt(); // its thread ends soon; the watcher, a child, is gone with us
}

void TemplatePanel::setRepository(const QString &name)
{
    m_repository->setText(name);
}

void TemplatePanel::setEnvironment(const QJsonObject &env)
{
    m_env->setText(QString::fromUtf8(QJsonDocument(env).toJson(QJsonDocument::Compact)));
}

bool TemplatePanel::openFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_message->showError(tr("Cannot open %1: %2").arg(path, file.errorString()));
        return false;
    }
    m_path = QFileInfo(path).absoluteFilePath();
    m_editor->setPlainText(QString::fromUtf8(file.readAll()));
    m_editor->document()->setModified(false);
    if (m_repository->text().isEmpty())
        m_repository->setText(QFileInfo(repositoryRoot(m_path)).fileName());
    m_message->showInfo(tr("%1 (working copy %2)").arg(QFileInfo(m_path).fileName(), repositoryRoot(m_path)));
    return true;
}

bool TemplatePanel::saveFile()
{
    if (m_path.isEmpty()) {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save the deploy template"), {},
                                                          tr("Deploy templates (*.js)"));
        if (path.isEmpty())
            return false;
        m_path = path;
    }
    QSaveFile file(m_path);
    const QByteArray text = m_editor->toPlainText().toUtf8();
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size() || !file.commit()) {
        m_message->showError(tr("Cannot save %1: %2").arg(m_path, file.errorString()));
        return false;
    }
    m_editor->document()->setModified(false);
    m_message->showInfo(tr("Saved %1.").arg(m_path));
    return true;
}

QString TemplatePanel::repositoryRoot(const QString &templatePath)
{
    QDir dir = QFileInfo(templatePath).absoluteDir();
    const QDir start = dir;
    do {
        if (dir.exists(QStringLiteral(".git")))
            return dir.absolutePath();
    } while (dir.cdUp());
    QDir parent = start;
    parent.cdUp(); // deploy/web.js: the folder above deploy/
    return parent.absolutePath();
}

QJsonObject TemplatePanel::environment(QString *error) const
{
    const QString text = m_env->text().trimmed();
    if (text.isEmpty())
        return {};
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (!document.isObject())
        *error = tr("The environment is not a JSON object: %1").arg(parseError.errorString());
    return document.object();
}

void TemplatePanel::dryRun()
{
    if (m_running) {
        m_message->showInfo(tr("A dry run is running."));
        return;
    }
    QString envError;
    const QJsonObject env = environment(&envError);
    if (!envError.isEmpty()) {
        m_message->showError(envError);
        emit dryRunFinished(false);
        return;
    }
    const QString templatePath =
        m_path.isEmpty() ? QDir::current().filePath(QStringLiteral("deploy/template.js")) : m_path;
    const QString root = repositoryRoot(templatePath);
    QJsonObject services;
    if (m_cluster) {
        for (const ServiceRecord &record : m_cluster->services()->records())
            services.insert(record.name, record.spec());
    }
    const QString repository = m_repository->text().trimmed();
    const QJsonObject context{
        {QStringLiteral("commit"),
         QJsonObject{{QStringLiteral("sha"), QStringLiteral("0000000000000000000000000000000000000000")},
                     {QStringLiteral("ref"), QStringLiteral("working copy")},
                     {QStringLiteral("branch"), QStringLiteral("working copy")},
                     {QStringLiteral("message"), tr("dry run of the working copy")}}},
        {QStringLiteral("repository"),
         QJsonObject{{QStringLiteral("name"), repository}, {QStringLiteral("url"), root}}},
        {QStringLiteral("env"), env},
        {QStringLiteral("services"), services}};
    m_message->showInfo(tr("Running the templates…"));
    m_running = std::make_shared<TemplateEvaluator>();
    auto *watcher = new QFutureWatcher<Evaluated>(this);
    auto *deadline = new QTimer(watcher);
    deadline->setSingleShot(true);
    connect(deadline, &QTimer::timeout, this, [evaluator = m_running] { evaluator->interrupt(); });
    connect(watcher, &QFutureWatcher<Evaluated>::finished, this, [this, watcher, templatePath, repository] {
        watcher->deleteLater();
        m_running.reset();
        const Evaluated evaluated = watcher->result();
        if (!evaluated.error.isEmpty()) {
            m_message->showError(evaluated.error);
            emit dryRunFinished(false);
            return;
        }
        SpecReferences references;
        QJsonArray running;
        if (m_cluster) {
            QJsonArray secrets, configs, networks;
            for (const ObjectRecord &record : m_cluster->secrets()->records())
                secrets << record.raw;
            for (const ObjectRecord &record : m_cluster->configs()->records())
                configs << record.raw;
            for (const ObjectRecord &record : m_cluster->networks()->records())
                networks << record.raw;
            references.addSecrets(secrets);
            references.addConfigs(configs);
            references.addNetworks(networks);
            for (const ServiceRecord &record : m_cluster->services()->records())
                running << record.raw;
        }
        showDryRun(DryRun::make(evaluated.outcome, references, running, repository,
                                QStringLiteral("0000000000000000000000000000000000000000")),
                   templatePath);
    });
    watcher->setFuture(
        QtConcurrent::run(evaluate, m_running, root, templatePath, m_editor->toPlainText(), context));
    deadline->start(TimeoutMs);
}

QString TemplatePanel::actionText(const QString &action)
{
    if (action == QLatin1String("create"))
        return tr("create");
    if (action == QLatin1String("update"))
        return tr("update");
    if (action == QLatin1String("remove"))
        return tr("remove");
    if (action == QLatin1String("unchanged"))
        return tr("unchanged");
    return action;
}

void TemplatePanel::showDryRun(const DryRun &run, const QString &templatePath)
{
    m_plan->clear();
    m_log->setPlainText(run.outcome.log.join(u'\n'));
    if (!run.ok()) {
        const TemplateEvaluator::Error &error = run.outcome.error;
        const QString relative = QDir(repositoryRoot(templatePath)).relativeFilePath(templatePath);
        if (!run.outcome.ok && error.file == relative && error.line > 0)
            m_editor->setError(error.line, error.message);
        m_message->showError(run.errors.join(QStringLiteral("\n")));
        emit dryRunFinished(false);
        return;
    }
    static const QHash<QString, QColor> colours{{QStringLiteral("create"), QColor(0x1a, 0x7f, 0x37)},
                                                {QStringLiteral("update"), QColor(0xb0, 0x88, 0x00)},
                                                {QStringLiteral("remove"), QColor(0xd7, 0x3a, 0x49)},
                                                {QStringLiteral("unchanged"), QColor(0x6a, 0x73, 0x7d)}};
    int changing = 0;
    for (const DeploymentPlan::Service &service : run.plan.services) {
        const QString action = DeploymentPlan::actionName(service.action);
        auto *item = new QTreeWidgetItem(m_plan);
        item->setText(0, service.name);
        item->setText(1, actionText(action));
        item->setForeground(1, colours.value(action));
        QFont bold = item->font(0);
        bold.setBold(true);
        item->setFont(0, bold);
        if (service.action == DeploymentPlan::Action::Create)
            item->setText(2,
                          tr("new service, %1")
                              .arg(SpecDiff::valueText(service.desired[QLatin1String(
                                  "TaskTemplate")][QLatin1String("ContainerSpec")][QLatin1String("Image")])));
        else if (service.action == DeploymentPlan::Action::Update)
            item->setText(2, tr("%n field(s) change", nullptr, int(service.changes.size())));
        for (const SpecDiff::Change &change : service.changes) {
            auto *field = new QTreeWidgetItem(item);
            field->setText(0, change.path);
            field->setText(1, SpecDiff::valueText(change.before));
            field->setText(2, SpecDiff::valueText(change.after));
            field->setToolTip(1, SpecDiff::valueText(change.before));
            field->setToolTip(2, SpecDiff::valueText(change.after));
        }
        changing += service.action != DeploymentPlan::Action::Unchanged;
    }
    m_plan->expandAll();
    m_message->showInfo(changing == 0
                            ? tr("Nothing would change: the cluster runs what the templates describe.")
                            : tr("A deployment would change %n service(s) (nothing is applied by a dry run).",
                                 nullptr, changing));
    emit dryRunFinished(true);
}

} // namespace cape
