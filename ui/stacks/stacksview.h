#pragma once

#include "ui/views/resourceview.h"

namespace cape {

class ClusterStore;

// Stacks: services grouped by their com.docker.stack.namespace label;
// deploy a compose file, remove a stack and everything it created.
class StacksView : public ResourceView
{
    Q_OBJECT

public:
    explicit StacksView(ClusterStore *store, QWidget *parent = nullptr);

    void openDeployDialog();
    void removeSelected();

private:
    Detail detailOf(const QString &stack) const;

    ClusterStore *m_store;
};

} // namespace cape
