#pragma once

#include "models/servicedraft.h"

#include <QDialog>
#include <QHash>

class QCheckBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTabWidget;

namespace cape {

class ClusterStore;
class EditableTable;
class MessageLabel;

// Creates a service, or edits one, over every part of its specification:
// image and command, environment and labels, ports and networks, mounts,
// secrets and configs, placement, resources, restart, update and rollback
// policies, health check. Problems are listed before anything is sent; the
// engine's own error is shown in place and the form stays open.
class ServiceEditor : public QDialog
{
    Q_OBJECT

public:
    // serviceId empty: create.
    ServiceEditor(ClusterStore *store, const QString &serviceId, QWidget *parent = nullptr);

    ServiceDraft draft() const;
    void setDraft(const ServiceDraft &draft);
    // Validates, then creates or updates; the dialog closes on success.
    void submit();
    QString problemText() const;

signals:
    // The engine accepted it: "Created web." / "Updated web."
    void submitted(const QString &message);

private:
    QWidget *generalTab();
    QWidget *environmentTab();
    QWidget *networkTab();
    QWidget *storageTab();
    QWidget *placementTab();
    QWidget *policyTab();
    QWidget *healthTab();
    QLineEdit *line(const QString &objectName, const QString &placeholder = {});
    QComboBox *combo(const QString &objectName, const QStringList &choices);
    QString labelOf(const QString &field) const;
    void showProblems(const QList<ServiceDraft::Problem> &problems);
    void showError(const QString &text);
    QString resolve(const QString &kind, const QString &name) const;
    QString nameOf(const QString &kind, const QString &id) const;

    ClusterStore *m_store;
    QString m_serviceId;
    QTabWidget *m_tabs;
    MessageLabel *m_problems;
    QPushButton *m_submit;
    QHash<QString, QWidget *> m_fields;  // by draft field name, to point at a problem
    QHash<QString, int> m_tabOf;         // draft field name -> tab index
    EditableTable *m_env;
    EditableTable *m_labels;
    EditableTable *m_containerLabels;
    EditableTable *m_ports;
    QListWidget *m_networks;
    EditableTable *m_mounts;
    EditableTable *m_secrets;
    EditableTable *m_configs;
    EditableTable *m_constraints;
    EditableTable *m_preferences;
    QCheckBox *m_healthDisabled;
};

} // namespace cape
