#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

namespace cape {

class ClusterStore;
class StackDeployer;

// `cape --deploy-stack NAME=FILE`: once the cluster has loaded, deploys a
// compose file and waits until every replica of the stack runs, so that
// the demo's screenshots show a settled cluster. The store is live: its
// stacks model says when the replicas run.
class StackBootstrap : public QObject
{
    Q_OBJECT

public:
    StackBootstrap(ClusterStore *store, QString stack, QString file, QObject *parent = nullptr);

    void start();

signals:
    void ready();
    void failed(const QString &message);

private:
    void check();

    ClusterStore *m_store;
    QString m_stack;
    QString m_file;
    StackDeployer *m_deployer;
    QTimer m_deadline;
    bool m_deployed = false;
};

} // namespace cape
