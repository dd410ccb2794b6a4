#pragma once

#include "resourceview.h"

#include "models/logfeed.h"
#include "models/serviceprogress.h"

#include <QTimer>

namespace cape {

class ClusterStore;
class TaskList;

// Services: mode, image, replicas, ports, update state; scale, restart
// (force update), roll back, remove; the tasks of a service.
class ServicesView : public ResourceView
{
    Q_OBJECT

public:
    explicit ServicesView(ClusterStore *store, QWidget *parent = nullptr);

    void scaleSelected();
    void scale(const QString &id, int replicas);
    void restartSelected();
    void rollbackSelected();
    void removeSelected();
    void showLogsOfSelected();

    // The service editor, window-modal; an empty id creates a service.
    void openEditor(const QString &id);

signals:
    void logsRequested(const cape::LogFeed::Target &target);

private:
    struct Followed
    {
        QString id;
        QString name;
        ServiceProgress::Operation operation;
        ServiceProgress::Before before;
    };

    Detail detailOf(const QString &id) const;
    // Sends an action, then says what becomes of it until it has ended.
    void act(DockerReply *reply, const QString &id, ServiceProgress::Operation operation,
             const QString &doing, int scaleTo = -1);
    void updateProgress();

    ClusterStore *m_store;
    TaskList *m_tasks;
    std::optional<Followed> m_followed; // the last action's, while it runs
    QTimer m_progressTimer;
};

} // namespace cape
