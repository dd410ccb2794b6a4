#pragma once

#include "models/logfeed.h"

#include <QWidget>

class QComboBox;
class QStackedLayout;
class QTabWidget;

namespace cape {

class ClusterStore;
class LogPanel;

// The Logs view: one tab per open log panel (service, task or container),
// several streaming at once. Opening what is already open shows its tab.
class LogsView : public QWidget
{
    Q_OBJECT

public:
    explicit LogsView(ClusterStore *store, QWidget *parent = nullptr);

    LogPanel *open(const LogFeed::Target &target);
    LogPanel *currentPanel() const;
    QList<LogPanel *> panels() const;
    void closePanel(int index);

private:
    void updateEmptyState();

    ClusterStore *m_store;
    QTabWidget *m_tabs;
    QWidget *m_empty;
    QComboBox *m_servicePicker;
    QStackedLayout *m_stack;
};

} // namespace cape
