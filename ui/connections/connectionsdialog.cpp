#include "connectionsdialog.h"

#include "connectionform.h"

#include "services/connections/connectionstore.h"
#include "ui/style/messagelabel.h"

#include <QDialogButtonBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QProcessEnvironment>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cape {

ConnectionsDialog::ConnectionsDialog(ConnectionStore *connections, QWidget *parent)
    : QDialog(parent)
    , m_connections(connections)
    , m_table(new QTableWidget(0, 4, this))
    , m_message(new MessageLabel(this))
{
    setObjectName(QStringLiteral("connectionsDialog"));
    setWindowTitle(tr("Clusters"));
    m_table->setHorizontalHeaderLabels({tr("Name"), tr("Endpoint"), tr("TLS"), tr("Nodes")});
    m_table->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);

    auto *add = new QPushButton(tr("Add…"), this);
    auto *editButton = new QPushButton(tr("Edit…"), this);
    auto *remove = new QPushButton(tr("Remove"), this);
    auto *import = new QPushButton(tr("Import docker contexts"), this);
    auto *connectButton = new QPushButton(tr("Connect"), this);
    connectButton->setDefault(true);
    connect(add, &QPushButton::clicked, this, [this] { edit({}); });
    connect(editButton, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty())
            edit(selectedId());
    });
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this] { emit connectRequested(selectedId()); });
    connect(remove, &QPushButton::clicked, this, [this] {
        const QString id = selectedId();
        if (id.isEmpty())
            return;
        const QString name = m_connections->profile(id).name;
        if (QMessageBox::warning(this, tr("Remove %1").arg(name),
                                 tr("Forget the cluster %1? Its private key is deleted from the keychain. "
                                    "The cluster itself is not touched.").arg(name),
                                 QMessageBox::Cancel | QMessageBox::Ok, QMessageBox::Cancel)
            == QMessageBox::Ok)
            m_connections->remove(id);
    });
    connect(import, &QPushButton::clicked, this, [this] {
        const int added = importDockerContexts();
        if (added >= 0)
            showMessage(tr("%n cluster(s) imported.", nullptr, added), false);
    });
    connect(connectButton, &QPushButton::clicked, this, [this] {
        if (!selectedId().isEmpty())
            emit connectRequested(selectedId());
    });
    auto *buttons = new QHBoxLayout;
    for (QPushButton *b : {add, editButton, remove, import})
        buttons->addWidget(b);
    buttons->addStretch(1);
    buttons->addWidget(connectButton);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_message);
    layout->addWidget(m_table, 1);
    layout->addLayout(buttons);
    resize(760, 380);

    for (auto signal : {&ConnectionStore::profileAdded, &ConnectionStore::profileChanged, &ConnectionStore::profileRemoved})
        connect(connections, signal, this, &ConnectionsDialog::reload);
    connect(connections, &ConnectionStore::keyFailed, this,
            [this](const QString &, const QString &message) { showMessage(message, true); });
    reload();
}

void ConnectionsDialog::showMessage(const QString &text, bool error)
{
    if (error)
        m_message->showError(text);
    else
        m_message->showInfo(text);
}

QString ConnectionsDialog::messageText() const
{
    return m_message->shownText();
}

QString ConnectionsDialog::selectedId() const
{
    const int row = m_table->currentRow();
    return row < 0 ? QString() : m_table->item(row, 0)->data(Qt::UserRole).toString();
}

void ConnectionsDialog::reload()
{
    const QString selected = selectedId();
    m_table->setRowCount(0);
    for (const ConnectionProfile &profile : m_connections->profiles()) {
        const int row = m_table->rowCount();
        m_table->insertRow(row);
        auto *name = new QTableWidgetItem(profile.name);
        name->setData(Qt::UserRole, profile.id);
        m_table->setItem(row, 0, name);
        m_table->setItem(row, 1, new QTableWidgetItem(profile.endpoint));
        m_table->setItem(row, 2, new QTableWidgetItem(!profile.tls ? tr("no")
                                                      : profile.hasKey ? tr("yes, key in keychain")
                                                                       : tr("yes")));
        m_table->setItem(row, 3, new QTableWidgetItem(QString::number(profile.nodes.size())));
        if (profile.id == selected || (selected.isEmpty() && profile.id == m_connections->currentId()))
            m_table->selectRow(row);
    }
}

void ConnectionsDialog::edit(const QString &id)
{
    const bool adding = id.isEmpty();
    ConnectionProfile profile = adding ? ConnectionProfile::create({}, {}) : m_connections->profile(id);
    ConnectionForm form(profile, this);
    if (form.exec() != QDialog::Accepted)
        return;
    QString error;
    const QByteArray key = form.keyPem();
    const bool ok = adding ? (key.isEmpty() ? m_connections->add(form.profile(), &error) : m_connections->add(form.profile(), key, &error))
                           : (key.isEmpty() ? m_connections->update(form.profile(), &error)
                                            : m_connections->update(form.profile(), key, &error));
    if (!ok)
        showMessage(error, true);
}

int ConnectionsDialog::importDockerContexts()
{
    QStringList problems;
    const int added = m_connections->importFromDocker(QProcessEnvironment::systemEnvironment(), &problems);
    if (!problems.isEmpty()) {
        showMessage(problems.join(u'\n'), true);
        return -1;
    }
    return added;
}

} // namespace cape
