#pragma once

#include "resourceview.h"

namespace cape {

class ClusterStore;
class ObjectTableModel;

// Networks, configs or secrets: list, create, remove. A secret's value is
// written once and never shown: the engine does not return it.
class ObjectsView : public ResourceView
{
    Q_OBJECT

public:
    enum class Kind { Network, Config, Secret };

    ObjectsView(Kind kind, ClusterStore *store, QWidget *parent = nullptr);

    void createObject();
    void removeSelected();

private:
    Detail detailOf(const QString &id) const;
    ObjectTableModel *model() const;
    QString noun() const;

    Kind m_kind;
    ClusterStore *m_store;
};

} // namespace cape
