#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QTextBrowser;

namespace cape {

class ClusterStore;
class MessageLabel;
struct DockerError;

// The swarm itself: its settings, and the join tokens, fetched and shown
// only on request, copied as ready-to-paste `docker swarm join` commands.
class SwarmView : public QWidget
{
    Q_OBJECT

public:
    explicit SwarmView(ClusterStore *store, QWidget *parent = nullptr);

    void showTokens();
    void copyJoinCommand(const QString &role);
    void rotate(const QString &role);
    QString token(const QString &role) const;

private:
    void updateSummary();
    void setMessage(const QString &text, bool error);
    void showEngineError(const DockerError &error);
    QString managerAddress() const;
    static QString roleName(const QString &role); // "worker" or "manager", in the user's language

    ClusterStore *m_store;
    QTextBrowser *m_summary;
    QLineEdit *m_worker;
    QLineEdit *m_manager;
    MessageLabel *m_message;
};

} // namespace cape
