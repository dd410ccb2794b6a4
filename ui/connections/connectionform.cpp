#include "connectionform.h"

#include "ui/services/editabletable.h"
#include "ui/style/messagelabel.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace cape {

ConnectionForm::ConnectionForm(const ConnectionProfile &profile, QWidget *parent)
    : QDialog(parent)
    , m_profile(profile)
    , m_name(new QLineEdit(profile.name, this))
    , m_endpoint(new QLineEdit(profile.endpoint, this))
    , m_tls(new QCheckBox(tr("TLS with a client certificate"), this))
    , m_verify(new QCheckBox(tr("Verify the engine's certificate"), this))
    , m_ca(new QPlainTextEdit(QString::fromUtf8(profile.caPem), this))
    , m_cert(new QPlainTextEdit(QString::fromUtf8(profile.certPem), this))
    , m_key(new QPlainTextEdit(this))
    , m_nodes(new EditableTable({tr("Node (hostname or ID)"), tr("Engine endpoint")}, this))
    , m_problems(new MessageLabel(this))
{
    setWindowTitle(profile.name.isEmpty() ? tr("Add a cluster") : tr("Edit %1").arg(profile.name));
    m_name->setObjectName(QStringLiteral("connectionName"));
    m_endpoint->setObjectName(QStringLiteral("connectionEndpoint"));
    m_endpoint->setPlaceholderText(
        QStringLiteral("ssh://ops@manager, tcp://10.0.0.1:2376, unix:///var/run/docker.sock"));
    m_tls->setChecked(profile.tls);
    m_verify->setChecked(profile.tlsVerify);
    m_key->setPlaceholderText(profile.hasKey ? tr("stored in the keychain — paste or load a key to replace it")
                                             : tr("-----BEGIN PRIVATE KEY----- … (kept in the OS keychain only)"));
    for (QPlainTextEdit *edit : {m_ca, m_cert, m_key}) {
        edit->setMaximumHeight(70);
        edit->setLineWrapMode(QPlainTextEdit::NoWrap);
    }
    QList<QStringList> nodes;
    for (const ConnectionProfile::NodeEndpoint &node : profile.nodes)
        nodes << QStringList{node.node, node.endpoint};
    m_nodes->setRows(nodes);

    const auto pem = [this](QPlainTextEdit *edit, const QString &title) {
        auto *row = new QHBoxLayout;
        auto *load = new QPushButton(tr("Load…"), this);
        connect(load, &QPushButton::clicked, this, [this, edit, title] { loadInto(edit, title); });
        row->addWidget(edit, 1);
        row->addWidget(load, 0, Qt::AlignTop);
        return row;
    };
    auto *form = new QFormLayout;
    form->addRow(tr("Name"), m_name);
    form->addRow(tr("Manager endpoint"), m_endpoint);
    form->addRow(QString(), m_tls);
    form->addRow(QString(), m_verify);
    form->addRow(tr("CA certificate"), pem(m_ca, tr("CA certificate")));
    form->addRow(tr("Client certificate"), pem(m_cert, tr("Client certificate")));
    form->addRow(tr("Client key"), pem(m_key, tr("Client key")));
    const auto enableTls = [this](bool on) {
        for (QWidget *w : std::initializer_list<QWidget *>{m_verify, m_ca, m_cert, m_key})
            w->setEnabled(on);
    };
    connect(m_tls, &QCheckBox::toggled, this, enableTls);
    enableTls(profile.tls);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ConnectionForm::check);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_problems);
    layout->addLayout(form);
    layout->addWidget(new QLabel(tr("Per-node engines (optional): container events, logs and stats of other nodes"), this));
    layout->addWidget(m_nodes, 1);
    layout->addWidget(buttons);
    resize(720, 640);
}

void ConnectionForm::loadInto(QPlainTextEdit *edit, const QString &title)
{
    const QString path = QFileDialog::getOpenFileName(this, title, {}, tr("PEM files (*.pem *.crt *.key);;All files (*)"));
    if (path.isEmpty())
        return;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        m_problems->showError(tr("Cannot read %1: %2").arg(path, file.errorString()));
        return;
    }
    edit->setPlainText(QString::fromUtf8(file.readAll()));
}

ConnectionProfile ConnectionForm::profile() const
{
    ConnectionProfile p = m_profile;
    p.name = m_name->text().trimmed();
    p.endpoint = m_endpoint->text().trimmed();
    p.tls = m_tls->isChecked();
    p.tlsVerify = m_verify->isChecked();
    p.caPem = p.tls ? m_ca->toPlainText().trimmed().toUtf8() : QByteArray();
    p.certPem = p.tls ? m_cert->toPlainText().trimmed().toUtf8() : QByteArray();
    if (!p.caPem.isEmpty())
        p.caPem += '\n';
    if (!p.certPem.isEmpty())
        p.certPem += '\n';
    p.nodes.clear();
    for (const QStringList &row : m_nodes->rows())
        p.nodes.append({row.value(0), row.value(1)});
    return p;
}

QByteArray ConnectionForm::keyPem() const
{
    const QByteArray key = m_key->toPlainText().trimmed().toUtf8();
    return key.isEmpty() ? key : key + '\n';
}

void ConnectionForm::setKeyPem(const QByteArray &pem)
{
    m_key->setPlainText(QString::fromUtf8(pem));
}

QString ConnectionForm::problemText() const
{
    return m_problems->shownText();
}

void ConnectionForm::check()
{
    const ConnectionProfile p = profile();
    QString error;
    if (!p.validate(&error)) {
        m_problems->showError(error);
        return;
    }
    if (p.tls && !p.certPem.isEmpty() && !p.hasKey && keyPem().isEmpty()) {
        m_problems->showError(tr("A client certificate needs its private key."));
        return;
    }
    accept();
}

} // namespace cape
