#pragma once

#include "resourceview.h"

#include "models/logfeed.h"

#include <QHash>
#include <QJsonObject>

namespace cape {

class ClusterStore;

// Every task of the cluster: slot, node, desired and current state, since,
// error, exit code; the shutdown history shown or hidden.
class TasksView : public ResourceView
{
    Q_OBJECT

public:
    explicit TasksView(ClusterStore *store, QWidget *parent = nullptr);

    void setShowHistory(bool show);
    void showLogsOfSelected();

signals:
    void logsRequested(const cape::LogFeed::Target &target);

private:
    Detail detailOf(const QString &id);

    ClusterStore *m_store;
    QAction *m_history;
    QHash<QString, QJsonObject> m_inspected; // fetched on selection: tasks keep no raw JSON
};

} // namespace cape
