#include "deploystackdialog.h"

#include "models/clusterstore.h"
#include "services/swarm/composefile.h"
#include "services/swarm/stackdeployer.h"
#include "ui/style/messagelabel.h"

#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QTextBlock>
#include <QVBoxLayout>

namespace cape {

DeployStackDialog::DeployStackDialog(ClusterStore *store, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_deployer(new StackDeployer(this))
    , m_name(new QLineEdit(this))
    , m_compose(new QPlainTextEdit(this))
    , m_problems(new MessageLabel(this))
    , m_progress(new QListWidget(this))
{
    setObjectName(QStringLiteral("deployStackDialog"));
    setWindowTitle(tr("Deploy a stack"));
    m_name->setObjectName(QStringLiteral("stackName"));
    m_name->setPlaceholderText(tr("e.g. vote"));
    m_compose->setObjectName(QStringLiteral("composeText"));
    m_compose->setPlaceholderText(tr("Paste a compose file (version 3), or open one."));
    m_compose->setLineWrapMode(QPlainTextEdit::NoWrap);
    QFont mono(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_compose->setFont(mono);
    m_progress->setObjectName(QStringLiteral("deployProgress"));
    m_progress->setMaximumHeight(140);

    auto *open = new QPushButton(tr("Open file…"), this);
    connect(open, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Compose file"), {}, tr("Compose files (*.yml *.yaml);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    auto *nameRow = new QHBoxLayout;
    nameRow->addWidget(m_name, 1);
    nameRow->addWidget(open);
    auto *form = new QFormLayout;
    form->addRow(tr("Stack name"), nameRow);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_deploy = buttons->button(QDialogButtonBox::Ok);
    m_deploy->setText(tr("Deploy"));
    connect(buttons, &QDialogButtonBox::accepted, this, &DeployStackDialog::deploy);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_problems);
    layout->addWidget(m_compose, 1);
    layout->addWidget(m_progress);
    layout->addWidget(buttons);
    resize(760, 640);

    connect(m_deployer, &StackDeployer::progress, this, [this](const QString &line) {
        m_progress->addItem(line);
        m_progress->scrollToBottom();
    });
    connect(m_deployer, &StackDeployer::finished, this, [this](bool ok, const QString &error) {
        m_deploy->setEnabled(true);
        m_deploy->setText(tr("Deploy"));
        if (!ok) {
            showProblem(tr("The deploy stopped: %1").arg(error.toHtmlEscaped()));
            return;
        }
        emit deployed(tr("Stack %1 deployed.").arg(m_name->text()));
        accept();
    });
}

void DeployStackDialog::setStackName(const QString &name)
{
    m_name->setText(name);
}

void DeployStackDialog::setComposeText(const QString &text, const QString &baseDirectory)
{
    m_compose->setPlainText(text);
    m_baseDirectory = baseDirectory;
}

bool DeployStackDialog::openFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        showProblem(tr("Cannot read %1: %2").arg(path.toHtmlEscaped(), file.errorString().toHtmlEscaped()));
        return false;
    }
    setComposeText(QString::fromUtf8(file.readAll()), QFileInfo(path).absolutePath());
    if (m_name->text().isEmpty())
        m_name->setText(QFileInfo(path).dir().dirName());
    return true;
}

QString DeployStackDialog::problemText() const
{
    return m_problems->shownText();
}

void DeployStackDialog::showProblem(const QString &html)
{
    m_problems->showHtml(MessageLabel::Severity::Error, html);
}

void DeployStackDialog::deploy()
{
    const QString stack = m_name->text().trimmed();
    if (!ComposeFile::isValidStackName(stack)) {
        showProblem(tr("A stack name is letters, digits, '-' and '_' (it prefixes every object it creates)."));
        m_name->setFocus();
        return;
    }
    const QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    const ComposeFile compose = m_baseDirectory.isEmpty()
                                    ? ComposeFile::parse(m_compose->toPlainText().toUtf8(), stack, environment)
                                    : ComposeFile::parse(m_compose->toPlainText().toUtf8(), stack, environment, m_baseDirectory);
    if (!compose.isValid()) {
        QStringList lines;
        for (const ComposeDiagnostic &error : compose.errors())
            lines << error.toString().toHtmlEscaped();
        showProblem(lines.join(QStringLiteral("<br>")));
        // Put the cursor on the first error's line.
        const ComposeDiagnostic first = compose.errors().value(0);
        if (first.line > 0) {
            QTextCursor cursor(m_compose->document()->findBlockByNumber(first.line - 1));
            m_compose->setTextCursor(cursor);
            m_compose->setFocus();
        }
        return;
    }
    m_problems->hide();
    m_progress->clear();
    for (const ComposeDiagnostic &warning : compose.warnings())
        m_progress->addItem(tr("warning: %1").arg(warning.toString()));
    m_deploy->setEnabled(false);
    m_deploy->setText(tr("Deploying…"));
    m_deployer->deploy(m_store->client(), compose.plan());
}

} // namespace cape
