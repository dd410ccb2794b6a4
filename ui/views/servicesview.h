#pragma once

#include "resourceview.h"

#include "models/logfeed.h"

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
    Detail detailOf(const QString &id) const;

    ClusterStore *m_store;
    TaskList *m_tasks;
};

} // namespace cape
