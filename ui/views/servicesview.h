#pragma once

#include "resourceview.h"

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

    // The service editor, window-modal; an empty id creates a service.
    void openEditor(const QString &id);

private:
    Detail detailOf(const QString &id) const;

    ClusterStore *m_store;
    TaskList *m_tasks;
};

} // namespace cape
