#pragma once

#include <QDialog>

class QLabel;
class QTableWidget;

namespace cape {

class ConnectionStore;
class MessageLabel;

// The clusters Cape knows: add, edit, remove, import the docker CLI's
// contexts, and connect to one.
class ConnectionsDialog : public QDialog
{
    Q_OBJECT

public:
    ConnectionsDialog(ConnectionStore *connections, QWidget *parent = nullptr);

    // Adds what the docker CLI knows (DOCKER_HOST, its contexts) and is not
    // here yet, by name; returns how many were added.
    int importDockerContexts();
    QString messageText() const;

signals:
    void connectRequested(const QString &id);

private:
    void reload();
    void edit(const QString &id);
    QString selectedId() const;
    void showMessage(const QString &text, bool error);

    ConnectionStore *m_connections;
    QTableWidget *m_table;
    MessageLabel *m_message;
};

} // namespace cape
