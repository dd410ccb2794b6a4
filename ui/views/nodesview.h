#pragma once

#include "resourceview.h"

namespace cape {

class ClusterStore;
class TaskList;

// Nodes: role, manager status, availability, resources, labels; drain,
// pause, activate, promote, demote, labels, remove; the tasks on a node.
class NodesView : public ResourceView
{
    Q_OBJECT

public:
    explicit NodesView(ClusterStore *store, QWidget *parent = nullptr);

    void setAvailability(const QString &availability);
    void setRole(const QString &role);
    void addLabel();
    void removeLabel();
    void removeNodes();

private:
    Detail detailOf(const QString &id) const;
    static QString doingText(const QString &host, const QString &availability);
    static QString doneText(const QString &host, const QString &availability);

    ClusterStore *m_store;
    TaskList *m_tasks;
};

} // namespace cape
